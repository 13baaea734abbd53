"""`peerbot sandbox` in the deployment's language (issue 16): with DEFAULT_LANGUAGE=cy its
own lines are Welsh, and so is the bot, whose people's Telegram speaks that language; the
transcript's markers and the sandbox's commands stay as they are typed."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import _, speaking
from tests.test_sandbox import TYPED, reply_to, sandbox


async def test_with_welsh_as_the_default_the_sandbox_and_the_bot_speak_welsh(
    tmp_path: Path,
) -> None:
    script = "/as worker\n/as nobody\n/as peer\n/wait soon\n/press 1\n"
    code, out, err = await sandbox(tmp_path, script, DEFAULT_LANGUAGE="cy")
    assert code == 0, err[-2000:]
    assert out.startswith("peerbot sandbox: y bot cyfan, all-lein;")
    assert "(Mae gan Sam raglen o 10 sesiwn gyda Wren:" in out
    assert "\nChi yw Sam, y cymar: teipiwch yr hyn y bydden nhw'n ei anfon at y bot;" in out

    assert reply_to(out, "peer", "/as worker") == "(chi yw Wren nawr, y gweithiwr cymheiriaid)"
    assert reply_to(out, "worker", "/as nobody").startswith("(pwy? /as coordinator | worker")
    # (/wait prints no prompt of its own: its answer follows the line before.)
    assert reply_to(out, "worker", "/as peer") == (
        "(chi yw Sam nawr, y cymar)\n(rhowch i /wait nifer o eiliadau, er enghraifft /wait 30)"
    )
    assert reply_to(out, "peer", "/press 1").startswith("(rhowch i /press pa neges yn ôl")

    # The bot's own greeting, from the Welsh catalogue, under the English markers.
    with speaking("cy"):
        welcome = _(
            "Welcome, {name}! You're now connected for your peer support sessions with {worker}.",
            name="Sam",
            worker="Wren",
        )
    assert welcome.startswith("Croeso")
    greeting = reply_to(out, "peer", "/start <gwahoddiad gan Wren>")
    assert greeting.startswith(f"bot> {welcome}")
    assert [m[1] for m in map(TYPED.match, out.splitlines()) if m][:3] == [
        "coordinator",
        "worker",
        "peer",
    ]


async def test_a_welsh_sandbox_says_what_stopped_it_in_welsh(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    code, _out, err = await sandbox(
        tmp_path, "/next\n", "--files", "taken/files", DEFAULT_LANGUAGE="cy"
    )
    assert code == 2
    assert err.startswith("peerbot: --files: methu ysgrifennu i taken/files")

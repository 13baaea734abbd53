"""The README's "Try it" is true: its transcript is what the sandbox prints (#13.17).

The transcript's typed lines are played through `peerbot sandbox` with the arguments its
marker names (a fixed `--clock`), and everything printed from the first typed line on must
be the block, line for line. When the bot's texts change, rewrite the block with

    python -m tests.test_readme

The role guides in docs/ list each role's commands: every command the bot has for that
role, and none it does not.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

import pytest

from bot.texts.common import COMMANDS
from tests.test_sandbox import TYPED, sandbox

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(?P<mark><!-- transcript: peerbot sandbox (?P<args>[^>]*?) -->\n```text\n)"
    r"(?P<block>.*?)(?=```\n)",
    re.S,
)
GUIDES = {
    "peer": ROOT / "docs" / "peers.md",
    "worker": ROOT / "docs" / "peer-workers.md",
    "coordinator": ROOT / "docs" / "coordinators.md",
}
SEEDED = "/start <invitation"
LISTED = re.compile(r"^\| `/(\w+)", re.M)


def transcript(readme: str) -> re.Match[str]:
    found = BLOCK.search(readme)
    assert found, "README.md has no <!-- transcript: peerbot sandbox … --> block"
    return found


async def play(block: str, args: str, cwd: Path) -> str:
    """The sandbox's output for the block's typed lines, from the first typed line on."""
    typed = [m[3] for m in map(TYPED.match, block.splitlines()) if m]
    assert typed, "the transcript types nothing"
    code, out, err = await sandbox(cwd, "\n".join(typed) + "\n", *args.split())
    assert code == 0, err[-2000:]
    lines = out.splitlines()
    # After the three people joined (each opened an invitation: "/start <invitation…>").
    first = next(
        i
        for i, line in enumerate(lines)
        if (m := TYPED.match(line)) and not m[3].startswith(SEEDED)
    )
    return "\n".join(lines[first:]) + "\n"


async def test_the_readme_transcript_is_what_the_sandbox_prints(tmp_path: Path) -> None:
    found = transcript(README.read_text(encoding="utf-8"))
    played = await play(found["block"], found["args"], tmp_path)
    assert played == found["block"], "refresh it with: python -m tests.test_readme"


def test_the_try_it_section_starts_from_a_fresh_virtual_environment() -> None:
    readme = README.read_text(encoding="utf-8")
    try_it = readme[readme.index("## Try it") : readme.index("## Install and run")]
    steps = try_it[try_it.index("```sh") : try_it.index("```", try_it.index("```sh") + 5)]
    assert steps.index("python3 -m venv .venv") < steps.index("pip install .")
    assert steps.index("pip install .") < steps.index("peerbot sandbox")
    assert "SPEC.md" not in try_it
    for guide in GUIDES.values():
        assert f"(docs/{guide.name})" in try_it


@pytest.mark.parametrize("role", sorted(GUIDES))
def test_each_role_guide_lists_that_roles_commands_and_only_those(role: str) -> None:
    listed = LISTED.findall(GUIDES[role].read_text(encoding="utf-8"))
    assert sorted(listed) == sorted(name for name, _ in COMMANDS[role])


def rewrite() -> None:
    """Play the transcript and write what the sandbox printed into README.md."""
    readme = README.read_text(encoding="utf-8")
    found = transcript(readme)
    with tempfile.TemporaryDirectory() as scratch:
        played = asyncio.run(play(found["block"], found["args"], Path(scratch)))
    README.write_text(
        readme[: found.start("block")] + played + readme[found.end("block") :], encoding="utf-8"
    )
    changed = "unchanged" if played == found["block"] else "rewritten"
    print(f"README.md transcript {changed} ({len(played.splitlines())} lines)", file=sys.stderr)


if __name__ == "__main__":
    rewrite()

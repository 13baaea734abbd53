"""What the sandbox's screen shows, and the files it keeps (#13.14, #13.16).

The screen is the chat and nothing else: log records (ours, PTB's, APScheduler's) go to a
file beside the saved files. Saved files are named for what they are, numbered only when
the name is taken; an earlier message's buttons can be pressed too (`/press 3 2`).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_sandbox import SAVED, reply_to, sandbox

# A log record as `peerbot` formats it: "2026-12-08 09:00:00,123 INFO telegram.ext...: ..."
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) ")
# A Tuesday: no weekly digest of its own falls due while the test plays.
CLOCK = ("--clock", "2026-12-08T09:30")


async def test_log_records_go_to_a_file_beside_the_saved_files_and_never_to_the_screen(
    tmp_path: Path,
) -> None:
    code, out, err = await sandbox(
        tmp_path, "/next\n1\n/as worker\n/diary\n", "--files", "kept", *CLOCK
    )
    assert code == 0, err[-2000:]
    assert "The bot's log goes to kept/sandbox.log, not to this screen." in out.splitlines()[2]
    for screen in (out, err):
        assert not LOG_RECORD.search(screen), screen[:3000]
    assert "Your next session" in reply_to(out, "peer", "/next")

    logged = (tmp_path / "kept" / "sandbox.log").read_text()
    assert "telegram.ext.Application: Application started" in logged
    assert "handlers.onboarding: person 3 joined as peer" in logged
    assert "Sam" not in logged and "Wren" not in logged, "ids, never names"


async def test_log_records_stay_off_the_screen_at_debug_too(tmp_path: Path) -> None:
    # DEBUG: the most the bot and its libraries would ever say.
    code, out, err = await sandbox(tmp_path, "/next\n", *CLOCK, LOG_LEVEL="DEBUG")
    assert code == 0, err[-2000:]
    for screen in (out, err):
        assert not LOG_RECORD.search(screen), screen[:3000]
    assert " DEBUG " in (tmp_path / "sandbox-files" / "sandbox.log").read_text()


async def test_saved_files_say_what_they_are_and_are_numbered_only_on_a_clash(
    tmp_path: Path,
) -> None:
    files = tmp_path / "sandbox-files"
    files.mkdir()
    (files / "calendar.ics").write_text("an earlier run's calendar")
    script = (
        "/calendar\n/mydata\n/as worker\n/addpeer Alex Smith\n"
        "/as coordinator\n/invite\n/digest\n/digest\n"
    )
    code, out, err = await sandbox(tmp_path, script, *CLOCK)
    assert code == 0, err[-2000:]

    def saved(who: str, typed: str) -> list[str]:
        return [path for _, path in SAVED.findall(reply_to(out, who, typed))]

    assert saved("peer", "/calendar") == ["sandbox-files/calendar-2.ics"]
    assert (files / "calendar.ics").read_text() == "an earlier run's calendar"
    assert (files / "calendar-2.ics").read_text().startswith("BEGIN:VCALENDAR")
    assert saved("peer", "/mydata") == ["sandbox-files/mydata.json"]
    assert saved("worker", "/addpeer Alex Smith") == ["sandbox-files/invite-qr-alex-smith.png"]
    assert saved("coordinator", "/invite") == ["sandbox-files/invite-qr-worker.png"]
    digests = [path for _, path in SAVED.findall(out.split("coordinator Chris> /digest", 1)[1])]
    # Each digest has two charts (the week's sessions; referrals and waits) and a CSV.
    assert digests == [
        "sandbox-files/digest-2026-12-08.png",
        "sandbox-files/digest-2026-12-08-2.png",
        "sandbox-files/digest-2026-12-08.csv",
        "sandbox-files/digest-2026-12-08-3.png",
        "sandbox-files/digest-2026-12-08-4.png",
        "sandbox-files/digest-2026-12-08-2.csv",
    ]
    assert (files / "digest-2026-12-08.png").read_bytes().startswith(b"\x89PNG")


async def test_press_reaches_an_earlier_messages_buttons_and_the_sandbox_help_says_so(
    tmp_path: Path,
) -> None:
    script = "/next\n/sessions\n/press 2 1\n/press 9 1\n/press 1 1\n/help\n"
    code, out, err = await sandbox(tmp_path, script, *CLOCK)
    assert code == 0, err[-2000:]

    # Two messages back is /next's, whose first button is "I'll be there".
    pressed = reply_to(out, "peer", "/press 2 1")
    assert pressed.startswith("→ [I'll be there]\nbot (pop-up)> Thank you, that's confirmed.")
    assert "bot (edited)> Your next session" in pressed
    assert "Status: you said you'll be there" in pressed
    assert reply_to(out, "peer", "/press 9 1") == "(Sam's chat has no message 9 back.)"
    assert reply_to(out, "peer", "/press 1 1") == "(Message 1 back in Sam's chat has no buttons.)"
    help_reply = reply_to(out, "peer", "/help")
    assert "You're here as a peer" in help_reply
    assert "/press 3 2 presses the second button of the third message back" in help_reply


async def test_a_files_folder_that_cannot_be_written_stops_the_sandbox_with_one_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    code, out, err = await sandbox(tmp_path, "/next\n", "--files", "taken/files")
    assert code == 2
    assert err.startswith("peerbot: --files: cannot write to taken/files")
    assert "Traceback" not in err and "Welcome" not in out

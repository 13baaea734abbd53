"""The `peerbot` command, run as a person runs it: a separate process, exit codes, output."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.localapi import LocalBotApi
from tests.harness import LINK

SCRIPT = shutil.which("peerbot", path=str(Path(sys.executable).parent))
COMMAND = [SCRIPT] if SCRIPT else [sys.executable, "-m", "bot"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    env.update(extra)
    return env


async def peerbot(cwd: Path, *args: str, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        *args,
        cwd=cwd,
        env=clean_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize(
    "args", [["--help"], ["run", "--help"], ["db", "upgrade", "--help"], ["invite", "--help"]]
)
async def test_help_works_for_every_verb(tmp_path: Path, args: list[str]) -> None:
    code, out, _ = await peerbot(tmp_path, *args)
    assert code == 0
    assert out.startswith("usage: peerbot")


async def test_run_without_a_token_exits_2_with_one_line_naming_it(tmp_path: Path) -> None:
    code, out, err = await peerbot(tmp_path, "run")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("peerbot: TELEGRAM_BOT_TOKEN: is not set")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TIMEZONE", "Atlantis/Capital"),
        ("DATABASE_URL", "oracle://x"),
        ("PROGRAMME_SESSIONS", "many"),
        ("SCHEDULER_TICK_SECONDS", "-1"),
    ],
)
async def test_a_bad_setting_stops_run_with_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    code, _, err = await peerbot(tmp_path, "run", TELEGRAM_BOT_TOKEN="1:abc", **{variable: value})
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"peerbot: {variable}: ")


async def test_run_with_a_webhook_and_no_secret_exits_2_naming_the_secret(tmp_path: Path) -> None:
    # A webhook without a secret accepts anyone's POST (a forged /stop paused a peer).
    code, out, err = await peerbot(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN="1:abc",
        WEBHOOK_URL="https://bot.example.org/telegram",
        DATABASE_URL=f"sqlite:///{tmp_path}/peerbot.db",
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("peerbot: WEBHOOK_SECRET: ")
    # Refused before anything else happens: no database was made.
    assert not (tmp_path / "peerbot.db").exists()


async def test_settings_come_from_the_env_file_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TIMEZONE=Nowhere/Town\n")
    code, _, err = await peerbot(tmp_path, "db", "upgrade")
    assert code == 2 and err.startswith("peerbot: TIMEZONE: ")


async def test_an_unreachable_database_is_named(tmp_path: Path) -> None:
    code, _, err = await peerbot(
        tmp_path, "db", "upgrade", DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/x.db"
    )
    assert code == 2
    assert err.startswith("peerbot: DATABASE_URL: cannot open the database")
    assert "Traceback" not in err, err


# The CLI, with every thread but the main one slowed down (as on a busy machine), and the
# process waiting for those threads before it exits, so that whatever a late thread
# prints is seen.
SLOW_THREADS = """
import sys, threading, time

def slow(frame, event, arg):
    if event == "call":
        time.sleep(0.03)

threading.settrace(slow)
from bot.cli import main
code = main()
for thread in threading.enumerate():
    if thread is not threading.current_thread():
        thread.join(10)
sys.exit(code)
"""


async def test_an_unreachable_database_prints_no_traceback_however_slow_the_driver_is(
    tmp_path: Path,
) -> None:
    # aiosqlite's connection thread answers a failed connect late; with the event loop
    # already closed, it used to die with a traceback (now and then, on a loaded machine).
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SLOW_THREADS,
        "db",
        "upgrade",
        cwd=tmp_path,
        env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/x.db"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert err.decode() == "peerbot: DATABASE_URL: cannot open the database (OperationalError)\n"


async def test_db_upgrade_creates_the_default_sqlite_file(tmp_path: Path) -> None:
    code, out, _ = await peerbot(tmp_path, "db", "upgrade")
    assert code == 0 and "up to date" in out
    with sqlite3.connect(tmp_path / "peerbot.db") as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert {"people", "invitations", "programmes", "sessions", "alembic_version"} <= tables
    code, _, _ = await peerbot(tmp_path, "db", "upgrade")
    assert code == 0


async def test_invite_coordinator_without_a_token_still_makes_a_working_token(
    tmp_path: Path,
) -> None:
    code, out, err = await peerbot(tmp_path, "invite", "coordinator")
    assert code == 0
    last = out.strip().splitlines()[-1]
    found = LINK.fullmatch(last)
    assert found, last
    assert f"/start {found['token']}" in err
    with sqlite3.connect(tmp_path / "peerbot.db") as conn:
        rows = conn.execute("select role, token_hash, used_at from invitations").fetchall()
    assert len(rows) == 1 and rows[0][0] == "coordinator" and rows[0][2] is None
    assert found["token"] not in rows[0][1]


async def test_invite_coordinator_link_names_the_bot_and_lets_the_coordinator_join(
    tmp_path: Path,
) -> None:
    async with LocalBotApi(bot_username="riverside_peers_bot") as api:
        env = {
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_BASE_URL": api.base_url,
            "TELEGRAM_BASE_FILE_URL": api.base_file_url,
        }
        code, out, _ = await peerbot(tmp_path, "invite", "coordinator", **env)
        assert code == 0
        link = out.strip().splitlines()[-1]
        found = LINK.fullmatch(link)
        assert found and found["username"] == "riverside_peers_bot"

        bot = await asyncio.create_subprocess_exec(
            *COMMAND,
            "run",
            cwd=tmp_path,
            env=clean_env(**env),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            replies = await api.person("Chris").send(f"/start {found['token']}", timeout=30)
            assert "joined as a coordinator" in replies[0].text
        finally:
            bot.terminate()
            _, err = await asyncio.wait_for(bot.communicate(), timeout=30)
        assert bot.returncode == 0, err.decode()[-2000:]
        assert "Chris" not in err.decode()


async def test_run_with_a_token_telegram_refuses_exits_2_naming_the_token(tmp_path: Path) -> None:
    # Retrying cannot mend a wrong token: one clear line, not a traceback or a retry loop.
    async with LocalBotApi() as api:
        code, out, err = await peerbot(
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN="1:not-the-right-token",
            TELEGRAM_BASE_URL=api.base_url,
            TELEGRAM_BASE_FILE_URL=api.base_file_url,
            DATABASE_URL=f"sqlite:///{tmp_path}/peerbot.db",
        )
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("peerbot: TELEGRAM_BOT_TOKEN: ")
    assert "not-the-right-token" not in err

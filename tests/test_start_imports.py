"""What `peerbot run` loads before it answers anyone: not the charting and PDF libraries.

matplotlib (the digest's charts) and fpdf2 (the toolbox's page) cost a start about 1.3 s
and 70 MB between them, for things made once a week or once a programme; they are
imported where they are used (#17: start under 3 s, RSS under 150 MB).
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("matplotlib", "fpdf", "fontTools")


def test_starting_the_bot_loads_neither_the_charts_nor_the_pdf_library() -> None:
    code = (
        "import sys, bot.cli, bot.app, handlers, scheduler.engine\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""

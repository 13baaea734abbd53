"""The weekly digest's chart: held / missed / cancelled per peer worker, for a phone screen.

Drawn on a bare matplotlib Figure (no pyplot), which renders with the Agg backend and
keeps no global state, so it is safe in a server and in a worker thread.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

from bot.texts import team as t

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bot.services.digest import Digest, WorkerDigest

# Okabe-Ito colours, told apart with every common colour-vision difference; the hatches
# and the numbers on the bars say the same again without colour.
SERIES = (
    ("held", "#0072B2", ""),
    ("missed", "#E69F00", "//"),
    ("cancelled", "#CC79A7", ".."),
)
# More rows than this would be too small to read on a phone; the rest are summed.
MAX_ROWS = 12
NAME_CHARS = 16
# matplotlib promises no thread safety; the handler draws in a worker thread, one at a time.
_DRAWING = threading.Lock()


def _rows(digest: Digest) -> list[tuple[str, dict[str, int]]]:
    def counts(workers: list[WorkerDigest]) -> dict[str, int]:
        return {key: sum(getattr(w.figures, key) for w in workers) for key, _, _ in SERIES}

    def size(worker: WorkerDigest) -> int:
        return worker.figures.held + worker.figures.missed + worker.figures.cancelled

    workers = list(digest.workers)
    if len(workers) > MAX_ROWS:
        workers.sort(key=size, reverse=True)
        shown, rest = workers[: MAX_ROWS - 1], workers[MAX_ROWS - 1 :]
        rows = [(w.name, counts([w])) for w in shown]
        return [*rows, (t.CHART_OTHERS.format(count=len(rest)), counts(rest))]
    return [(w.name, counts([w])) for w in workers]


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def digest_chart_png(digest: Digest) -> bytes:
    """A PNG bar chart of the digest's week, large text, one group of bars per worker."""
    with _DRAWING:
        return _draw(_rows(digest), digest)


def _draw(rows: list[tuple[str, dict[str, int]]], digest: Digest) -> bytes:
    height = 1.6 + 1.25 * max(len(rows), 1)
    # Imported here: matplotlib costs about half a second, which every start would pay.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.2, height), dpi=150, layout="constrained")
    axes = figure.add_subplot()
    period = f"{digest.start:%-d %b} – {digest.end:%-d %b}"
    figure.suptitle(t.CHART_TITLE.format(period=period), fontsize=20, x=0.03, ha="left")
    if rows:
        _bars(axes, rows)
    else:
        axes.text(0.5, 0.5, t.CHART_NO_WORKERS, ha="center", va="center", fontsize=18)
        axes.set_axis_off()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def _bars(axes: Axes, rows: list[tuple[str, dict[str, int]]]) -> None:
    bar = 0.27
    top = max((max(counts.values()) for _, counts in rows), default=0)
    # Rows read top to bottom in the digest's order.
    positions = list(range(len(rows)))[::-1]
    for index, (key, colour, hatch) in enumerate(SERIES):
        offsets = [p + (1 - index) * bar for p in positions]
        values = [counts[key] for _, counts in rows]
        drawn = axes.barh(
            offsets,
            values,
            height=bar,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.6,
        )
        # Each bar names what it counts, so nothing depends on telling colours apart.
        axes.bar_label(
            drawn, [f"{v} {t.CHART_LABELS[key]}" for v in values], padding=5, fontsize=14
        )
    axes.set_yticks(positions, [_short(name) for name, _ in rows], fontsize=16)
    # Room on the right for the longest label ("12 cancelled").
    axes.set_xlim(0, max(top, 1) * 1.75)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)

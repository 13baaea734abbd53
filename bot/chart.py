"""The weekly digest's charts, for a phone screen: held / missed / cancelled per peer
worker; and the service's referrals and waits over the last twelve weeks.

Drawn on a bare matplotlib Figure (no pyplot), which renders with the Agg backend and
keeps no global state, so it is safe in a server and in a worker thread.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

from bot.i18n import _
from bot.texts import digest_flow as tf, team as t

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
        return [*rows, (t.chart_others(len(rest)), counts(rest))]
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
    title = _(t.CHART_TITLE, period=t.period(digest.start, digest.end))
    figure.suptitle(title, fontsize=20, x=0.03, ha="left")
    if rows:
        _bars(axes, rows)
    else:
        axes.text(0.5, 0.5, _(t.CHART_NO_WORKERS), ha="center", va="center", fontsize=18)
        axes.set_axis_off()
    return _png(figure, title)


def _png(figure: Figure, title: str) -> bytes:
    """The figure as PNG bytes, its title also in the file's metadata (for a screen reader,
    and a check of its language)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white", metadata={"Title": title})
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
        axes.bar_label(drawn, [t.chart_bar(key, v) for v in values], padding=5, fontsize=14)
    axes.set_yticks(positions, [_short(name) for name, _ in rows], fontsize=16)
    # Room on the right for the longest label ("12 cancelled").
    axes.set_xlim(0, max(top, 1) * 1.75)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)


def flow_chart_png(digest: Digest) -> bytes:
    """A PNG of the last twelve weeks: bars of referrals received, a line of the median
    days from referral to first session (a gap where no first session fell)."""
    with _DRAWING:
        return _draw_flow(digest)


def _draw_flow(digest: Digest) -> bytes:
    from matplotlib.figure import Figure

    weeks = digest.flow.weeks
    figure = Figure(figsize=(7.2, 6.0), dpi=150, layout="constrained")
    axes = figure.add_subplot()
    span = t.period(weeks[0].start, digest.end) if weeks else t.period(digest.start, digest.end)
    title = _(tf.FLOW_CHART_TITLE, period=span)
    figure.suptitle(title, fontsize=20, x=0.03, ha="left")
    positions = list(range(len(weeks)))
    received = [week.referrals for week in weeks]
    drawn = axes.bar(
        positions, received, width=0.6, color="#0072B2", edgecolor="black", linewidth=0.6,
        label=_(tf.FLOW_CHART_BARS),
    )  # fmt: skip
    axes.bar_label(drawn, [str(n) if n else "" for n in received], padding=3, fontsize=12)
    axes.set_ylim(0, max([*received, 1]) * 1.3)
    axes.set_ylabel(_(tf.FLOW_CHART_BARS), fontsize=13)
    # Every other week's date, so the labels stay large enough to read on a phone.
    axes.set_xticks(positions[::2], [t.day_month(week.start) for week in weeks][::2], fontsize=12)
    waits = axes.twinx()
    medians = [float("nan") if w.median_wait_days is None else w.median_wait_days for w in weeks]
    waits.plot(
        positions, medians, color="#E69F00", marker="o", markersize=8, linewidth=3,
        linestyle="--", label=_(tf.FLOW_CHART_LINE),
    )  # fmt: skip
    # Each point says its wait, so the line reads without the right-hand axis.
    for x, week in zip(positions, weeks, strict=True):
        if week.median_wait_days is not None:
            days = tf.days(week.median_wait_days)
            waits.annotate(days, (x, week.median_wait_days), xytext=(0, 10), fontsize=11,
                           textcoords="offset points", ha="center", color="#8A5A00")  # fmt: skip
    top = max((m for m in medians if m == m), default=0.0)
    waits.set_ylim(0, max(top, 1.0) * 1.3)
    waits.set_ylabel(_(tf.FLOW_CHART_LINE), fontsize=13)
    for side in (axes, waits):
        side.tick_params(labelsize=12)
        side.spines["top"].set_visible(False)
    labels = [_(tf.FLOW_CHART_BARS), _(tf.FLOW_CHART_LINE)]
    axes.legend([drawn, *waits.get_lines()], labels, loc="upper left", fontsize=12)
    return _png(figure, title)

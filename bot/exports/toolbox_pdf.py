"""The peer's toolbox as a one-page PDF: big, plain, good to print and stick on a fridge.

Made with fpdf2 from the frozen toolbox bot.services.endings builds, in the texts' words;
DejaVu Sans (shipped with matplotlib) so that every name prints, accents and all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import _
from bot.services.endings import Toolbox
from bot.texts import endings as t
from bot.texts.strategies import short

if TYPE_CHECKING:
    from fpdf import FPDF

# fpdf2 (with the fontTools it loads) is imported where a PDF is made, not at import: it
# costs every start about 0.3 s and 30 MB, for a page made once at a programme's end.

FONT = "DejaVu"
# The most rows that still leave room for the crisis contacts at the foot of one A4 page.
MOST_ROWS = 12
LONGEST_NAME = 60


@cache
def _fonts() -> Path:
    import matplotlib  # here, not at import: it logs as it loads, before logging is set up

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _new_page() -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)  # one page, always
    pdf.set_margins(18, 18, 18)
    pdf.add_font(FONT, "", str(_fonts() / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(_fonts() / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_(t.PDF_TITLE))
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, size: float, style: str = "", gap: float = 2) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _table(pdf: FPDF, toolbox: Toolbox) -> None:
    from fpdf.fonts import FontFace

    shown = toolbox.strategies[:MOST_ROWS]
    size = 14 if len(shown) <= 8 else 11
    pdf.set_font(FONT, "", size)
    with pdf.table(
        col_widths=(60, 13, 13, 13),
        text_align=("LEFT", "CENTER", "CENTER", "CENTER"),
        line_height=size * 0.6,
        headings_style=FontFace(emphasis="BOLD", fill_color=(214, 230, 219)),
        cell_fill_color=(236, 243, 238),
        cell_fill_mode="ROWS",
    ) as table:
        heading = table.row()
        for label in (t.PDF_STRATEGY, t.PDF_TRIED, t.PDF_HELPED, t.PDF_A_BIT):
            heading.cell(_(label))
        for s in shown:
            row = table.row()
            for value in (short(s.name, LONGEST_NAME), str(s.tried), str(s.helped), str(s.a_bit)):
                row.cell(value)


def render(toolbox: Toolbox, contacts: Sequence[str]) -> bytes:
    """The PDF's bytes: title, the strategies (helped most first), the crisis contacts."""
    pdf = _new_page()
    _line(pdf, _(t.PDF_TITLE), 30, "B", 1)
    _line(pdf, t.pdf_made_for(toolbox.peer_name), 12, gap=6)
    if toolbox.strategies:
        _line(pdf, _(t.PDF_SUBTITLE), 14, gap=4)
        _table(pdf, toolbox)
    else:
        _line(pdf, _(t.PDF_NONE), 16, gap=4)
    # The crisis contacts at the foot of the page, where a fridge door shows them.
    pdf.set_y(max(pdf.get_y() + 8, 297 - 18 - 12 - 7 * len(contacts)))
    _line(pdf, _(t.PDF_CRISIS), 13, "B", 1)
    for contact in contacts:
        _line(pdf, f"• {contact}", 12, gap=0.5)
    return bytes(pdf.output())

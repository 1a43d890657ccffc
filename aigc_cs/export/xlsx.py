"""Excel writer: one sheet per section that has a table; paragraphs go to a sheet of their own. Every table sheet is
ready to read and to print (`format_sheet`): bold header frozen on screen and repeated on every printed page, a
filter on it, wrapped cells, columns as wide as their text (Chinese characters count double), A4 landscape fitted
to the page width, page numbers in the footer."""

import re
from pathlib import Path

from aigc_cs.export import Document

_BAD = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 6, 50  # column widths, in Excel's character units
WRAPPED = "表格"  # the named style of every table cell (see `_wrapped`)


def _display_width(text: str) -> int:
    """Columns `text` takes: two for a Chinese character (three bytes in UTF-8), one for ASCII."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def format_sheet(ws, title: str = "", frozen_columns: int = 0, widths: dict[int, float] | None = None) -> None:
    """Format a sheet whose first row is its header. `frozen_columns` stay in view when scrolling right (学号, 姓名);
    `widths` sets the width of some columns (0-based) instead of measuring their text."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wrapped = _wrapped(ws.parent)
    for index, column in enumerate(ws.iter_cols(min_row=1, max_row=ws.max_row)):
        letter = get_column_letter(index + 1)
        longest = max((_display_width(line) for c in column for line in str(c.value or "").split("\n")), default=0)
        ws.column_dimensions[letter].width = (widths or {}).get(index, min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
        for cell in column:
            cell.style = wrapped
            if isinstance(cell.value, str) and cell.value.startswith("="):  # text, never a formula ("=HYPERLINK(…)")
                cell.data_type = "s"
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = ws.cell(row=2, column=frozen_columns + 1)
    ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title:
        ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"


def _wrapped(book) -> str:
    """The workbook's named style of table cells: the default font, text wrapped and at the top of the cell. A cell
    takes a named style by its name; setting an alignment on each of 24,000 cells made openpyxl hash it every time
    (about 0.15 s of a 1,000-student report)."""
    from copy import copy

    from openpyxl.styles import Alignment, NamedStyle
    from openpyxl.styles.fonts import DEFAULT_FONT

    if WRAPPED not in book.named_styles:
        book.add_named_style(NamedStyle(name=WRAPPED, font=copy(DEFAULT_FONT),
                                        alignment=Alignment(wrap_text=True, vertical="top")))
    return WRAPPED


def save_book(book, path: Path) -> None:
    """Save a workbook in one step: the old file stays whole until the new one is complete."""
    from aigc_cs.files import replacing

    with replacing(path) as tmp:
        book.save(str(tmp))


def write_xlsx(document: Document, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    notes = [(s.heading, p) for s in document.sections for p in s.paragraphs]
    used: set[str] = set()

    def sheet(title: str):
        name = _BAD.sub("", title)[:28] or "Sheet"
        while name in used:
            name = name[:26] + f"{len(used)}"
        used.add(name)
        return book.create_sheet(name)

    for section in document.sections:
        if not section.table:
            continue
        ws = sheet(section.heading)
        for row in section.table:
            ws.append(row)
        format_sheet(ws, title=f"{document.title} · {section.heading}")
    if notes or not book.sheetnames:
        ws = sheet("说明")
        ws.append([document.title])
        ws["A1"].font = Font(bold=True)
        for heading, paragraph in notes:
            ws.append([heading, paragraph])
    book.save(str(path))

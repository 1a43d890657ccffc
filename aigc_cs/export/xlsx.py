"""Excel writer: one sheet per section that has a table; paragraphs go to a sheet of their own."""

import re
from pathlib import Path

from aigc_cs.export import Document

_BAD = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(document: Document, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

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
            for cell in ws[ws.max_row]:  # openpyxl takes a text that starts with = for a formula ("=HYPERLINK(…)")
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for col in ws.columns:
            width = min(60, max(8, *(len(str(c.value or "")) * 2 for c in col)))
            ws.column_dimensions[col[0].column_letter].width = width
            for c in col:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    if notes or not book.sheetnames:
        ws = sheet("说明")
        ws.append([document.title])
        ws["A1"].font = Font(bold=True)
        for heading, paragraph in notes:
            ws.append([heading, paragraph])
    book.save(str(path))

"""Word writer: a title, a heading per section, paragraphs, and tables with a header row."""

from pathlib import Path

from aigc_cs.export import Document


def write_docx(document: Document, path: Path) -> None:
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Docx()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.add_heading(document.title, level=0)
    for section in document.sections:
        doc.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
        if section.table:
            header, *rows = section.table
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
            _fit_columns(table, section.table, doc.sections[0])
    doc.save(str(path))


def _fit_columns(table, cells: list[list[str]], page) -> None:
    """Share the text width among the columns by how much they hold, so that a 序号 column stays narrow
    and a column of long answers gets the room."""
    weights = [max(4, min(60, max(len(line) for row in cells for line in row[i].split("\n")))) ** 0.7
               for i in range(len(cells[0]))]
    width = page.page_width - page.left_margin - page.right_margin
    table.autofit = False
    for i, column in enumerate(table.columns):
        for cell in column.cells:
            cell.width = int(width * weights[i] / sum(weights))

"""Word writer, ready to print: A4 pages with margins and page numbers, a title (and a 班级/姓名/学号 line on a student
sheet), a heading per section, paragraphs, and tables with a repeated header row whose grid columns are as wide as
their cells (LibreOffice and WPS lay out a fixed-layout table by its grid, Word by its cells)."""

from pathlib import Path

from aigc_cs.export import NAME_LINE, Document

PAGE_CM = (21.0, 29.7)  # A4, portrait
MARGIN_CM = {"top": 2.54, "bottom": 2.54, "left": 2.5, "right": 2.5}


def write_docx(document: Document, path: Path) -> None:
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Docx()
    _set_up_page(doc.sections[0])
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.add_heading(document.title, level=0)
    if document.student:
        doc.add_paragraph(NAME_LINE)
    for section in document.sections:
        doc.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
        if section.table:
            _add_table(doc, section.table)
    doc.save(str(path))


def _set_up_page(section) -> None:
    """A4 with the margins above, and "第 N 页 / 共 M 页" centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    for side, cm in MARGIN_CM.items():
        setattr(section, f"{side}_margin", Cm(cm))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 / 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _field(paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word, WPS and LibreOffice update when they lay the pages out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _add_table(doc, cells: list[list[str]]) -> None:
    from docx.oxml import OxmlElement

    header, *rows = cells
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    _fit_columns(table, cells, doc.sections[0])


def _fit_columns(table, cells: list[list[str]], page) -> None:
    """Share the text width among the columns by how much they hold, so that a 序号 column stays narrow
    and a column of long answers gets the room; the grid gets the same widths as the cells."""
    weights = [max(4, min(60, max(len(line) for row in cells for line in row[i].split("\n")))) ** 0.7
               for i in range(len(cells[0]))]
    width = page.page_width - page.left_margin - page.right_margin
    table.autofit = False
    for weight, column in zip(weights, table.columns, strict=True):
        column.width = int(width * weight / sum(weights))
        for cell in column.cells:
            cell.width = column.width

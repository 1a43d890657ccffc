"""Word writer, ready to print: A4 pages with margins and page numbers, a title (and a 班级/姓名/学号 line on a student
sheet), a heading per section, paragraphs, and tables with a repeated header row whose grid columns are as wide as
their cells (LibreOffice and WPS lay out a fixed-layout table by its grid, Word by its cells)."""

from pathlib import Path

from aigc_cs.export import NAME_LINE, Document

PAGE_CM = (21.0, 29.7)  # A4, portrait
MARGIN_CM = {"top": 2.54, "bottom": 2.54, "left": 2.5, "right": 2.5}


def write_docx(document: Document, path: Path) -> None:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Docx()
    handouts = any(s.new_page for s in document.sections)
    _set_up_page(doc.sections[0], "SECTIONPAGES" if handouts else "NUMPAGES")
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    if handouts:  # every handout is a page of its own: the title heads each page
        head = doc.sections[0].header.paragraphs[0]
        head.text = document.title
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        doc.add_heading(document.title, level=0)
        if document.student:
            doc.add_paragraph(NAME_LINE)
    # style ids looked up once: python-docx looks a style name up (slowly) on every heading and table otherwise
    headings = {level: doc.styles[f"Heading {level}"].style_id for level in {s.level for s in document.sections}}
    grid = doc.styles["Table Grid"].style_id
    for number, section in enumerate(document.sections):
        if section.new_page:
            _new_handout(doc, first=number == 0)
        doc.add_paragraph(section.heading)._p.style = headings[section.level]
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
        if section.table:
            _add_table(doc, section.table, grid)
    doc.save(str(path))


def _new_handout(doc, first: bool) -> None:
    """Start a handout: a new page (a new Word section, except at the very start) whose pages count from 1."""
    from docx.enum.section import WD_SECTION
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = doc.sections[0] if first else doc.add_section(WD_SECTION.NEW_PAGE)
    if section._sectPr.find(qn("w:pgNumType")) is not None:  # a new section is a copy of the one before
        return
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(numbering, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                                          "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
                                          "w:printerSettings", "w:sectPrChange")


def _set_up_page(section, total: str) -> None:
    """A4 with the margins above, and "第 N 页 / 共 M 页" centred in the footer; `total` is the field that counts
    the pages: NUMPAGES for the document, SECTIONPAGES for one handout of several."""
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
    _field(footer, total)
    footer.add_run(" 页")


def _field(paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES, SECTIONPAGES) that Word, WPS and LibreOffice update when they lay the pages out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _add_table(doc, cells: list[list[str]], style_id: str) -> None:
    from docx.oxml import OxmlElement

    header, *rows = cells
    table = doc.add_table(rows=1, cols=len(header))
    table._tbl.tblPr.style = style_id
    table.autofit = False
    widths = _column_widths(cells, doc.sections[0])
    for column, cell, width, text in zip(table.columns, table.rows[0].cells, widths, header, strict=True):
        column.width = cell.width = width  # a row added later takes its cells' widths from the grid
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _column_widths(cells: list[list[str]], page) -> list[int]:
    """Share the text width among the columns by how much they hold, so that a 序号 column stays narrow
    and a column of long answers gets the room; the grid and the cells get the same widths."""
    weights = [max(4, min(60, max(len(line) for row in cells for line in row[i].split("\n")))) ** 0.7
               for i in range(len(cells[0]))]
    width = page.page_width - page.left_margin - page.right_margin
    return [int(width * weight / sum(weights)) for weight in weights]

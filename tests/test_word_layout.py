"""Every Word file the tool writes is ready to print: A4 with margins, page numbers in the footer, tables whose grid
columns are as wide as their cells (LibreOffice and WPS draw a fixed table by its grid); a student's sheet has a
班级/姓名/学号 line to fill in, the teacher's does not."""

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm


def assert_print_ready(path) -> None:
    document = Document(str(path))
    for section in document.sections:
        assert abs(section.page_width.cm - 21.0) < 0.05 and abs(section.page_height.cm - 29.7) < 0.05
        assert all(Cm(1.9) <= margin <= Cm(3.2) for margin in (section.top_margin, section.bottom_margin,
                                                                 section.left_margin, section.right_margin))
        footer = section.footer._element
        fields = [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))]
        fields += [t.text for t in footer.iter(qn("w:instrText"))]
        assert any(f.split()[0] == "PAGE" for f in fields if f and f.strip()), fields
    page = document.sections[0]
    text_width = page.page_width - page.left_margin - page.right_margin
    for table in document.tables:
        grid = [column.width for column in table.columns]
        assert len(set(grid)) > 1 and abs(sum(grid) - text_width) < Cm(0.1)
        for row in table.rows:
            assert all(abs(cell.width - width) <= 635 for cell, width in zip(row.cells, grid, strict=True))


def name_line(path) -> bool:
    return any(all(word in p.text for word in ("班级", "姓名", "学号")) for p in Document(str(path)).paragraphs[:3])


def test_exercise_sheets_are_print_ready_and_only_the_students_has_a_name_line(cli, tmp_path):
    student = tmp_path / "练习.docx"
    assert cli("exercise", "--shop", "demo-fashion", "--type", "reply", "-n", "3", "--out", str(student)).code == 0
    teacher = student.with_name("练习-教师版.docx")
    assert_print_ready(student)
    assert_print_ready(teacher)
    assert Document(str(teacher)).tables, "the teacher sheet's overview table is checked too"
    assert name_line(student) and not name_line(teacher)


def test_the_markdown_student_sheet_has_the_name_line_too(cli, tmp_path):
    markdown = tmp_path / "练习.md"
    assert cli("exercise", "--shop", "demo-fashion", "--type", "reply", "-n", "2", "--out", str(markdown)).code == 0
    assert "学号" in markdown.read_text(encoding="utf-8")
    assert "学号" not in markdown.with_name("练习-教师版.md").read_text(encoding="utf-8")


def test_feedback_document_is_print_ready_with_a_name_line(cli, tmp_path):
    path = tmp_path / "反馈.docx"
    result = cli("grade", "您好，7天内可以无理由退换，请在订单页申请。", "-r", "aftersale-return", "-s", "demo-fashion",
                 "--out", str(path))
    assert result.code == 0, result.output
    assert_print_ready(path)
    assert name_line(path)


def test_other_word_exports_are_a4_too(cli, tmp_path):
    path = tmp_path / "常见问题.docx"
    result = cli("faq", "--shop", "demo-beauty", "--topic", "七天无理由退货", "-n", "3", "--out", str(path))
    assert result.code == 0, result.output
    assert_print_ready(path)
    assert not name_line(path)

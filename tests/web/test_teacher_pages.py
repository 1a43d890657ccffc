"""The teacher's class report (the xlsx's content on a page: per-question statistics on final scores, mean points per
criterion, common faults, every student's scores) and the feedback slips (a printable page, one slip per student,
and a student's slip as an A4 Word file)."""

import io
import re

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from aigc_cs.web.models import Question, Student
from tests.web.conftest import answer, join, new_class, publish, question_ids

POLICY_ERROR = "您好，欢迎光临！这条牛仔裤支持30天无理由退货，您放心买～"


@pytest.fixture
def graded(app, teacher):
    """Three students, one assignment of three questions: 李明 gets the policy wrong on question 1 (then the teacher
    gives 55), 张华 writes the model answer, 赵雪 hands in nothing."""
    classroom_id, code = new_class(teacher)
    assignment_id = publish(teacher, classroom_id, n=3)
    li, zhang = join(app, code, "240101", "李明"), join(app, code, "240102", "张华")
    join(app, code, "240103", "赵雪")
    first = question_ids(li)[0]
    answer(li, first, POLICY_ERROR)
    li_submission = re.search(r"/student/submissions/(\d+)", li.client.get("/student/history").text).group(1)
    with app.state.sessions() as db:
        reference = db.get(Question, first).reference
    answer(zhang, first, reference)
    zhang_score = float(re.search(r"得分 <strong>([\d.]+)</strong>", zhang.page).group(1))
    page = f"/teacher/submissions/{li_submission}"
    teacher.submit(page, f"{page}/override", score="55", reason="政策说错，流程完整")
    with app.state.sessions() as db:
        students = {s.number: s.id for s in db.get(Question, first).assignment.classroom.students}
    return {"classroom_id": classroom_id, "assignment_id": assignment_id, "zhang": zhang_score, "students": students}


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_class_report_shows_what_the_xlsx_holds(teacher, graded):
    classroom_id, zhang = graded["classroom_id"], graded["zhang"]
    teacher.get(f"/teacher/classes/{classroom_id}")
    assert f'href="/teacher/classes/{classroom_id}/report"' in teacher.page
    teacher.get(f"/teacher/classes/{classroom_id}/report")
    page = teacher.page
    rows = re.findall(r"<tr><td>第(\d)题.*?</tr>", page, re.S)
    assert rows == ["1", "2", "3"]
    first = cells(re.search(r"<tr><td>第1题.*?</tr>", page, re.S).group(0))
    mean = round((55 + zhang) / 2, 1)
    assert first[1:6] == ["2 / 3", f"{mean:g}", f"{mean:g}", f"{max(55, zhang):g}", f"{min(55, zhang):g}"]
    assert cells(re.search(r"<tr><td>第2题.*?</tr>", page, re.S).group(0))[1:3] == ["0 / 3", "—"]
    assert "各评分项平均" in page and "解答准确完整" in page
    assert re.search(r"<li>政策不符：本店支持7天无理由[^<]*（1 人）</li>", page), page
    assert "<td>240103</td><td>赵雪</td><td class=\"num\">未提交</td>" in page

    book = load_workbook(io.BytesIO(teacher.client.get(f"/teacher/classes/{classroom_id}/export.xlsx").content))
    stats = [[str(v) for v in row] for row in book["每题统计"].iter_rows(min_row=2, values_only=True)]
    assert [row[3] for row in stats] == ["2", "0", "0"]
    assert stats[0][6:10] == [f"{mean:g}", f"{mean:g}", f"{max(55, zhang):g}", f"{min(55, zhang):g}"]
    assert "政策不符：本店支持7天无理由" in stats[0][12] and "（1）" in stats[0][12]


def test_feedback_slips_print_one_per_student_and_download_as_word(app, teacher, graded):
    assignment_id, students = graded["assignment_id"], graded["students"]
    teacher.get(f"/teacher/assignments/{assignment_id}")
    assert f'href="/teacher/assignments/{assignment_id}/slips"' in teacher.page
    teacher.get(f"/teacher/assignments/{assignment_id}/slips")
    slips = re.split(r'<article class="card slip">', teacher.page)[1:]
    assert len(slips) == 3
    li, zhang, zhao = slips
    assert "张华" in zhang and zhang.count("未提交") == 2 and '<mark class="fault"' not in zhang
    assert "姓名：李明　学号：240101　合计得分：<strong>55</strong>" in li
    assert "老师复核：政策说错，流程完整" in li and '<mark class="fault"' in li and "改进版本" in li
    assert zhao.count("未提交") == 3 and li.count("未提交") == 2
    css = teacher.client.get("/static/style.css").text
    assert re.search(r"@media print \{.*\.slip \{ break-after: page; \}", css, re.S)

    response = teacher.client.get(f"/teacher/assignments/{assignment_id}/slips/{students['240101']}.docx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    doc = Docx(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "班级：电商2401班　姓名：李明　学号：240101　合计得分：55" in text
    assert "得分：55 / 100（老师复核：政策说错，流程完整）" in text and "30天无理由" in text
    assert round(doc.sections[0].page_width.cm, 1) == 21.0 and doc.tables  # A4, points per criterion as a table

    _, other_code = new_class(teacher, "另一个班")
    join(app, other_code, "9001", "外班同学")
    with app.state.sessions() as db:
        outsider = db.query(Student).filter_by(number="9001").one().id
    assert teacher.client.get(f"/teacher/assignments/{assignment_id}/slips/{outsider}.docx").status_code == 404

"""A class's results as an Excel workbook, written by the toolkit's xlsx writer: one sheet per assignment (each
student's latest attempt per question, final scores), every submission, and the log of teacher overrides."""

import tempfile
from pathlib import Path

from aigc_cs.export import Document, Section
from aigc_cs.web.models import Classroom, Submission
from aigc_cs.web.pages import local_time, score
from aigc_cs.web.submissions import latest


def class_document(classroom: Classroom, submissions: list[Submission]) -> Document:
    counting = latest(submissions)
    sections = []
    for a in classroom.assignments:
        header = ["学号", "姓名", *(f"第{q.no}题" for q in a.questions), "合计", "待教师处理"]
        rows = []
        for st in classroom.students:
            mine = [counting.get((st.id, q.id)) for q in a.questions]
            finals = [s.final for s in mine if s is not None and s.final is not None]
            rows.append([st.number, st.name, *(score(s.final) if s else "未提交" for s in mine),
                         score(sum(finals)) if finals else "", str(sum(1 for s in mine if s and s.status != "graded"
                                                                      and s.override is None))])
        sections.append(Section(heading=a.title, table=[header, *rows]))
    sections.append(Section(heading="提交记录", table=[
        ["作业", "题号", "学号", "姓名", "提交时间", "状态", "系统得分", "最终得分", "答案"],
        *([s.question.assignment.title, str(s.question.no), s.student.number, s.student.name, local_time(s.created_at),
           s.status_label, score(s.total), score(s.final), s.answer] for s in submissions)]))
    sections.append(Section(heading="改分记录", table=[
        ["时间", "教师", "作业", "题号", "学号", "姓名", "系统得分", "教师给分", "原因"],
        *([local_time(o.created_at), o.teacher.name, s.question.assignment.title, str(s.question.no), s.student.number,
           s.student.name, score(s.total), score(o.score), o.reason] for s in submissions for o in s.overrides)]))
    return Document(title=f"{classroom.name}（班级码 {classroom.code}）成绩", sections=sections)


def xlsx_bytes(document: Document) -> bytes:
    from aigc_cs.export.xlsx import write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "成绩.xlsx"
        write_xlsx(document, path)
        return path.read_bytes()

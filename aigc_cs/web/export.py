"""A class's results as an Excel workbook, written by the toolkit's xlsx writer: one sheet per assignment (each
student's latest attempt per question, final scores), the per-question statistics with the common faults (what the
report page shows), every submission, and the log of teacher overrides."""

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import Response

from aigc_cs.export import Document, Section
from aigc_cs.web.models import Classroom, Submission
from aigc_cs.web.pages import local_time, score
from aigc_cs.web.report import STATS_HEADER, class_report, stats_rows

MEDIA_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               ".md": "text/markdown; charset=utf-8"}


def class_document(classroom: Classroom, submissions: list[Submission]) -> Document:
    reports = class_report(classroom, submissions)
    sections = [Section(heading=r.title, table=[r.header, *r.rows]) for r in reports]
    sections.append(Section(heading="每题统计", table=[STATS_HEADER, *stats_rows(reports)]))
    sections.append(Section(heading="提交记录", table=[
        ["作业", "题号", "学号", "姓名", "提交时间", "状态", "系统得分", "最终得分", "答案"],
        *([s.question.assignment.title, str(s.question.no), s.student.number, s.student.name, local_time(s.created_at),
           s.status_label, score(s.total), score(s.final), s.answer] for s in submissions)]))
    sections.append(Section(heading="改分记录", table=[
        ["时间", "教师", "作业", "题号", "学号", "姓名", "系统得分", "教师给分", "原因"],
        *([local_time(o.created_at), o.teacher.name, s.question.assignment.title, str(s.question.no), s.student.number,
           s.student.name, score(s.total), score(o.score), o.reason] for s in submissions for o in s.overrides)]))
    return Document(title=f"{classroom.name}（班级码 {classroom.code}）成绩", sections=sections)


def document_bytes(document: Document, suffix: str) -> bytes:
    """The document as a .xlsx, .docx or .md file's bytes, written by the toolkit's writers."""
    from aigc_cs.export import write

    with tempfile.TemporaryDirectory() as folder:
        return write(document, document, Path(folder) / f"document{suffix}").read_bytes()


def download(document: Document, suffix: str, name: str) -> Response:
    """The document as a file download named `name` + `suffix` (the Chinese name for browsers that take it)."""
    return Response(document_bytes(document, suffix), media_type=MEDIA_TYPES[suffix], headers={
        "Content-Disposition": f"attachment; filename=download{suffix}; filename*=UTF-8''{quote(name + suffix)}"})

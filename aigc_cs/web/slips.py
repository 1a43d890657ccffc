"""Feedback slips to hand back: one per student per assignment, with each question, the student's latest answer
(faulty spans marked), the final score, points per criterion, what to fix and the improved version. The page prints
one slip per sheet; a student's slip also downloads as Word (the toolkit's A4 writer)."""

from pydantic import BaseModel

from aigc_cs.export import Document, Section
from aigc_cs.web.feedback import Feedback, feedback
from aigc_cs.web.models import Assignment, Student, Submission
from aigc_cs.web.pages import local_time, score


class SlipQuestion(BaseModel):
    no: int
    title: str
    customer: str
    submitted_at: str = ""
    fb: Feedback | None = None  # None: not submitted


class Slip(BaseModel):
    student_id: int
    number: str
    name: str
    total: str
    questions: list[SlipQuestion]


def slip(assignment: Assignment, student: Student, counting: dict[tuple[int, int], Submission]) -> Slip:
    questions = []
    for q in assignment.questions:
        s = counting.get((student.id, q.id))
        questions.append(SlipQuestion(no=q.no, title=q.title, customer=q.customer,
                                      submitted_at=local_time(s.created_at) if s else "",
                                      fb=feedback(s) if s else None))
    finals = [q.fb.final for q in questions if q.fb and q.fb.final is not None]
    return Slip(student_id=student.id, number=student.number, name=student.name,
                total=score(sum(finals)) if finals else "—", questions=questions)


def _section(q: SlipQuestion) -> Section:
    heading = f"第{q.no}题　{q.title}"
    if q.fb is None:
        return Section(heading=heading, paragraphs=[f"顾客说：{q.customer}", "未提交"])
    fb = q.fb
    paragraphs = [f"顾客说：{q.customer}", f"得分：{score(fb.final)} / {score(fb.scale)}"
                  + (f"（老师复核：{fb.override_reason}）" if fb.override_reason else ""),
                  "你的答案：" + "".join(p.text for p in fb.answer)]
    paragraphs += [f"需要改正 {p.number}：" + (f"“{p.quote}”" if p.quote else "") + p.message for p in fb.problems]
    paragraphs += fb.flags
    if fb.improved:
        paragraphs.append("改进版本：" + fb.improved)
    table = [["评分项", "得分", "怎么改", "课程出处"]] + [
        [c.name, f"{c.points:g}/{c.max_points:g}", c.feedback, c.cites] for c in fb.criteria] if fb.criteria else []
    return Section(heading=heading, paragraphs=paragraphs, table=table)


def slip_document(assignment: Assignment, found: Slip) -> Document:
    about = Section(heading="学生", paragraphs=[
        f"班级：{assignment.classroom.name}　姓名：{found.name}　学号：{found.number}　合计得分：{found.total}",
        f"作业：{assignment.title}（店铺 {assignment.shop}）"])
    return Document(title=f"反馈单 · {assignment.title}", sections=[about, *map(_section, found.questions)])


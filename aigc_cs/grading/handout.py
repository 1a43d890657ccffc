"""Graded answers as documents to hand back: one answer (`aigc-cs grade --out 反馈.docx|md`: the score, the answer,
points and feedback per criterion, the problems found, the improved version), or the feedback slips of a whole class
(`grade-batch --slips 反馈单.docx`: a page per student with every question of the assignment)."""

from aigc_cs.export import Document, Section
from aigc_cs.grading.models import Grade
from aigc_cs.grading.rubric import get_rubric

FLAGS = {"injection": "答案里有疑似操纵评分的内容，已忽略并标记，请老师复核。",
         "review": "评分模型与规则评分在某些评分项上相差两级或更多，已列入老师复核。"}


def flag_text(grade: Grade) -> str:
    """A grade's flags as the Chinese lines students and teachers read."""
    return "".join(FLAGS.get(flag, flag) for flag in grade.flags)


def problems(grade: Grade) -> list[str]:
    """What the student should fix: every fault found in the answer (what is missing is said by the criteria's
    feedback), so an answer without faults lists none."""
    return [f.message for f in grade.faults if f.kind != "missing"]


def to_fix(grade: Grade) -> list[str]:
    """The problems, then the flags: what a student reads under “要改正的地方”."""
    return problems(grade) + [FLAGS.get(flag, flag) for flag in grade.flags]


def feedback_document(grade: Grade) -> Document:
    rubric = get_rubric(grade.rubric)
    about = [f"总分：{grade.total:g} / {grade.scale:g}　评分标准：{rubric.title}（{rubric.id}）　店铺：{grade.shop}"
             f"　评分方式：{grade.scorer}"]
    if grade.scenario:
        about.append(f"题目情境：{grade.scenario}")
    criteria = [["评分项", "得分", "证据", "反馈"]] + [
        [c.name, f"{c.points:g}/{c.max_points:g}", "；".join(c.evidence[:2]) or "—", c.feedback] for c in grade.criteria]
    sections = [Section(heading="成绩", paragraphs=about),
                Section(heading="你的答案", paragraphs=_lines(grade.answer) or ["（未作答）"]),
                Section(heading="逐项得分与反馈", table=criteria)]
    if fixes := to_fix(grade):
        sections.append(Section(heading="需要改正的地方", paragraphs=fixes))
    if grade.improved:
        sections.append(Section(heading="改进版本（尽量保留了你的原话）", paragraphs=_lines(grade.improved)))
    if grade.warnings:
        sections.append(Section(heading="提醒", paragraphs=grade.warnings))
    return Document(title=f"评分反馈 · {rubric.title}", sections=sections, student=True)


def slips_document(report) -> Document:
    """A `ClassReport` as feedback slips: each student on pages of their own (numbered from 1), with their total and,
    per question, what was asked, their answer, the points and feedback per criterion, what to fix and the improved
    version."""
    sections: list[Section] = []
    for student in report.students:
        final = report.final(student)
        total = "未评完" if final is None else f"{final:g}"
        note = report.overrides.get(student.sid, (None, ""))[1]
        head = [f"班级：{student.klass or '＿＿＿＿'}　姓名：{student.name}　学号：{student.sid}",
                f"作业：{report.assignment.title}　店铺：{report.shop}　日期：{report.day}",
                f"总分：{total}（百分制）" + (f"　老师复核：{note}" if note else "")]
        sections.append(Section(heading=f"{student.name}（{student.sid}）的反馈单", paragraphs=head, new_page=True))
        for question, result in zip(report.assignment.questions, student.answers, strict=True):
            sections += _question_slip(question, result)
    return Document(title=f"{report.assignment.title} · 反馈单", sections=sections)


def _question_slip(question, result) -> list[Section]:
    asked = [f"情境：{question.scenario}"] if question.scenario else []
    asked += [f"顾客说：{question.customer}"] if question.customer else []
    grade = result.grade
    if grade is None:
        return [Section(heading=f"第{question.no}题　{question.title}", level=2,
                        paragraphs=[*asked, f"这道题没有评完（{result.error}），请找老师。"])]
    parts = [Section(heading=f"第{question.no}题　{question.title}（{grade.total:g} / {grade.scale:g} 分）", level=2,
                     paragraphs=[*asked, "你的答案：" + (grade.answer.strip() or "（未作答）")],
                     table=[["评分项", "得分", "反馈"]] + [[c.name, f"{c.points:g}/{c.max_points:g}", c.feedback]
                                                         for c in grade.criteria])]
    if fixes := to_fix(grade):
        parts.append(Section(heading="要改正的地方", level=3, paragraphs=fixes))
    if grade.improved:
        parts.append(Section(heading="改进版本（尽量保留了你的原话）", level=3, paragraphs=_lines(grade.improved)))
    return parts


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]

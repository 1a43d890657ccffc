"""A graded answer as a document to hand back (`aigc-cs grade --out 反馈.docx|md`): the score, the answer,
points and feedback per criterion, the problems found, and the improved version."""

from aigc_cs.export import Document, Section
from aigc_cs.grading.models import Grade
from aigc_cs.grading.rubric import get_rubric

FLAGS = {"injection": "答案里有疑似操纵评分的内容，已忽略并标记，请老师复核。",
         "review": "评分模型与规则评分在某些评分项上相差两级或更多，已列入老师复核。"}


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
    problems = [f.message for f in grade.faults if f.kind != "missing"]
    problems += [FLAGS.get(flag, flag) for flag in grade.flags]
    if problems:
        sections.append(Section(heading="需要改正的地方", paragraphs=problems))
    if grade.improved:
        sections.append(Section(heading="改进版本（尽量保留了你的原话）", paragraphs=_lines(grade.improved)))
    if grade.warnings:
        sections.append(Section(heading="提醒", paragraphs=grade.warnings))
    return Document(title=f"评分反馈 · {rubric.title}", sections=sections, student=True)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]

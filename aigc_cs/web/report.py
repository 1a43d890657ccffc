"""A class's results, as the report page and the xlsx both show them: per assignment, each student's final score
per question (their latest attempt; a teacher's override counts), and per question the statistics of the final
scores, the mean points per criterion and the most common faults."""

import statistics
from collections import Counter

from pydantic import BaseModel

from aigc_cs.grading.models import Grade
from aigc_cs.grading.report import fault_label, ranked_faults
from aigc_cs.web.feedback import full_marks
from aigc_cs.web.models import Assignment, Classroom, Student, Submission
from aigc_cs.web.pages import score
from aigc_cs.web.submissions import latest

TOP_FAULTS = 5
NOT_SUBMITTED = "未提交"


class CriterionMean(BaseModel):
    name: str
    mean: float
    max_points: float


class QuestionStats(BaseModel):
    no: int
    title: str
    rubric: str
    scale: float
    submitted: int
    scored: int  # with a final score
    waiting: int  # failed grading and not overridden: the teacher's to handle
    mean: float | None = None
    median: float | None = None
    high: float | None = None
    low: float | None = None
    criteria: list[CriterionMean] = []
    faults: list[tuple[str, int]] = []  # (fault, how many students' answers have it)


class AssignmentReport(BaseModel):
    id: int
    title: str
    shop: str
    kind: str
    header: list[str]
    rows: list[list[str]]  # one per student: 学号, 姓名, each question's final score, 合计, 待教师处理
    questions: list[QuestionStats]


def _stats(no: int, title: str, rubric: str, scale: float, attempts: list[Submission]) -> QuestionStats:
    finals = [s.final for s in attempts if s.final is not None]
    grades = [Grade.model_validate_json(s.result) for s in attempts if s.result is not None]
    points: dict[str, list[float]] = {}
    tops: dict[str, float] = {}
    for g in grades:
        for c in g.criteria:
            points.setdefault(c.name, []).append(c.points)
            tops[c.name] = c.max_points
    faults = Counter(label for g in grades for label in {fault_label(f.kind, f.message) for f in g.faults
                                                        if f.kind != "injection"})
    found = QuestionStats(no=no, title=title, rubric=rubric, scale=scale, submitted=len(attempts), scored=len(finals),
                          waiting=sum(1 for s in attempts if s.status != "graded" and s.override is None),
                          criteria=[CriterionMean(name=n, mean=round(statistics.fmean(p), 1), max_points=tops[n])
                                    for n, p in points.items()],
                          faults=ranked_faults(faults, TOP_FAULTS))
    if finals:
        found = found.model_copy(update={"mean": round(statistics.fmean(finals), 1),
                                         "median": round(statistics.median(finals), 1),
                                         "high": max(finals), "low": min(finals)})
    return found


def assignment_report(assignment: Assignment, students: list[Student], counting: dict[tuple[int, int], Submission]) \
        -> AssignmentReport:
    rows = []
    for st in students:
        mine = [counting.get((st.id, q.id)) for q in assignment.questions]
        finals = [s.final for s in mine if s is not None and s.final is not None]
        rows.append([st.number, st.name, *(score(s.final) if s else NOT_SUBMITTED for s in mine),
                     score(sum(finals)) if finals else "",
                     str(sum(1 for s in mine if s and s.status != "graded" and s.override is None))])
    questions = []
    for q in assignment.questions:
        attempts = [s for st in students if (s := counting.get((st.id, q.id))) is not None]
        scale = full_marks(attempts[0]) if attempts else 100.0
        questions.append(_stats(q.no, q.title, q.rubric, scale, attempts))
    return AssignmentReport(id=assignment.id, title=assignment.title, shop=assignment.shop, kind=assignment.kind,
                            header=["学号", "姓名", *(f"第{q.no}题" for q in assignment.questions), "合计", "待教师处理"],
                            rows=rows, questions=questions)


def class_report(classroom: Classroom, submissions: list[Submission]) -> list[AssignmentReport]:
    counting = latest(submissions)
    return [assignment_report(a, classroom.students, counting) for a in classroom.assignments]


STATS_HEADER = ["作业", "题号", "题目", "已提交", "有最终得分", "待教师处理", "平均分", "中位数", "最高分", "最低分", "满分",
                "各评分项平均", "常见问题（人数）"]


def stats_rows(reports: list[AssignmentReport]) -> list[list[str]]:
    """The per-question statistics as table rows, for the xlsx."""
    return [[r.title, str(q.no), q.title, str(q.submitted), str(q.scored), str(q.waiting), score(q.mean),
             score(q.median), score(q.high), score(q.low), score(q.scale),
             "；".join(f"{c.name} {c.mean:g}/{c.max_points:g}" for c in q.criteria),
             "；".join(f"{label}（{n}）" for label, n in q.faults)]
            for r in reports for q in r.questions]

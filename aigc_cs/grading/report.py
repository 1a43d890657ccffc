"""The class report, ready to hand back: every answer with its points and feedback per criterion, what to fix, the
improved version and the flags; class statistics on the final (overridden) totals, the most common faults, and a
sheet the teacher can override (kept across re-runs and logged). Written as XLSX (the 成绩 sheet, one sheet per
question of an assignment, 班级统计, 常见问题, 教师复核) and as one self-contained HTML page.

A student's total is the mean of their questions' scores in percent (百分制).
"""

import statistics
from collections import Counter
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel

from aigc_cs.grading.assignment import Assignment, Question
from aigc_cs.grading.batch import StudentResult
from aigc_cs.grading.handout import flag_text, problems
from aigc_cs.grading.overrides import Overrides, SheetRows
from aigc_cs.grading.rubric import Rubric, get_rubric

GRADES_SHEET = "成绩"
SUMMARY_SHEET = "班级统计"
FAULTS_SHEET = "常见问题"
OVERRIDE_SHEET = "教师复核"
BAND_LABELS = ("0-19", "20-39", "40-59", "60-79", "80-100")
TOTAL_COLUMNS = ("系统总分", "最终总分")
TAIL_COLUMNS = ("标记", "主要问题", "错误")
BRIEF_PROBLEMS = 3  # problems listed in a report's 主要问题 cell


class StudentAnswers(BaseModel):
    """One student's results, in the order of the assignment's questions."""
    sid: str
    name: str
    klass: str
    answers: list[StudentResult]

    @property
    def system(self) -> float | None:
        """The graded total in percent, or None while an answer is not graded."""
        if any(r.grade is None for r in self.answers):
            return None
        return round(statistics.fmean(r.grade.total / r.grade.scale * 100 for r in self.answers), 1)  # type: ignore[union-attr]


class ClassStats(BaseModel):
    graded: int
    failed: int
    mean: float
    median: float
    stdev: float
    bands: dict[str, int]
    question_means: dict[str, float]  # “1. 题目” -> the class mean in percent
    criterion_means: dict[str, float]
    top_faults: list[tuple[str, int]]


class ClassReport(BaseModel):
    assignment: Assignment
    students: list[StudentAnswers]
    overrides: Overrides
    shop: str  # the shop as people name it: 衣见倾心女装（demo-fashion）
    scorer: str
    day: str

    @cached_property
    def rubrics(self) -> dict[int, Rubric]:
        return {q.no: get_rubric(q.rubric) for q in self.assignment.questions}

    @property
    def single(self) -> bool:
        return len(self.assignment.questions) == 1

    def final(self, student: StudentAnswers) -> float | None:
        """The total that counts: the teacher's override where there is one, else the graded total."""
        return self.overrides[student.sid][0] if student.sid in self.overrides else student.system

    def criterion_label(self, question: Question, name: str) -> str:
        return name if self.single else f"第{question.no}题 {name}"

    def tail(self, student: StudentAnswers) -> list[str]:
        """标记, 主要问题 and 错误 of a student, each labelled with its question (“第2题：”) when there are several;
        of several questions, 主要问题 names the first problem of the first few."""
        answers = [("" if self.single else f"第{q.no}题：", r)
                   for q, r in zip(self.assignment.questions, student.answers, strict=True)]
        return list(_tail(answers, brief=not self.single))

    @cached_property
    def stats(self) -> ClassStats:
        """Class statistics over the graded students, on the final (overridden) totals."""
        finals = [total for s in self.students if (total := self.final(s)) is not None]
        graded = [s for s in self.students if s.system is not None]
        bands = Counter(BAND_LABELS[min(4, int(t // 20))] for t in finals)
        grades = [r.grade for s in self.students for r in s.answers if r.grade]
        faults = Counter(fault_label(f.kind, f.message) for g in grades for f in g.faults if f.kind != "injection")
        questions, criteria = {}, {}
        for index, q in enumerate(self.assignment.questions):
            done = [g for s in self.students if (g := s.answers[index].grade)]
            questions[q.heading] = _mean(g.total / g.scale * 100 for g in done)
            for c in self.rubrics[q.no].criteria:
                criteria[self.criterion_label(q, c.name)] = _mean(
                    next((x.points for x in g.criteria if x.id == c.id), 0.0) for g in done)
        return ClassStats(graded=len(graded), failed=len(self.students) - len(graded), mean=_mean(finals),
                          median=round(statistics.median(finals), 1) if finals else 0.0,
                          stdev=round(statistics.pstdev(finals), 1) if finals else 0.0,
                          bands={label: bands.get(label, 0) for label in BAND_LABELS}, question_means=questions,
                          criterion_means=criteria, top_faults=ranked_faults(faults, 10))


def _mean(values) -> float:
    values = list(values)
    return round(statistics.fmean(values), 1) if values else 0.0


def build(results: list[StudentResult], assignment: Assignment, overrides: Overrides, shop: str,
          scorer: str) -> ClassReport:
    """The report of a graded class: `results` hold every student's answer to every question, in class order."""
    order = {q.no: i for i, q in enumerate(assignment.questions)}
    students: dict[str, StudentAnswers] = {}
    for r in sorted(results, key=lambda r: order[r.question]):  # stable: the class order stays
        students.setdefault(r.sid, StudentAnswers(sid=r.sid, name=r.name, klass=r.klass, answers=[])).answers.append(r)
    return ClassReport(assignment=assignment, students=list(students.values()), overrides=overrides, shop=shop,
                       scorer=scorer, day=date.today().isoformat())


def ranked_faults(counts: Counter[str], n: int) -> list[tuple[str, int]]:
    """The `n` most frequent faults; on a tie policy errors first, then by label, so a report never depends on the
    order the answers were read in."""
    return sorted(counts.items(), key=lambda item: (-item[1], not item[0].startswith("政策不符"), item[0]))[:n]


def fault_label(kind: str, message: str) -> str:
    """A fault as a class report counts it: policy errors by what the policy says, others by their first clause."""
    if kind == "policy" and "与店铺政策不符：" in message:
        return "政策不符：" + message.split("与店铺政策不符：", 1)[1]
    return message.split("；")[0]


def _answer_header(rubric: Rubric) -> list[str]:
    return ["答案", *(h for c in rubric.criteria for h in (f"{c.name}({c.weight:g})", f"{c.name}·反馈")), "改进版本"]


def _answer_cells(result: StudentResult, rubric: Rubric) -> list[object]:
    """The answer; per criterion of `rubric` its points (未评 when it was not graded) and feedback; the improved
    version. A failed answer has empty cells (its error is in the 错误 column)."""
    g = result.grade
    if g is None:
        return [""] * (2 + 2 * len(rubric.criteria))
    cells: list[object] = [g.answer]
    for c in rubric.criteria:
        score = next((x for x in g.criteria if x.id == c.id), None)
        cells += [score.points, score.feedback] if score else ["未评", ""]
    return [*cells, g.improved or ""]


def _tail(answers: list[tuple[str, StudentResult]], brief: bool = False) -> tuple[str, str, str]:
    """标记, 主要问题 and 错误 of labelled answers: up to three problems of one answer, or (`brief`) the gist of the
    first problem (“禁用语“在的””) of each of the first three answers that have any."""
    flags = [f"{label}{text}" for label, r in answers if r.grade and (text := flag_text(r.grade))]
    found = [(label, listed) for label, r in answers if r.grade and (listed := problems(r.grade))]
    if brief:
        faults = [f"{label}{listed[0].split('；')[0].split('：')[0]}" for label, listed in found[:BRIEF_PROBLEMS]]
        faults += [f"等 {len(found)} 题有问题"] if len(found) > BRIEF_PROBLEMS else []
    else:
        faults = [f"{label}{p}" for label, listed in found for p in listed[:BRIEF_PROBLEMS]]
    errors = [f"{label}{r.error}" for label, r in answers if r.error]
    return "；".join(flags), "；".join(faults), "；".join(errors)


def read_overrides(path: Path) -> SheetRows | None:
    """The rows of the 教师复核 sheet of an earlier report: 学号 -> (教师总分 or None when empty, 说明); None when
    there is no readable report (the override journal still has every override)."""
    if not path.exists():
        return None
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
        rows = list(book[OVERRIDE_SHEET].iter_rows(min_row=2, values_only=True)) if OVERRIDE_SHEET in book else None
        book.close()
    except Exception:  # a damaged old report: the journals still have every grade and override
        return None
    if rows is None:
        return None
    found: SheetRows = {}
    for row in rows:
        sid, score, note = row[0], row[3] if len(row) > 3 else None, row[4] if len(row) > 4 else None
        if sid is None:
            continue
        try:
            found[str(sid)] = (None if score in (None, "") else float(score), "" if note is None else str(note))
        except (TypeError, ValueError):  # not a number: the journaled override, if any, stays
            continue
    return found


def write_xlsx(report: ClassReport, path: Path) -> None:
    from openpyxl import Workbook

    from aigc_cs.export.xlsx import format_sheet, save_book

    book = Workbook()
    questions = report.assignment.questions
    with_class = any(s.klass for s in report.students)
    who = ["学号", "姓名", *(["班级"] if with_class else [])]

    def person(s: StudentAnswers) -> list[object]:
        return [s.sid, s.name, *([s.klass] if with_class else [])]

    def blank(value: float | None) -> object:
        return "" if value is None else value

    grades = book.active
    grades.title = GRADES_SHEET
    if report.single:
        rubric = report.rubrics[questions[0].no]
        grades.append([*who, *_answer_header(rubric), *TOTAL_COLUMNS, *TAIL_COLUMNS])
        for s in report.students:
            grades.append([*person(s), *_answer_cells(s.answers[0], rubric), blank(s.system), blank(report.final(s)),
                           *report.tail(s)])
    else:
        grades.append([*who, *(f"{q.heading}（{report.rubrics[q.no].scale:g}）" for q in questions), *TOTAL_COLUMNS,
                       *TAIL_COLUMNS])
        for s in report.students:
            grades.append([*person(s), *(r.grade.total if r.grade else "失败" for r in s.answers), blank(s.system),
                           blank(report.final(s)), *report.tail(s)])
    format_sheet(grades, title=f"{report.assignment.title} · 成绩", frozen_columns=2)
    for index, q in enumerate([] if report.single else questions):
        rubric = report.rubrics[q.no]
        ws = book.create_sheet(f"第{q.no}题")
        ws.append([*who, *_answer_header(rubric), "得分", *TAIL_COLUMNS])
        for s in report.students:
            r = s.answers[index]
            ws.append([*person(s), *_answer_cells(r, rubric), r.grade.total if r.grade else "", *_tail([("", r)])])
        format_sheet(ws, title=f"{q.heading} · {rubric.title}", frozen_columns=2)
    _summary_sheet(book.create_sheet(SUMMARY_SHEET), report)
    faults = book.create_sheet(FAULTS_SHEET)
    faults.append(["问题", "人次"])
    for label, count in report.stats.top_faults:
        faults.append([label, count])
    review = book.create_sheet(OVERRIDE_SHEET)
    review.append(["学号", "姓名", "系统总分", "教师总分（填写即覆盖）", "说明"])
    for s in report.students:
        score, note = report.overrides.get(s.sid, ("", ""))
        review.append([s.sid, s.name, blank(s.system), score, note])
    for ws in (faults, review):
        format_sheet(ws, title=f"{report.assignment.title} · {ws.title}")
    save_book(book, path)


def _summary_sheet(ws, report: ClassReport) -> None:
    from aigc_cs.export.xlsx import format_sheet

    s = report.stats
    rows: list[list[object]] = [
        ["项目", "数值"], ["作业", report.assignment.title], ["店铺", report.shop], ["日期", report.day],
        ["已评分", s.graded], ["评分失败", s.failed], ["平均分(百分制)", s.mean], ["中位数", s.median],
        ["标准差", s.stdev], [], ["分数段", "人数"], *([label, n] for label, n in s.bands.items())]
    if not report.single:
        rows += [[], ["题目", "平均分(百分制)", "评分标准"],
                 *([q.heading, s.question_means[q.heading], report.rubrics[q.no].title]
                   for q in report.assignment.questions)]
    rows += [[], ["评分项", "平均得分"], *([name, mean] for name, mean in s.criterion_means.items())]
    for row in rows:
        ws.append(row)
    format_sheet(ws, title=f"{report.assignment.title} · {SUMMARY_SHEET}")


def write_html(report: ClassReport, path: Path) -> None:
    """One self-contained page (inline CSS and SVG, no script, no link out): the class at a glance, a chart of the
    score bands with axes, the common faults, the student table and every student's answers and feedback."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from aigc_cs.files import write_text_atomic

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=select_autoescape(["j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(flags=flag_text, problems=problems, score=lambda v: "" if v is None else f"{v:g}")
    env.globals["zip"] = zip
    peak = max(report.stats.bands.values(), default=0)
    write_text_atomic(path, env.get_template("report.html.j2").render(
        report=report, stats=report.stats, questions=report.assignment.questions, ticks=_ticks(peak)))


def _ticks(peak: int) -> list[int]:
    """Whole-number marks for the y axis from 0 to at least `peak`, at most 6 of them."""
    step = max(1, -(-peak // 5))
    return list(range(0, max(peak, 1) + step, step))

"""Batch grading of a class file (csv/xlsx with 学号, 姓名, 答案 and an optional 情境 column).

Each result is appended to a JSONL journal beside the report as soon as it is graded, so an interrupted
run loses nothing and ``resume`` grades only the students without a grade in the journal. A student whose grading
failed is journaled too, as retryable (``"retry": true``): ``resume`` grades them again. The journal's first line
records what it was graded with (rubric, shop, scenario): ``resume`` with anything else is refused.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, computed_field

from aigc_cs.errors import UserError
from aigc_cs.files import cannot_write, read_jsonl, rewrite_jsonl
from aigc_cs.grading.models import CriterionScore, Fault, Grade
from aigc_cs.grading.rubric import Rubric
from aigc_cs.kb.loaders import column as find_column

ID_COLUMNS = ("学号", "id", "student_id")
NAME_COLUMNS = ("姓名", "name")
ANSWER_COLUMNS = ("答案", "回答", "answer")
SCENARIO_COLUMNS = ("情境", "题目", "scenario")
UNANSWERED = "未作答"


class Student(BaseModel):
    sid: str
    name: str
    answer: str
    scenario: str = ""


class StudentResult(BaseModel):
    sid: str
    name: str
    grade: Grade | None = None
    error: str | None = None

    @computed_field
    @property
    def retry(self) -> bool:
        """A failed student is graded again by the next ``--resume``."""
        return self.grade is None


class Setup(BaseModel):
    """What a journal's grades were made with; resuming with anything else would mix two gradings in one report."""
    rubric: str
    shop: str
    scenario: str


class JournalHeader(BaseModel):
    setup: Setup


SETUP_LABELS = {"rubric": "评分标准", "shop": "店铺", "scenario": "情境"}


def _rows(path: Path) -> list[list[str]]:
    from aigc_cs.kb.loaders import table_rows

    if not path.is_file():
        raise UserError(f"{path}：班级文件不存在，请检查路径")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"{path}：班级文件只支持 .csv 或 .xlsx")
    return table_rows(path.read_bytes(), path)


def read_class(path: Path) -> list[Student]:
    rows = _rows(path)
    if not rows:
        raise UserError(f"{path}：班级文件是空的")
    header = rows[0]

    def column(names: tuple[str, ...], required: bool) -> int | None:
        index = find_column(header, names)
        if index is None and required:
            raise UserError(f"{path}：缺少“{names[0]}”列；第一行需要 学号、姓名、答案（可选：情境）")
        return index

    sid, name, answer = column(ID_COLUMNS, True), column(NAME_COLUMNS, True), column(ANSWER_COLUMNS, True)
    scenario = column(SCENARIO_COLUMNS, False)
    students, seen = [], set()
    for number, row in enumerate(rows[1:], 2):
        cells = row + [""] * (len(header) - len(row))
        student_id = cells[sid].strip()  # type: ignore[index]
        if not student_id:
            raise UserError(f"{path}：第 {number} 行没有学号")
        if student_id in seen:
            raise UserError(f"{path}：学号 {student_id} 重复（第 {number} 行）")
        seen.add(student_id)
        students.append(Student(sid=student_id, name=cells[name].strip(), answer=cells[answer],  # type: ignore[index]
                                scenario=cells[scenario].strip() if scenario is not None else ""))
    return students


def pseudonymize(students: list[Student]) -> tuple[list[Student], list[tuple[str, str, str]]]:
    """Give every student row its own code 学生001…, also where their name appears in an answer (another student's
    name becomes their code, or 某同学 when several share it); returns the rows (学号, 姓名, 代号) to keep locally."""
    codes = [f"学生{i:03d}" for i in range(1, len(students) + 1)]
    holders: dict[str, list[str]] = {}
    for student, code in zip(students, codes, strict=True):
        if student.name:
            holders.setdefault(student.name, []).append(code)
    names = re.compile("|".join(re.escape(n) for n in sorted(holders, key=len, reverse=True))) if holders else None

    def masked(student: Student, code: str) -> Student:
        def alias(match: re.Match[str]) -> str:
            name = match.group()
            return code if name == student.name else holders[name][0] if len(holders[name]) == 1 else "某同学"

        answer = names.sub(alias, student.answer) if names else student.answer
        return student.model_copy(update={"name": code, "answer": answer})

    return ([masked(s, c) for s, c in zip(students, codes, strict=True)],
            [(s.sid, s.name, c) for s, c in zip(students, codes, strict=True)])


def pseudonym_table(rows: list[tuple[str, str, str]]) -> str:
    """The 学号, 姓名, 代号 table as CSV text."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([("学号", "姓名", "代号"), *rows])
    return text.getvalue()


def unanswered(rubric: Rubric, shop: str, scenario: str, scorer: str) -> Grade:
    """An empty answer: 0 points on every criterion, with the reason 未作答."""
    criteria = [CriterionScore(id=c.id, name=c.name, level=0, levels=len(c.levels), points=0, max_points=c.weight,
                               feedback=UNANSWERED, cites=str(c.cites)) for c in rubric.criteria]
    return Grade(rubric=rubric.id, shop=shop, scorer=scorer, scenario=scenario, answer="", total=0,
                 scale=rubric.scale, criteria=criteria, faults=[Fault(kind="unanswered", message=UNANSWERED)])


def journal_path(out: Path) -> Path:
    return out.with_name(out.name + ".progress.jsonl")


def load_journal(path: Path) -> dict[str, StudentResult]:
    """The last journaled result of each student (a line cut by a kill is skipped: that student is graded again)."""
    return {r.sid: r for r in read_jsonl(path, StudentResult)}


def check_setup(journal: Path, setup: Setup) -> None:
    """Refuse to resume a journal graded with another rubric, shop or scenario (or one that does not say)."""
    if not journal.exists():
        return
    made = next(iter(read_jsonl(journal, JournalHeader)), None)
    if made is None:
        raise UserError(f"{journal}：进度文件没有记录评分设置，无法确认能否续评；请去掉 --resume 重新评分")
    changed = [f"{SETUP_LABELS[k]}“{v}”→“{getattr(setup, k)}”" for k, v in made.setup if v != getattr(setup, k)]
    if changed:
        raise UserError(f"{journal}：进度是用另一套设置评的（{'，'.join(changed)}），不能续评；"
                        "请去掉 --resume 全部重评，或换一个 -o 报告文件")


def grade_class(students: list[Student], grade_one: Callable[[Student], Grade], journal: Path, setup: Setup,
                resume: bool, on_progress: Callable[[int, int], None] | None = None) -> list[StudentResult]:
    """Grade everyone without a grade in the journal, appending each result as it is done; return all, in class
    order. The journal is first rewritten with its setup and only the grades kept, which drops a cut line and the
    failures."""
    if resume:
        check_setup(journal, setup)
    done = {sid: r for sid, r in load_journal(journal).items() if not r.retry} if resume else {}
    rewrite_jsonl(journal, [JournalHeader(setup=setup), *done.values()])
    with journal.open("a", encoding="utf-8") as handle:
        for count, student in enumerate(students, 1):
            if student.sid not in done:
                try:
                    result = StudentResult(sid=student.sid, name=student.name, grade=grade_one(student))
                except UserError as exc:
                    result = StudentResult(sid=student.sid, name=student.name, error=exc.message)
                try:
                    handle.write(result.model_dump_json() + "\n")
                    handle.flush()
                except OSError as exc:
                    raise cannot_write(journal, exc) from None
                done[student.sid] = result
            if on_progress:
                on_progress(count, len(students))
    return [done[s.sid] for s in students]


def failure_summary(results: list[StudentResult]) -> str | None:
    """One Chinese line when any student failed: how many, who, the commonest reason and how to retry them."""
    failed = [r for r in results if r.retry]
    if not failed:
        return None
    ids = "、".join(r.sid for r in failed[:5]) + ("等" if len(failed) > 5 else "")
    reason, count = Counter(r.error or "未知原因" for r in failed).most_common(1)[0]
    return (f"{len(failed)} 名学生评分失败（{ids}），已记为待重试；最常见的原因（{count} 人）：{reason.rstrip('。')}。"
            "解决后加 --resume 重跑同一命令，只重评这些学生")

"""Batch grading of a class file (csv/xlsx with 学号, 姓名, 答案 and an optional 情境 column).

Each result is appended to a JSONL journal beside the report as soon as it is graded, so an interrupted
run loses nothing and ``resume`` grades only the students without a grade in the journal. A student whose grading
failed is journaled too, as retryable (``"retry": true``): ``resume`` grades them again.
"""

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, computed_field

from aigc_cs.errors import UserError
from aigc_cs.files import cannot_write, read_jsonl, rewrite_jsonl
from aigc_cs.grading.models import Grade
from aigc_cs.kb.loaders import column as find_column

ID_COLUMNS = ("学号", "id", "student_id")
NAME_COLUMNS = ("姓名", "name")
ANSWER_COLUMNS = ("答案", "回答", "answer")
SCENARIO_COLUMNS = ("情境", "题目", "scenario")


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


def pseudonymize(students: list[Student]) -> tuple[list[Student], dict[str, str]]:
    """Replace every student's name (in names and answers) with 学生001…; returns the mapping to keep locally."""
    mapping = {s.name: f"学生{i:03d}" for i, s in enumerate(students, 1) if s.name}
    masked = []
    for s in students:
        answer = s.answer
        for real, alias in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
            answer = answer.replace(real, alias)
        masked.append(s.model_copy(update={"name": mapping.get(s.name, s.name), "answer": answer}))
    return masked, mapping


def journal_path(out: Path) -> Path:
    return out.with_name(out.name + ".progress.jsonl")


def load_journal(path: Path) -> dict[str, StudentResult]:
    """The last journaled result of each student (a line cut by a kill is skipped: that student is graded again)."""
    return {r.sid: r for r in read_jsonl(path, StudentResult)}


def grade_class(students: list[Student], grade_one: Callable[[Student], Grade], journal: Path, resume: bool,
                on_progress: Callable[[int, int], None] | None = None) -> list[StudentResult]:
    """Grade everyone without a grade in the journal, appending each result as it is done; return all, in class
    order. The journal is first rewritten with only the grades kept, which drops a cut line and the failures."""
    done = {sid: r for sid, r in load_journal(journal).items() if not r.retry} if resume else {}
    rewrite_jsonl(journal, list(done.values()))
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

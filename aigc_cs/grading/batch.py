"""Batch grading of a class file (csv/xlsx with 学号, 姓名, 答案 and an optional 情境 column).

Each result is appended to a JSONL journal beside the report as soon as it is graded, so an interrupted
run loses nothing and ``resume`` grades only the students not yet in the journal.
"""

import json
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from aigc_cs.errors import UserError
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
    done: dict[str, StudentResult] = {}
    if not path.exists():
        return done
    for line in path.read_bytes().split(b"\n"):
        try:
            result = StudentResult.model_validate_json(line.decode("utf-8"))
        except ValueError:  # also UnicodeDecodeError: a kill can cut a character in half
            continue  # a line cut short by an interruption: that student is graded again
        done[result.sid] = result
    return done


def grade_class(students: list[Student], grade_one: Callable[[Student], Grade], journal: Path, resume: bool,
                on_progress: Callable[[int, int], None] | None = None) -> list[StudentResult]:
    """Grade everyone not yet in the journal, appending each result as it is done; return all, in class order."""
    done = load_journal(journal) if resume else {}
    if not resume and journal.exists():
        journal.unlink()
    if resume and journal.exists():  # drop a last line cut short by the interruption
        raw = journal.read_bytes()
        if raw and not raw.endswith(b"\n"):
            journal.write_bytes(raw[: raw.rfind(b"\n") + 1])
    journal.parent.mkdir(parents=True, exist_ok=True)
    with journal.open("a", encoding="utf-8") as handle:
        for count, student in enumerate(students, 1):
            if student.sid not in done:
                try:
                    result = StudentResult(sid=student.sid, name=student.name, grade=grade_one(student))
                except UserError as exc:
                    result = StudentResult(sid=student.sid, name=student.name, error=exc.message)
                handle.write(result.model_dump_json() + "\n")
                handle.flush()
                done[student.sid] = result
            if on_progress:
                on_progress(count, len(students))
    return [done[s.sid] for s in students]


def override_log(out: Path) -> Path:
    return out.with_name(out.name + ".overrides.jsonl")


def log_overrides(out: Path, overrides: dict[str, tuple[float, str]], previous: dict[str, tuple[float, str]]) -> None:
    """Append every override that is new or changed since the last report to the override log."""
    from datetime import datetime

    changed = {sid: v for sid, v in overrides.items() if previous.get(sid) != v}
    if not changed:
        return
    with override_log(out).open("a", encoding="utf-8") as handle:
        for sid, (score, note) in changed.items():
            handle.write(json.dumps({"time": datetime.now().isoformat(timespec="seconds"), "学号": sid,
                                     "教师总分": score, "说明": note}, ensure_ascii=False) + "\n")

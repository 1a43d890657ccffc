"""Batch grading of a class file (csv/xlsx): 学号, 姓名 (optional 班级, 情境) and the answers — one 答案 column for a
single question, or one column per question of an assignment, headed with its number (“1. 尺码咨询”, or a 问卷星-style
“1、请回复顾客：…”). The header may sit below a title row or two, and common export names are read (学生学号, 学生姓名,
“3、您的学号”).

Each answer is one unit of work (`Student`: one student's answer to one question). Its result is appended to a JSONL
journal beside the report as soon as it is graded, so an interrupted run loses nothing and ``resume`` grades only the
answers without a grade in the journal. An answer whose grading failed is journaled too, as retryable
(``"retry": true``): ``resume`` grades it again. The journal's first line records what it was graded with (rubric,
shop, scenario, assignment): ``resume`` with anything else is refused.
"""

import csv
import io
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, computed_field

from aigc_cs.errors import UserError
from aigc_cs.files import cannot_write, read_jsonl, rewrite_jsonl
from aigc_cs.grading.assignment import Question
from aigc_cs.grading.models import CriterionScore, Fault, Grade
from aigc_cs.grading.rubric import Rubric
from aigc_cs.llm.batch import imap_concurrent

ID_COLUMNS = ("学号", "学生学号", "学籍号", "id", "student_id", "studentid")
NAME_COLUMNS = ("姓名", "学生姓名", "真实姓名", "名字", "name")
CLASS_COLUMNS = ("班级", "班级名称", "所在班级", "class")
ANSWER_COLUMNS = ("答案", "回答", "作答", "answer")
SCENARIO_COLUMNS = ("情境", "题目", "scenario")
HEADER_SCAN = 5  # rows searched for the header: an export may put a title or two above it
UNANSWERED = "未作答"
_NUMBERED = re.compile(r"^\s*(?:第|[Qq])?\s*(\d{1,3})\s*(?:题|[.．、:：)）])\s*")
_NOISE = re.compile(r"[（(][^）)]*[）)]|[\s:：*＊]")


class Student(BaseModel):
    """One student's answer to one question (question 1 of a single-question class file)."""
    sid: str
    name: str
    answer: str
    scenario: str = ""
    klass: str = ""
    question: int = 1


class StudentResult(BaseModel):
    sid: str
    name: str
    question: int = 1
    klass: str = ""
    grade: Grade | None = None
    error: str | None = None

    @computed_field
    @property
    def retry(self) -> bool:
        """A failed answer is graded again by the next ``--resume``."""
        return self.grade is None


class Setup(BaseModel):
    """What a journal's grades were made with; resuming with anything else would mix two gradings in one report."""
    rubric: str
    shop: str
    scenario: str
    assignment: str = ""


class JournalHeader(BaseModel):
    setup: Setup


SETUP_LABELS = {"rubric": "评分标准", "shop": "店铺", "scenario": "情境", "assignment": "作业"}


def _rows(path: Path) -> list[list[str]]:
    from aigc_cs.kb.loaders import table_rows

    if not path.is_file():
        raise UserError(f"{path}：班级文件不存在，请检查路径")
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"{path}：班级文件只支持 .csv 或 .xlsx")
    return table_rows(path.read_bytes(), path)


def _label(cell: str) -> str:
    """A header cell as a column name: without a leading number, notes in brackets, spaces and colons
    (“3、您的学号（必填）：” → “您的学号”)."""
    return _NOISE.sub("", _NUMBERED.sub("", cell)).lower()


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    """The column named one of `names`, or else one whose name ends in the first of them (“您的学号”)."""
    labels = [_label(cell) for cell in header]
    exact = next((labels.index(n) for n in names if n in labels), None)
    return exact if exact is not None else next((i for i, label in enumerate(labels) if label.endswith(names[0])), None)


def _columns_help(questions: list[Question]) -> str:
    answers = "答案" if len(questions) == 1 else f"每题一列（列名以题号开头，如“{questions[0].heading}”）"
    return f"表头需要 学号、姓名、{answers}（可选：班级、情境）"


def _answer_columns(header: list[str], taken: set[int], questions: list[Question], path: Path) -> dict[int, int]:
    """Question number -> column: the 答案 column of a single question, else the columns headed with a number, in
    order of their numbers (a questionnaire may number its 学号 and 姓名 items first)."""
    single = _find(header, ANSWER_COLUMNS) if len(questions) == 1 else None
    if single is not None:
        return {questions[0].no: single}
    numbered = sorted((int(m.group(1)), i) for i, cell in enumerate(header)
                      if i not in taken and (m := _NUMBERED.match(cell)))
    if len(numbered) == len(questions):
        return {q.no: i for q, (_, i) in zip(sorted(questions, key=lambda q: q.no), numbered, strict=True)}
    if len(questions) == 1:
        raise UserError(f"{path}：缺少“答案”列；{_columns_help(questions)}")
    found = "、".join(f"“{header[i]}”" for _, i in numbered) or "没有"
    raise UserError(f"{path}：作业有 {len(questions)} 题，表头里的题目列有 {len(numbered)} 个（{found}）；"
                    f"{_columns_help(questions)}")


def read_class(path: Path, questions: list[Question]) -> list[Student]:
    """Every student's answer to every question, in class order (a student's answers together)."""
    rows = _rows(path)
    if not rows:
        raise UserError(f"{path}：班级文件是空的")
    start = next((i for i, row in enumerate(rows[:HEADER_SCAN]) if _find(row, ID_COLUMNS) is not None), None)
    if start is None:
        raise UserError(f"{path}：前 {HEADER_SCAN} 行里找不到表头（没有“学号”列）；{_columns_help(questions)}")
    header = rows[start]
    sid, name = _find(header, ID_COLUMNS), _find(header, NAME_COLUMNS)
    if name is None:
        raise UserError(f"{path}：缺少“姓名”列；{_columns_help(questions)}")
    klass, scenario = _find(header, CLASS_COLUMNS), _find(header, SCENARIO_COLUMNS)
    taken = {i for i in (sid, name, klass, scenario) if i is not None}
    answers = _answer_columns(header, taken, questions, path)
    students, seen = [], set()
    for number, row in enumerate(rows[start + 1:], start + 2):
        cells = row + [""] * (len(header) - len(row))
        student_id = cells[sid].strip()  # type: ignore[index]
        if not student_id:
            raise UserError(f"{path}：第 {number} 行没有学号")
        if student_id in seen:
            raise UserError(f"{path}：学号 {student_id} 重复（第 {number} 行）")
        seen.add(student_id)
        students += [Student(sid=student_id, name=cells[name].strip(), answer=cells[column], question=no,
                             klass=cells[klass].strip() if klass is not None else "",
                             scenario=cells[scenario].strip() if scenario is not None else "")
                     for no, column in answers.items()]
    return students


def pseudonymize(students: list[Student]) -> tuple[list[Student], list[tuple[str, str, str]]]:
    """Give every student row its own code 学生001…, also where their name appears in an answer (another student's
    name becomes their code, or 某同学 when several share it); returns the rows (学号, 姓名, 代号) to keep locally."""
    rows = list({s.sid: s.name for s in students}.items())  # one per student row, in class order
    codes = {sid: f"学生{i:03d}" for i, (sid, _) in enumerate(rows, 1)}
    holders: dict[str, list[str]] = {}
    for sid, name in rows:
        if name:
            holders.setdefault(name, []).append(codes[sid])
    names = re.compile("|".join(re.escape(n) for n in sorted(holders, key=len, reverse=True))) if holders else None

    def masked(student: Student) -> Student:
        code = codes[student.sid]

        def alias(match: re.Match[str]) -> str:
            name = match.group()
            return code if name == student.name else holders[name][0] if len(holders[name]) == 1 else "某同学"

        answer = names.sub(alias, student.answer) if names else student.answer
        return student.model_copy(update={"name": code, "answer": answer})

    return [masked(s) for s in students], [(sid, name, codes[sid]) for sid, name in rows]


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


def load_journal(path: Path) -> dict[tuple[str, int], StudentResult]:
    """The last journaled result of each answer, by (学号, 题号); a line cut by a kill is skipped (that answer is
    graded again)."""
    return {(r.sid, r.question): r for r in read_jsonl(path, StudentResult)}


def check_setup(journal: Path, setup: Setup) -> None:
    """Refuse to resume a journal graded with another rubric, shop, scenario or assignment (or one that does not
    say)."""
    if not journal.exists():
        return
    made = next(iter(read_jsonl(journal, JournalHeader)), None)
    if made is None:
        raise UserError(f"{journal}：进度文件没有记录评分设置，无法确认能否续评；请去掉 --resume 重新评分")
    changed = [f"{SETUP_LABELS[k]}“{v or '无'}”→“{getattr(setup, k) or '无'}”" for k, v in made.setup
               if v != getattr(setup, k)]
    if changed:
        raise UserError(f"{journal}：进度是用另一套设置评的（{'，'.join(changed)}），不能续评；"
                        "请去掉 --resume 全部重评，或换一个 -o 报告文件")


FORK_FROM = 64  # a class of fewer answers is graded in one process (starting others would cost more than it saves)
FORKED_CHUNK = 8  # answers a forked process takes at a time
MAX_PROCESSES = 4  # forked graders at most, whatever the number of CPUs
_GRADE: Callable[[Student], StudentResult] | None = None  # what a forked process grades with (inherited, not sent)


def _grade_inherited(student: Student) -> str:
    """One answer graded in a forked process, sent back as JSON: pydantic-core writes and reads it several times
    faster than pickle does a model, and the main process has to read every answer of the class."""
    return _GRADE(student).model_dump_json()  # type: ignore[misc]


def _ignore_interrupt() -> None:
    """A forked grader leaves Ctrl-C to the main process, which stops them all and keeps what is journaled."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fork_processes() -> int:
    """How many processes may grade CPU-bound answers at once: one per CPU this process may use (at most
    MAX_PROCESSES), where a process can be forked safely: Linux (Windows cannot fork; macOS's system libraries are not
    safe to use after a fork), the embedding engine on one OpenMP thread (OpenMP's threads do not survive a fork) and
    no Chroma server (a forked process would share its connections); else 1."""
    import multiprocessing

    from aigc_cs.config import Settings

    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods() \
            or os.environ.get("OMP_NUM_THREADS") != "1" or Settings().chroma_url is not None:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, MAX_PROCESSES)


def _warm_up(todo: list[Student]) -> int:
    """How many answers this process grades before forking: up to the first answer of each question and scenario
    (what they share is then ready in every forked process), at most FORK_FROM."""
    firsts: dict[tuple[int, str], int] = {}
    for at, student in enumerate(todo[:FORK_FROM]):
        firsts.setdefault((student.question, student.scenario), at)
    return max(firsts.values(), default=0) + 1


def imap_forked(grade: Callable[[Student], StudentResult], todo: list[Student],
                processes: int) -> Iterator[StudentResult]:
    """`grade` over `todo`, each result in order as soon as it and those before it are ready: the first answers in
    this process, which readies everything the others share (imports, tables, the shop's passages and each question's
    reference answer), then the rest in `processes` copies of this process forked after them. What this process holds
    is frozen out of the garbage collector's reach before the fork (`gc.freeze`): a collection in a forked process
    would otherwise write to every inherited object and so copy each page of them."""
    global _GRADE
    import gc
    import multiprocessing

    warm = _warm_up(todo)
    yield from map(grade, todo[:warm])
    _GRADE = grade
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processes, initializer=_ignore_interrupt) as pool:
            for text in pool.imap(_grade_inherited, todo[warm:], chunksize=FORKED_CHUNK):
                yield StudentResult.model_validate_json(text)
    finally:
        gc.unfreeze()
        _GRADE = None


def grade_class(students: list[Student], grade_one: Callable[[Student], Grade], journal: Path, setup: Setup,
                resume: bool, on_progress: Callable[[int, int], None] | None = None,
                concurrency: int = 1, cpu_bound: bool = False) -> list[StudentResult]:
    """Grade every answer without a grade in the journal, `concurrency` at a time (for a judge model), appending each
    result as it is done; return all, in class order. The journal is first rewritten with its setup and only the
    grades kept, which drops a cut line and the failures. `cpu_bound` grading (the rules scorer) of a large class is
    spread over forked processes where that is safe (`fork_processes`); the results are the same, in the same order."""
    if resume:
        check_setup(journal, setup)
    done = {key: r for key, r in load_journal(journal).items() if not r.retry} if resume else {}
    rewrite_jsonl(journal, [JournalHeader(setup=setup), *done.values()])
    todo = [s for s in students if (s.sid, s.question) not in done]

    def graded(student: Student) -> StudentResult:
        about = {"sid": student.sid, "name": student.name, "question": student.question, "klass": student.klass}
        try:
            return StudentResult(**about, grade=grade_one(student))
        except UserError as exc:
            return StudentResult(**about, error=exc.message)

    with journal.open("a", encoding="utf-8") as handle:
        if on_progress:
            on_progress(len(students) - len(todo), len(students))
        processes = fork_processes() if cpu_bound and concurrency == 1 and len(todo) > FORK_FROM else 1
        results = imap_forked(graded, todo, processes) if processes > 1 else imap_concurrent(graded, todo, concurrency)
        for result in results:
            try:
                handle.write(result.model_dump_json() + "\n")
                handle.flush()
            except OSError as exc:
                raise cannot_write(journal, exc) from None
            done[(result.sid, result.question)] = result
            if on_progress:
                on_progress(len(done), len(students))
    return [done[(s.sid, s.question)] for s in students]


def failure_summary(results: list[StudentResult]) -> str | None:
    """One Chinese line when any answer failed: how many students, who, the commonest reason and how to retry."""
    failed = [r for r in results if r.retry]
    if not failed:
        return None
    students = list(dict.fromkeys(r.sid for r in failed))
    ids = "、".join(students[:5]) + ("等" if len(students) > 5 else "")
    answers = f"（共 {len(failed)} 份答案）" if len(failed) > len(students) else ""
    reason, count = Counter(r.error or "未知原因" for r in failed).most_common(1)[0]
    return (f"{len(students)} 名学生评分失败（{ids}）{answers}，已记为待重试；最常见的原因（{count} 份）："
            f"{reason.rstrip('。')}。解决后加 --resume 重跑同一命令，只重评这些答案")

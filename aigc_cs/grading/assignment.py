"""An assignment: the questions of an exercise set as `grade-batch` grades them (per question: title, scenario, what the
customer says, the rubric and the channel), kept in a YAML file beside the exercise sheets, with the answer sheet the
class fills in (班级, 学号, 姓名 and one column per question, headed “1. 题目”).

`exercise --out 练习.docx` writes 练习-作业.yaml and 练习-答题表.xlsx with the sheets; `grade-batch --assignment
练习-作业.yaml --answers 答题表.xlsx` grades every question with its own rubric and scenario. A single-question run
(`grade-batch 班级.xlsx -r RUBRIC --scenario …`) is an assignment of one question built in memory.
"""

import hashlib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aigc_cs.errors import UserError
from aigc_cs.grading.rubric import Channel

ASSIGNMENT_SUFFIX = "-作业.yaml"
SHEET_SUFFIX = "-答题表.xlsx"
IDENTITY = ("班级", "学号", "姓名")  # the answer sheet's first columns
QUESTIONS_SHEET = "题目"
ANSWER_WIDTH = 40  # characters: room to type an answer


class Question(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    no: int = Field(ge=1, alias="number")  # “number” in the file: YAML reads a bare `no:` as false
    title: str = Field(min_length=1)
    scenario: str = ""  # the situation the student is put in
    customer: str = ""  # what the customer says (the whole chat for a rewrite question)
    task: str = ""  # what the student is asked to do
    rubric: str = Field(min_length=1)
    channel: Channel | None = None  # sms / online; none: read from the scenario

    @property
    def grading_scenario(self) -> str:
        """What the grader reads as the scenario: the customer's words where there are any."""
        return self.customer or self.scenario

    @property
    def heading(self) -> str:
        """The question's column heading on the answer sheet and in reports: “1. 尺码咨询 · 连衣裙”."""
        return f"{self.no}. {self.title}"


class Assignment(BaseModel):
    title: str = Field(min_length=1)
    shop: str = Field(min_length=1)
    created: str = ""
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_once(self) -> "Assignment":
        numbers = [q.no for q in self.questions]
        if len(set(numbers)) != len(numbers):
            raise ValueError("questions 的题号 number 重复了")
        return self

    @property
    def fingerprint(self) -> str:
        """The title and a short hash of what grading depends on (shop, questions): a journal made for another
        assignment, or for this one after its questions were edited, is not resumed."""
        digest = hashlib.sha1(self.model_dump_json(include={"shop", "questions"}).encode("utf-8")).hexdigest()
        return f"{self.title}（{digest[:8]}）"


def single(rubric: str, shop: str, scenario: str, title: str) -> Assignment:
    """The one-question assignment of a plain `grade-batch CLASS -r RUBRIC --scenario …` run."""
    return Assignment(title=title, shop=shop, questions=[Question(no=1, title=title, scenario=scenario, rubric=rubric)])


def from_exercises(result) -> Assignment:
    """The assignment of an exercise set (an `ExerciseOutput`)."""
    from aigc_cs.tasks.exercise import CHANNELS

    def channel(exercise) -> Channel | None:
        if exercise.type != "apology":
            return None
        named = next((c for c in exercise.title.split(" · ") if c in CHANNELS), "")
        return "sms" if named == "短信" else "online"

    return Assignment(title=result.title(), shop=result.shop, created=date.today().isoformat(), questions=[
        Question(no=e.no, title=e.title, scenario=e.scenario, customer=e.customer, task=e.task, rubric=e.rubric,
                 channel=channel(e)) for e in result.exercises])


def companion_paths(out: Path) -> tuple[Path, Path]:
    """Where `exercise --out 练习.docx` puts the assignment file and the answer sheet: 练习-作业.yaml, 练习-答题表.xlsx."""
    return out.with_name(out.stem + ASSIGNMENT_SUFFIX), out.with_name(out.stem + SHEET_SUFFIX)


def save_for_exercises(result, out: Path) -> tuple[Path, Path]:
    """Write the assignment file and the empty answer sheet of an exercise set beside its sheets at `out`."""
    assignment = from_exercises(result)
    path, sheet = companion_paths(out)
    write_assignment(assignment, path)
    write_answer_sheet(assignment, sheet)
    return path, sheet


def write_assignment(assignment: Assignment, path: Path) -> None:
    import yaml

    from aigc_cs.files import write_text_atomic

    head = (f"# aigc-cs 作业文件：{assignment.title}\n"
            f"# 评分：aigc-cs grade-batch --assignment {path.name} --answers 填好的答题表.xlsx -o 报告.xlsx\n"
            "# 可以改题目、情境和评分标准（aigc-cs rubrics 查看可用的 ID）；改过之后，旧的评分进度不能再续评。\n")
    body = yaml.safe_dump(assignment.model_dump(exclude_none=True, by_alias=True), allow_unicode=True, sort_keys=False, width=1000)
    write_text_atomic(path, head + body)


def load_assignment(path: Path) -> Assignment:
    """The assignment in `path`, every rubric checked; any problem is one line naming the file and the field."""
    import yaml

    from aigc_cs.grading.rubric import get_rubric

    if not path.is_file():
        raise UserError(f"{path}：作业文件不存在，请检查路径（exercise --out 会在练习旁边写一份 *{ASSIGNMENT_SUFFIX}）")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "文件"
        raise UserError(f"{path}：作业文件{where}格式有误（应为 UTF-8 的 YAML），请改正或用 exercise 重新生成") from None
    try:
        assignment = Assignment.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "（整个文件）"
        raise UserError(f"{path}：作业文件的 {field} 不可用（{error['msg']}），请改正或用 exercise 重新生成") from None
    for question in assignment.questions:
        try:
            get_rubric(question.rubric)
        except UserError as exc:
            raise UserError(f"{path}：第 {question.no} 题：{exc.message}") from None
    return assignment


def write_answer_sheet(assignment: Assignment, path: Path) -> None:
    """The sheet a class fills in: 班级, 学号, 姓名 and one column per question; the questions themselves on a
    second sheet."""
    from openpyxl import Workbook

    from aigc_cs.export.xlsx import format_sheet, save_book

    book = Workbook()
    answers = book.active
    answers.title = "答题"
    answers.append([*IDENTITY, *(q.heading for q in assignment.questions)])
    format_sheet(answers, title=f"{assignment.title} · 答题表", frozen_columns=3,
                 widths={len(IDENTITY) + i: ANSWER_WIDTH for i in range(len(assignment.questions))})
    questions = book.create_sheet(QUESTIONS_SHEET)
    questions.append(["题号", "题目", "情境", "顾客说的话", "任务"])
    for q in assignment.questions:
        questions.append([q.no, q.title, q.scenario, q.customer, q.task])
    format_sheet(questions, title=assignment.title)
    save_book(book, path)

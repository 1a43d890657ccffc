"""Task `exercise`: practice sets for teachers. Each exercise is a scenario and a customer persona, what the customer
says (a message, or a whole chat for rewrite), a reference answer written by the matching task, and the id of the
rubric that will grade the student's answer.

Scenarios and personas are data (``corpus/phrasebook/exercises.yaml``). The set is chosen deterministically from the
shop, the type and n, spreading over scenarios, products and personas, so the same inputs give the same set.
A set exports as two documents: the student sheet (no answers) and the teacher sheet (answers and rubric ids).
"""

import hashlib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.kb.models import Citation
from aigc_cs.llm.batch import map_concurrent
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.base import TaskResult, unique
from aigc_cs.tasks.context import Context

PROMPT = "exercise"  # no prompt of its own: every reference answer is written by the matching task
EXERCISES_FILE = "phrasebook/exercises.yaml"
ExerciseType = Literal["reply", "apology", "rewrite", "faq", "revisit", "remind-payment", "review-reply"]
TYPE_NAMES = {"reply": "客服回复", "apology": "致歉消息", "rewrite": "对话诊断与改写", "faq": "FAQ 标准回复",
              "revisit": "老客户回访", "remind-payment": "催付提醒", "review-reply": "中差评回复"}
RUBRICS = {"apology": "apology-message", "faq": "faq-answer", "rewrite": "presale-reply", "revisit": "revisit-message",
           "remind-payment": "payment-reminder", "review-reply": "review-reply"}
TASK_OF = {"remind-payment": "remind", "review-reply": "review_reply"}  # types answered by a task of another name
SAID = {"rewrite": "对话记录", "revisit": "顾客资料", "review-reply": "顾客的评价"}  # what the customer field holds
MAX_EXERCISES = 50
ANSWER_LINES = 6  # blank lines for the student's answer on the sheet
TEACHER_SUFFIX = "-教师版"
CHANNELS = ("在线", "短信", "电话")
TONES = ("正式", "亲切")


class ExerciseInput(BaseModel):
    shop: str
    type: ExerciseType
    n: int = Field(default=10, ge=1, le=MAX_EXERCISES)


class Persona(BaseModel):
    id: str
    name: str
    profile: str
    opener: list[str] = [""]

    def __str__(self) -> str:
        return f"{self.name}（{self.profile}）"


class Exercise(BaseModel):
    no: int
    id: str  # the scenario and the product (or topic), unique within a set
    type: ExerciseType
    title: str
    scenario: str
    persona: str
    customer: str = Field(description="the customer's message, or the chat (one turn a line) for rewrite")
    task: str = Field(description="what the student is asked to do")
    rubric: str
    reference: str
    engine: str
    citations: list[Citation]
    warnings: list[str] = []


class ExerciseOutput(TaskResult):
    shop_name: str
    type: ExerciseType
    requested: int
    exercises: list[Exercise]
    notes: list[str] = Field(default_factory=list, description="fewer exercises than asked, and why")

    def title(self) -> str:
        return f"{self.shop_name} · {TYPE_NAMES[self.type]}练习"

    def to_document(self) -> Document:
        return self.document(teacher=True)

    def document(self, teacher: bool, table: bool = False) -> Document:
        """The student sheet (no reference answers, no rubric ids) or the teacher sheet; `table` lays every
        exercise out as one row, for Excel."""
        who = "教师版" if teacher else "学生版"
        about = [f"店铺：{self.shop_name}（{self.shop}）　题型：{TYPE_NAMES[self.type]}　共{len(self.exercises)}题",
                 "每题给出情境、顾客和顾客说的话，请按“任务”作答。回复里的政策说法要和店铺政策一致，不用禁用语、极限词和网络流行语。"]
        if teacher:
            about += [f"参考答案由 aigc-cs 的 {self.type} 任务生成（引擎：{self.engine}），评分标准见 aigc-cs rubrics。",
                      *self.notes]
        sections = [Section(heading="说明", paragraphs=about)]
        if table:
            header = ["序号", "题目", "情境", "顾客", "顾客说的话", "任务"]
            rows = [[str(e.no), e.title, e.scenario, e.persona, e.customer, e.task]
                    + ([e.reference, e.rubric, "\n".join(map(str, e.citations))] if teacher else [])
                    for e in self.exercises]
            sections.append(Section(heading="练习", table=[header + (["参考答案", "评分标准", "依据"] if teacher else []), *rows]))
        else:
            if teacher:
                sections.append(Section(heading="题目一览", table=[["序号", "题目", "顾客", "评分标准"]]
                                        + [[str(e.no), e.title, e.persona, e.rubric] for e in self.exercises]))
            sections += [self._section(e, teacher) for e in self.exercises]
        return Document(title=f"{self.title()}（{who}）", sections=sections, student=not teacher)

    def _section(self, e: Exercise, teacher: bool) -> Section:
        paragraphs = [f"情境：{e.scenario}", f"顾客：{e.persona}", f"{SAID.get(e.type, '顾客说')}：", *e.customer.split("\n"),
                      f"任务：{e.task}"]
        if teacher:
            paragraphs += ["参考答案：", *e.reference.split("\n"), f"评分标准：{e.rubric}",
                           "依据：" + ("；".join(map(str, e.citations)) or "（无）")]
            paragraphs += [f"检查未通过：{w}" for w in e.warnings]
        else:
            paragraphs += ["作答：", *["＿" * 30] * ANSWER_LINES]
        return Section(heading=f"练习{e.no}　{e.title}", paragraphs=paragraphs)


class Candidate(BaseModel):
    """One exercise that could be set: a scenario on a product (or a policy topic), before its reference answer."""

    id: str
    spec: str  # the scenario id, to spread over scenarios
    subject: str  # the product or topic, to spread over products
    title: str
    personas: list[str]
    data: dict  # what the builder of this type needs to finish it


@cache
def book() -> dict:
    return corpus_yaml(EXERCISES_FILE)


@cache
def personas() -> dict[str, Persona]:
    return {p["id"]: Persona.model_validate(p) for p in book()["personas"]}


def run(inp: ExerciseInput, ctx: Context) -> ExerciseOutput:
    shop = ctx.shop(inp.shop)
    task = _task(inp.type)
    make_candidates, finish = _builders(inp.type)
    candidates = make_candidates(shop, ctx, task, inp.n)
    chosen = choose(candidates, inp.n, shop.info.id, inp.type)
    cast = _cast(chosen, shop.info.id)
    exercises = map_concurrent(lambda job: finish(task, job[0], job[1], shop, ctx), list(zip(chosen, cast, strict=True)),
                               ctx.concurrency)
    for no, exercise in enumerate(exercises, 1):
        exercise.no = no
        exercise.warnings = [f"练习{no}：{w}" for w in exercise.warnings]
    notes = []
    if len(exercises) < inp.n:
        notes.append(f"只出了{len(exercises)}题（要求{inp.n}题）：这家店的商品和{TYPE_NAMES[inp.type]}情境只能组合出这么多"
                     "不重复的练习。")
    engines = list(dict.fromkeys(e.engine for e in exercises)) or [ctx.engine.kind]
    return ExerciseOutput(shop=shop.info.id, shop_name=shop.info.name, type=inp.type, requested=inp.n,
                          text=_text(exercises), citations=unique([c for e in exercises for c in e.citations]),
                          engine=" + ".join(engines), warnings=[w for e in exercises for w in e.warnings],
                          exercises=exercises, notes=notes)


Input = ExerciseInput
Output = ExerciseOutput


def save(result: ExerciseOutput, path: Path) -> list[Path]:
    """Write the set: .json as one file; .md/.docx/.xlsx as the student sheet at `path` and the teacher sheet
    beside it (练习.docx and 练习-教师版.docx)."""
    from aigc_cs.export import write

    if path.suffix.lower() == ".json":
        return [write(result.to_document(), result, path)]
    table = path.suffix.lower() == ".xlsx"
    teacher = path.with_name(f"{path.stem}{TEACHER_SUFFIX}{path.suffix}")
    return [write(result.document(teacher=False, table=table), result, path),
            write(result.document(teacher=True, table=table), result, teacher)]


# ---- choosing a varied set -------------------------------------------------------------------------------------

def _rank(*keys: str) -> int:
    return int.from_bytes(hashlib.sha1("\x1f".join(keys).encode("utf-8")).digest()[:4], "big")


def choose(candidates: list[Candidate], n: int, *keys: str) -> list[Candidate]:
    """Up to `n` distinct candidates, spread over scenarios first and subjects second; ties broken by a hash of
    `keys`, so the same shop, type and n always give the same set."""
    left = sorted(candidates, key=lambda c: _rank(*keys, c.id))
    chosen: list[Candidate] = []
    specs: dict[str, int] = {}
    subjects: dict[str, int] = {}
    while left and len(chosen) < n:
        best = min(left, key=lambda c: (specs.get(c.spec, 0), subjects.get(c.subject, 0)))
        left.remove(best)
        chosen.append(best)
        specs[best.spec] = specs.get(best.spec, 0) + 1
        subjects[best.subject] = subjects.get(best.subject, 0) + 1
    return chosen


def _cast(chosen: list[Candidate], shop_id: str) -> list[Persona]:
    """A persona for each exercise: among those that fit its scenario, the one used least so far."""
    used: dict[str, int] = {}
    cast = []
    for c in chosen:
        fitting = [p for p in c.personas if p in personas()] or list(personas())
        best = min(fitting, key=lambda p: (used.get(p, 0), _rank(shop_id, c.id, p)))
        used[best] = used.get(best, 0) + 1
        cast.append(personas()[best])
    return cast


def _task(kind: str):
    """The task module that writes the reference answers; one clear line when it does not exist yet."""
    from aigc_cs.tasks import TASKS, task_module

    name = TASK_OF.get(kind, kind)  # the other types are answered by the task of the same name
    if name not in TASKS:
        ready = "、".join(t for t in TYPE_NAMES if TASK_OF.get(t, t) in TASKS)
        raise UserError(f"练习类型 {kind} 尚未实现：它的参考答案要由 {name} 任务生成，而 {name} 任务还没有加入本工具。"
                        f"目前可用的练习类型：{ready}")
    return task_module(name)


def _text(exercises: list[Exercise]) -> str:
    blocks = []
    for e in exercises:
        said = SAID.get(e.type, "顾客说")
        blocks.append("\n".join([f"【练习{e.no}】{e.title}（评分标准：{e.rubric}）", f"情境：{e.scenario}",
                                 f"顾客：{e.persona}", f"{said}：", e.customer, f"任务：{e.task}", "参考答案：",
                                 e.reference]))
    return "\n\n".join(blocks)


def _builders(kind: str):
    """(candidates, finish) of an exercise type (tasks/exercise_builders.py)."""
    from aigc_cs.tasks.exercise_builders import BUILDERS

    return BUILDERS[kind]

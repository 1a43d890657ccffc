"""Task `exercise`: practice sets for teachers. Each exercise is a scenario and a customer persona, what the customer
says (a message, or a whole chat for rewrite), a reference answer written by the matching task, and the id of the
rubric that will grade the student's answer.

Scenarios and personas are data (``corpus/phrasebook/exercises.yaml``). The set is chosen deterministically from the
shop, the type and n, spreading over scenarios, products and personas, so the same inputs give the same set.
A set exports as two documents: the student sheet (no answers) and the teacher sheet (answers and rubric ids).
"""

import hashlib
import math
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.kb.models import Citation, Product, Shop
from aigc_cs.llm.batch import map_concurrent
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.base import TaskResult, unique
from aigc_cs.tasks.context import Context
from aigc_cs.text import pick

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
    candidates = _CANDIDATES[inp.type](shop, ctx, task, inp.n)
    chosen = choose(candidates, inp.n, shop.info.id, inp.type)
    cast = _cast(chosen, shop.info.id)
    finish = _FINISH[inp.type]
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


def _fits(kinds: list[str], kind: str) -> bool:
    return "any" in kinds or kind in kinds


def _shop_kind(shop: Shop) -> str:
    from aigc_cs.tasks.faq import shop_kind

    return shop_kind(shop)


def _words(product: Product) -> dict[str, str]:
    price = f"{product.price_yuan:g}" if product.price_yuan else ""
    return {"product": min(product.names(), key=len), "name": product.name, "price": price}


def _fill(template: str, **values: str) -> str:
    return template.format_map(values)


# ---- reply -----------------------------------------------------------------------------------------------------

def _reply_candidates(shop: Shop, *_) -> list[Candidate]:
    kind = _shop_kind(shop)
    out = []
    for spec in book()["reply"]:
        if not _fits(spec["kinds"], kind):
            continue
        for product in shop.products:
            if "{price}" in "".join([spec["situation"], *spec["messages"]]) and not product.price_yuan:
                continue
            out.append(Candidate(id=f"reply-{spec['id']}-{product.name}", spec=spec["id"], subject=product.name,
                                 title=f"{spec['title']} · {product.name}", personas=spec["personas"],
                                 data={"spec": spec, "product": product}))
    return out


def _finish_reply(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    message = pick(persona.opener, c.id, "opener") + _fill(pick(spec["messages"], c.id, persona.id), **words)
    result = task.run(task.Input(message=message, shop=shop.info.id), ctx)
    rubric = spec["rubric"]
    ask = {"presale-reply": "按售前接待的步骤组织回复：问候、回答、推荐或下一步、礼貌告别。",
           "doubt-removal": f"先接住顾客的{spec.get('doubt', '')}顾虑，再用店铺和商品的真实信息打消它，不夸口、不强推。",
           "aftersale-return": "说清退换的条件、运费由谁承担和办理时效，并告诉顾客下一步怎么操作。"}[rubric]
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, **words), message,
                     f"请以{shop.info.name}客服的身份回复这条消息。{ask}", rubric, result)


# ---- apology ---------------------------------------------------------------------------------------------------

def _apology_candidates(shop: Shop, *_) -> list[Candidate]:
    out = []
    for spec in book()["apology"]:
        for channel in CHANNELS:
            for product in shop.products:
                out.append(Candidate(id=f"apology-{spec['scenario']}-{channel}-{product.name}",
                                     spec=f"{spec['scenario']}-{channel}", subject=product.name,
                                     title=f"{spec['scenario']} · {channel} · {product.name}", personas=spec["personas"],
                                     data={"spec": spec, "product": product, "channel": channel}))
    return out


def _finish_apology(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product, channel = c.data["spec"], c.data["product"], c.data["channel"]
    words = _words(product)
    tone = pick(list(TONES), c.id, "tone")
    result = task.run(task.Input(shop=shop.info.id, scenario=spec["scenario"], channel=channel, tone=tone,
                                 order_facts=_fill(spec["order_facts"], **words)), ctx)
    form = {"在线": "一条在线聊天消息", "短信": "一条短信（最多2条、每条70字以内）",
            "电话": "一段电话沟通脚本，并预想顾客可能的回应"}[channel]
    task_text = (f"请以{shop.info.name}客服的身份写{form}，语气{tone}：先致歉、不推卸，简要说明原因，"
                 "只给店铺政策允许的补救办法，并说清下一步和时间。")
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, **words),
                     pick(persona.opener, c.id, "opener") + _fill(spec["message"], **words), task_text,
                     RUBRICS["apology"], result)


# ---- faq -------------------------------------------------------------------------------------------------------

def _faq_candidates(shop: Shop, ctx: Context, task, n: int) -> list[Candidate]:
    """One candidate per question of the faq task's sets: one set per product and per policy topic, each just big
    enough for its share of the n exercises."""
    subjects = [("product", p.name) for p in shop.products] + [("topic", t) for t in book()["faq"]["topics"]]
    share = min(task.MAX_ITEMS, math.ceil(n / len(subjects)) + 2)

    def questions(subject: tuple[str, str]) -> list[Candidate]:
        by, name = subject
        result = task.run(task.Input(shop=shop.info.id, n=share, **{by: name}), ctx)
        return [Candidate(id=f"faq-{name}-{item.topic}", spec=name, subject=item.topic, title=f"{item.label} · {name}",
                          personas=book()["faq"]["personas"],
                          data={"by": by, "name": name, "item": item, "engine": result.engine,
                                "warnings": [w.split("：", 1)[-1] for w in result.warnings if w.startswith(f"第{i}条")]})
                for i, item in enumerate(result.items, 1)]

    return [c for group in map_concurrent(questions, subjects, ctx.concurrency) for c in group]


def _finish_faq(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    item = c.data["item"]
    subject = f"“{c.data['name']}”" + ("这款商品" if c.data["by"] == "product" else "这项政策")
    return Exercise(no=0, id=c.id, type="faq", title=c.title,
                    scenario=_fill(book()["faq"]["situation"], subject=subject, who=persona.name), persona=str(persona),
                    customer=item.question, task="为这个问题写一条标准回复，放进店铺的问题库：每位问到的顾客都能直接看懂，"
                                                 "政策和商品信息要准确，并说明依据。",
                    rubric=RUBRICS["faq"], reference=item.answer, engine=c.data["engine"], citations=item.citations,
                    warnings=c.data["warnings"])


# ---- rewrite ---------------------------------------------------------------------------------------------------

def _rewrite_candidates(shop: Shop, *_) -> list[Candidate]:
    kind = _shop_kind(shop)
    return [Candidate(id=f"rewrite-{spec['id']}-{product.name}", spec=spec["id"], subject=product.name,
                      title=f"{spec['title']} · {product.name}", personas=spec["personas"],
                      data={"spec": spec, "product": product})
            for spec in book()["rewrite"] if _fits(spec["kinds"], kind)
            for product in shop.products if product.price_yuan or "{price}" not in "".join(spec["lines"])]


def wrong_facts(shop: Shop) -> dict[str, str]:
    """Policy values that are deliberately wrong for this shop, for a chat whose rep gets the policy wrong."""
    f = shop.facts
    days = 30 if f.no_reason_return_days != 30 else 15
    hours = 24 if f.ship_within_hours != 24 else 12
    free = 199 if f.free_shipping_threshold_yuan != 199 else 299
    invoice = {"after_receipt": "下单就开好，随货寄给您", "with_order": "要确认收货后才能开",
               "none": "随货一起寄给您"}[f.invoice]
    payer = "我们" if f.return_shipping_buyer_reason == "buyer" else "您自己"
    return {"wrong_days": str(days), "wrong_hours": str(hours), "wrong_free": str(free), "wrong_invoice": invoice,
            "wrong_payer": payer}


def _finish_rewrite(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    from aigc_cs.tasks.transcript import parse_text

    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    chat = "\n".join(_fill(line, **words, **wrong_facts(shop)) for line in spec["lines"])
    result = task.run(task.Input(transcript=parse_text(chat, source=c.title), shop=shop.info.id, product=product.name),
                      ctx)
    findings = [f"第{f.line}行｜{f.label}｜“{f.quote}”：{f.problem}。{f.advice}" if f.line else
                f"{f.label}：{f.problem}。{f.advice}" for f in result.diagnosis]
    reference = "\n".join(["【诊断】", *findings, "【改写后的话术】", result.text])
    task_text = ("阅读这段没有成交的对话：1. 按行号找出问题（售前五步缺了或没做好的步骤、禁用语和极限词、没有消除的顾虑、"
                 "说错的政策）；2. 改写成一段能促成订单的话术，保留顾客的原话，五个步骤都要有，不强推。")
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, **words), chat, task_text,
                     RUBRICS["rewrite"], result, reference=reference)


# ---- revisit ---------------------------------------------------------------------------------------------------

def _revisit_candidates(shop: Shop, *_) -> list[Candidate]:
    spec_book = book()["revisit"]
    return [Candidate(id=f"revisit-{spec['id']}-{channel}-{product.name}", spec=f"{spec['id']}-{channel}",
                      subject=product.name, title=f"{spec['title']} · {channel} · {product.name}",
                      personas=spec["personas"], data={"spec": spec, "product": product, "channel": channel})
            for spec in spec_book["specs"] for channel in spec_book["channels"] for product in shop.products
            if product.price_yuan or "{price}" not in spec["amount"]]


def _finish_revisit(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    from aigc_cs.tasks.customers import Customer, CustomerTable

    spec, product, channel = c.data["spec"], c.data["product"], c.data["channel"]
    words = _words(product)
    as_of = date.fromisoformat(str(book()["revisit"]["as_of"]))
    note = _fill(spec["note"], **words)
    customer = Customer(row=2, name=persona.name, last_date=as_of - timedelta(days=spec["days"]), orders=spec["orders"],
                        amount=float(_fill(spec["amount"], **words)), product=product.name, note=note)
    result = task.run(task.Input(shop=shop.info.id, customers=CustomerTable(source=c.title, customers=[customer]),
                                 channel=channel, as_of=as_of), ctx)
    record = (f"回访渠道：{channel}｜客户：{persona.name}｜最近购买：{spec['days']}天前（{product.name}）｜"
              f"购买{spec['orders']}次，累计{customer.amount:g}元｜备注：{note or '无'}")
    form = ("一条回访短信：70字以内一条发完，开头署店铺名，结尾写明退订方式" if channel == "短信"
            else "一条在线回访消息：200字以内，礼貌收尾")
    task_text = (f"请以{shop.info.name}客服的身份为这位顾客写{form}。先关心上次的购买或感谢支持；利益点只用店铺政策里的"
                 "服务保障（包邮、运费险、无理由退换、发货时效）或搭配、保养建议，不编优惠券和折扣，不施压。")
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, channel=channel, **words), record,
                     task_text, RUBRICS["revisit"], result, reference=result.customers[0].message)


# ---- remind-payment --------------------------------------------------------------------------------------------

def _remind_candidates(shop: Shop, *_) -> list[Candidate]:
    return [Candidate(id=f"remind-payment-{spec['situation']}-{product.name}", spec=spec["situation"],
                      subject=product.name, title=f"催付 · {spec['situation']} · {product.name}",
                      personas=spec["personas"], data={"spec": spec, "product": product})
            for spec in book()["remind"] for product in shop.products
            if product.price_yuan or "{price}" not in spec["scene"]]


def _finish_remind(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    said = spec.get("said_skincare") if _shop_kind(shop) == "skincare" and spec.get("said_skincare") else spec["said"]
    result = task.run(task.Input(shop=shop.info.id, situation=spec["situation"], product=product.name), ctx)
    task_text = ("请写两条催付消息：第一次提醒和跟进提醒，各写明什么时候发。先问准顾客没付款的原因，用店铺和商品的真实信息"
                 "消除顾虑；不施压、不编造库存或涨价，不给政策没有的优惠；最多两次，让顾客可以放心拒绝。")
    return _exercise(c, persona, f"催付（{spec['situation']}）：" + _fill(spec["scene"], who=persona.name, **words),
                     f"（{spec['situation']}）" + _fill(said, **words), task_text, RUBRICS["remind-payment"], result)


# ---- review-reply ----------------------------------------------------------------------------------------------

def _review_candidates(shop: Shop, *_) -> list[Candidate]:
    kind = _shop_kind(shop)
    return [Candidate(id=f"review-reply-{spec['id']}-{product.name}", spec=spec["id"], subject=product.name,
                      title=f"{spec['rating']}星评价 · {product.name}", personas=spec["personas"],
                      data={"spec": spec, "product": product})
            for spec in book()["review"] if _fits(spec["kinds"], kind) for product in shop.products]


def _finish_review(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    review = _fill(spec["text"], **words)
    result = task.run(task.Input(shop=shop.info.id, review=review, rating=spec["rating"]), ctx)
    task_text = (f"请以{shop.info.name}客服的身份在评价区写一条公开回复：先感谢、道歉并主动担责，不争辩；按店铺政策说清"
                 "解决办法和联系渠道；说明店铺会怎么改进；不写顾客的手机号、地址和订单号，也不要求顾客改评。")
    return _exercise(c, persona, f"{persona.name}买了{words['name']}，在评价区给了{spec['rating']}星。",
                     f"{spec['rating']}星：{review}", task_text, RUBRICS["review-reply"], result)


# ---- shared ----------------------------------------------------------------------------------------------------

def _type_of(candidate_id: str) -> str:
    """The exercise type a candidate id starts with (remind-payment-…, review-reply-…, reply-…)."""
    return next(t for t in TYPE_NAMES if candidate_id.startswith(f"{t}-"))


def _exercise(c: Candidate, persona: Persona, scenario: str, customer: str, task_text: str, rubric: str,
              result: TaskResult, reference: str | None = None) -> Exercise:
    return Exercise(no=0, id=c.id, type=_type_of(c.id), title=c.title, scenario=scenario,  # type: ignore[arg-type]
                    persona=str(persona), customer=customer, task=task_text, rubric=rubric,
                    reference=reference if reference is not None else result.text, engine=result.engine,
                    citations=result.citations, warnings=result.warnings)


def _text(exercises: list[Exercise]) -> str:
    blocks = []
    for e in exercises:
        said = SAID.get(e.type, "顾客说")
        blocks.append("\n".join([f"【练习{e.no}】{e.title}（评分标准：{e.rubric}）", f"情境：{e.scenario}",
                                 f"顾客：{e.persona}", f"{said}：", e.customer, f"任务：{e.task}", "参考答案：",
                                 e.reference]))
    return "\n\n".join(blocks)


_CANDIDATES = {"reply": _reply_candidates, "apology": _apology_candidates, "faq": _faq_candidates,
               "rewrite": _rewrite_candidates, "revisit": _revisit_candidates, "remind-payment": _remind_candidates,
               "review-reply": _review_candidates}
_FINISH = {"reply": _finish_reply, "apology": _finish_apology, "faq": _finish_faq, "rewrite": _finish_rewrite,
           "revisit": _finish_revisit, "remind-payment": _finish_remind, "review-reply": _finish_review}

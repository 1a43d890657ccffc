"""Task `rewrite`: diagnose a chat that did not convert, then write a high-conversion script for it.

The diagnosis is rule-based and the same for every engine: the 5 pre-sale steps (`steps.detect_steps`), the
lexicon (禁用语/极限词/网络流行语), the five kinds of doubt the rep left open (`doubts.find_doubts`) and the rep's
policy claims that contradict the shop's facts (the guard), each tied to its line. The script keeps the customer's
own messages in order and answers them from the shop's facts and product files only.
"""

import re

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.kb.intents import SMALLTALK, detect
from aigc_cs.kb.models import SHOP_DOC_TYPES, Citation, Passage, Product, Shop
from aigc_cs.kb.products import mentioned
from aigc_cs.kb.sizing import size_advice
from aigc_cs.llm.engine import generate, spent
from aigc_cs.llm.templates import render
from aigc_cs.tasks.base import TaskResult, guard_warnings, unique
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.diagnosis import (
    KIND_ORDER,
    Finding,
    doubt_findings,
    policy_cite,
    policy_findings,
    settings,
    step_findings,
    wording_findings,
)
from aigc_cs.tasks.doubts import find_doubts, kinds, raised
from aigc_cs.tasks.relevance import MIN_HIT, overlap, relevant, sentences
from aigc_cs.tasks.steps import StepCheck, StepId, detect_steps, missing_steps
from aigc_cs.tasks.transcript import ROLE_LABEL, Role, Transcript, Turn
from aigc_cs.text import normalize, pick

PROMPT = "rewrite"
PRODUCT_LABELS = {"material": "材质和成分", "size": "规格尺码", "suitable": "适合人群", "selling": "特点",
                  "care": "使用和保养", "related": "搭配"}
_TURN = re.compile(r"^##(customer|agent)##(\w*)$", re.M)
_QUESTION = re.compile(r"[？?]|吗|呢|什么|怎么|多少|几|哪|能不能|可不可以|有没有|是不是|会不会")


class RewriteInput(BaseModel):
    transcript: Transcript
    shop: str
    product: str | None = Field(default=None, description="商品名；不填时从对话里找")


class ScriptTurn(BaseModel):
    role: Role
    text: str
    step: StepId | None = None  # the pre-sale step an agent turn carries out
    line: int | None = None  # a customer turn: the line of the original chat it keeps

    def labelled(self) -> str:
        return f"{ROLE_LABEL[self.role]}：{self.text}"


class DraftTurn(BaseModel):
    role: Role
    step: StepId | None = Field(default=None, description="客服这一句对应的售前步骤：greet/answer/recommend/close/farewell")
    text: str = Field(min_length=1)


class RewriteDraft(BaseModel):
    """What an engine writes: the script's turns. The diagnosis, facts and checks stay with the task."""

    turns: list[DraftTurn] = Field(min_length=2, description="改写后的完整对话，顾客原话按顺序保留")


class RewriteOutput(TaskResult):
    source: str
    product: str | None
    steps: list[StepCheck] = Field(description="the 5 steps in the original chat")
    diagnosis: list[Finding]
    script: list[ScriptTurn]
    script_steps: list[StepCheck] = Field(description="the 5 steps in the rewritten script")

    def title(self) -> str:
        return f"话术改写 · {self.shop}" + (f" · {self.product}" if self.product else "")

    def to_document(self) -> Document:
        status = {"ok": "✓ 做到", "weak": "△ 不到位", "missing": "✗ 缺失"}
        return Document(title=self.title(), sections=[
            Section(heading="对话诊断", paragraphs=[f"对话来源：{self.source}，共发现 {len(self.diagnosis)} 处问题。"],
                    table=[["行号", "类型", "原话", "问题", "改进建议", "依据"]]
                    + [[str(f.line or "—"), f.label, f.quote, f.problem, f.advice, str(f.cite)] for f in self.diagnosis]),
            Section(heading="售前五步检查（原对话）",
                    table=[["步骤", "原对话", "行号", "说明"]]
                    + [[c.name, status[c.status], str(c.line or "—"), c.note] for c in self.steps]),
            Section(heading="改写后的话术", paragraphs=[t.labelled() for t in self.script]),
            Section(heading="出处", paragraphs=[str(c) for c in self.citations] or ["（无）"]),
            Section(heading="生成信息", paragraphs=[f"引擎：{self.engine}", *(f"警告：{w}" for w in self.warnings)]),
        ])


class Message(BaseModel):
    """One customer message of the script: consecutive customer lines of the chat, merged."""

    line: int
    text: str


def run(inp: RewriteInput, ctx: Context) -> RewriteOutput:
    shop = ctx.shop(inp.shop)
    turns = inp.transcript.turns
    product = _product(inp, shop)
    steps = detect_steps(turns)
    diagnosis = (policy_findings(turns, shop) + doubt_findings(find_doubts(turns), shop)
                 + wording_findings(turns) + step_findings(steps))
    diagnosis.sort(key=lambda f: (f.line if f.line is not None else 10**9, KIND_ORDER[f.kind]))
    messages = _messages(turns)
    seed = "\n".join(m.text for m in messages)
    planner = Planner(shop, product)
    plan = planner.plan(messages)

    def choose(options: list[str], salt: str) -> str:
        return pick(options, seed, shop.info.id, salt)

    def offline() -> RewriteDraft:
        text = render(f"offline/{PROMPT}.j2", shop=shop.info, f=shop.facts, plan=plan, pick=choose,
                      rep=choose(settings()["rep_names"], "rep"))
        return _parse_rendered(text)

    variables = {"shop": shop, "product": product, "transcript": turns, "messages": messages,
                 "diagnosis": diagnosis, "passages": _prompt_passages(seed, shop, ctx)} \
        if ctx.engine.kind != "offline" else {}
    gen = generate(PROMPT, variables, RewriteDraft, offline, ctx.engine)
    script = _script(gen.output, messages)
    agent_text = "\n".join(t.text for t in script if t.role == "agent")
    script_steps = detect_steps([Turn(line=i, role=t.role, text=t.text) for i, t in enumerate(script, 1)])
    warnings = gen.warnings + guard_warnings(agent_text, shop) + _coverage(script_steps, script, messages)
    citations = unique([*planner.cites, *(f.cite for f in diagnosis), *(c.cite for c in script_steps)])
    return RewriteOutput(shop=shop.info.id, text="\n".join(t.labelled() for t in script), citations=citations,
                         engine=gen.engine, warnings=warnings, source=inp.transcript.source, usage=spent([gen.usage]),
                         product=product.name if product else None, steps=steps, diagnosis=diagnosis,
                         script=script, script_steps=script_steps)


Input = RewriteInput
Output = RewriteOutput


# ---- diagnosis -------------------------------------------------------------------------------------------------

def _product(inp: RewriteInput, shop: Shop) -> Product | None:
    if inp.product:
        product = shop.product(inp.product)
        if product is None:
            names = "、".join(p.name for p in shop.products) or "（没有商品）"
            raise UserError(f"店铺 {shop.info.id} 没有商品“{inp.product}”，可用：{names}")
        return product
    for role in ("customer", "agent"):
        for turn in inp.transcript.of(role):
            if product := mentioned(turn.text, shop):
                return product
    return shop.products[0] if len(shop.products) == 1 else None  # a one-product shop: that is what they ask about


# ---- the script's plan: what each turn says, as data; prompts/offline/rewrite.j2 words it --------------------------

def _messages(turns: list[Turn]) -> list[Message]:
    drop = [re.compile(p) for p in settings()["drop"]]
    messages: list[Message] = []
    previous: Role | None = None
    for turn in turns:
        text = normalize(turn.text)
        keep = turn.role == "customer" and (not messages or not any(p.match(text) for p in drop))
        if keep and previous == "customer" and messages:
            joint = "" if messages[-1].text.endswith(("。", "！", "？", "，", "~")) else "，"
            messages[-1].text += joint + text
        elif keep:
            messages.append(Message(line=turn.line, text=text))
        previous = turn.role if turn.role == "agent" or keep else previous
    return messages


def _hesitant(text: str) -> bool:
    return any(w in text for w in settings()["hesitation"])


_URGENT = re.compile(r"周[一二三四五六日末]|明天|后天|来得及|赶得上|着急|急用|急着|几号")
_GIFT = re.compile(r"送人|送礼|礼物|礼盒|生日")


class Planner:
    """Turns the customer's messages into the script's plan: per turn, its step and the facts it states.
    It remembers the sentences already used, so that the script never says the same thing twice."""

    def __init__(self, shop: Shop, product: Product | None) -> None:
        self.shop, self.product = shop, product
        self.cites: list[Citation] = []
        self.said: set[str] = set()
        self.felt: set[str] = set()  # the doubts whose feeling the script has acknowledged already

    def plan(self, messages: list[Message]) -> list[dict]:
        leaving = len(messages) > 1 and _hesitant(messages[-1].text)
        body = messages[:-1] if leaving else messages
        plan: list[dict] = []
        current, size = self.product, None
        for i, msg in enumerate(body):
            plan.append({"role": "customer", "line": msg.line, "text": msg.text})
            current = mentioned(msg.text, self.shop) or current
            topics = self.topics(msg.text, current)
            size = size or next((t["size"] for t in topics if t["size"]), None)
            if i == 0:
                plan.append({"role": "agent", "step": "greet", "alone": not topics})
            if topics:
                plan.append({"role": "agent", "step": "answer", "topics": topics, "key": msg.text})
        plan.append({"role": "agent", "step": "recommend", **self.recommendation(current, messages)})
        plan.append({"role": "agent", "step": "close", "leaving": False, "product": current, "size": size,
                     "asked_invoice": any("发票" in m.text or "开票" in m.text for m in messages)})
        if leaving:
            last = messages[-1]
            plan.append({"role": "customer", "line": last.line, "text": last.text})
            plan.append({"role": "agent", "step": "close", "leaving": True, "key": last.text,
                         "topics": self.topics(last.text, current, need=False), "product": current})
        plan.append({"role": "agent", "step": "farewell"})
        return plan

    def topics(self, text: str, product: Product | None, need: bool = True) -> list[dict]:
        """What one customer message asks, in its order: the intents of intents.yaml (less those a raised
        doubt answers better, or a fuller intent already answers), then each doubt of doubts.yaml that no
        intent covers; a question nothing covers is answered honestly as unknown."""
        doubts = raised(text)
        replaced = {i for k in doubts for i in k.replaces}
        found = [i for i in detect(text) if i.id != SMALLTALK and i.id not in replaced]
        ids = {i.id for i in found}
        found = [i for i in found if settings()["merge"].get(i.id) not in ids]
        base = {"product": product, "sentences": [], "size": None, "label": "", "value": "",
                "urgent": bool(_URGENT.search(text)), "gift": bool(_GIFT.search(text)),
                "names": "、".join(p.name for p in self.shop.products)}
        topics = []
        for intent in found:
            if intent.product == "related" and mentioned(text, self.shop) is None:
                continue  # "有什么推荐" names no product: a need, answered below and by the recommend turn
            doubt = next((k.id for k in doubts if intent.id in k.covered_by), None)
            topic = {**base, "id": intent.id, "topic": intent.topic, "doubt": doubt}
            if intent.product and doubt == "quality":  # "会不会掉色": the facts may sit in any section
                topic.update(label="", sentences=self.evidence("quality", text, product))
            elif intent.product:
                topic.update(self.product_topic(intent.product, text, product))
            else:
                self.cites.append(policy_cite(self.shop, intent.cite))
            topics.append(topic)
        for kind in doubts:
            if ids & {kind.topic, *kind.covered_by}:
                continue
            topic = {**base, "id": kind.topic, "topic": settings()["topics"].get(kind.topic) or kind.name,
                     "doubt": kind.id}
            if kind.topic in ("quality", "packaging"):
                topic["sentences"] = self.evidence(kind.topic, text, product)
            self.cites.append(policy_cite(self.shop, kind.policy))
            topics.append(topic)
            ids.add(kind.topic)
        if len(topics) > 1:  # a product question the script already answered needs no second answer
            topics = [t for t in topics if not (t["id"].startswith("product_") and t["product"]
                                                 and not t["sentences"] and not t["size"])] or topics[:1]
        for topic in topics:
            if topic["id"] == "packaging" and topic["gift"]:
                topic["topic"] = "送人的包装"
            if topic["id"] == "bargain" and product is not None and "selling" in product.sections:
                topic["value"] = "".join(self.fresh(product.sections["selling"].text, text, 1))
            topic["empathy"] = bool(topic["doubt"]) and topic["doubt"] not in self.felt
            self.felt.add(topic["doubt"] or "")
        if not topics and need and not _greeting_only(text):
            wants = re.search(r"推荐|想买|想要|适合|挑", text) or not _QUESTION.search(text)
            topic = {**base, "id": "need" if wants else "unknown", "topic": text, "doubt": None}
            if wants and product is not None:
                fits = [product.sections[k].text for k in ("suitable", "selling") if k in product.sections]
                topic["sentences"] = self.fresh("\n".join(fits), text, 1)
            topics.append(topic)
        return topics

    def fresh(self, text: str, question: str, n: int = 2) -> list[str]:
        """The sentences of `text` most relevant to the question that the script has not said yet."""
        chosen = relevant(text, question, n, exclude=self.said)
        self.said.update(chosen)
        return chosen

    def product_topic(self, key: str, question: str, product: Product | None) -> dict:
        topic: dict = {"label": PRODUCT_LABELS[key]}
        if product is None or key not in product.sections:
            return topic
        section = product.sections[key]
        self.cites.append(Citation(source=product.source, section=section.title))
        topic["size"] = size_advice(section.text, question) if key == "size" else None
        topic["sentences"] = [] if topic["size"] else self.fresh(section.text, question)
        return topic

    def evidence(self, kind: str, question: str, product: Product | None) -> list[str]:
        """Sentences of the product's own file that speak to a quality or packaging doubt."""
        if product is None:
            return []
        keys = ("material", "selling", "care") if kind == "quality" else ("size", "material", "care")
        pool = [(k, s) for k in keys if k in product.sections for s in sentences(product.sections[k].text)
                if s not in self.said]
        if kind == "packaging":
            pool = [(k, s) for k, s in pool if re.search(r"罐|瓶|软管|盒|袋|包装|塑封|密封|旋盖|滴管", s)]
        pool = [(k, s) for k, s in pool if overlap(question, s) >= MIN_HIT] or pool[:1]
        kind_spec = next(k for k in kinds() if k.topic == kind)
        focus = " ".join(w for w in kind_spec.triggers if w in question)  # the doubt itself weighs most
        best = sorted(pool, key=lambda item: (-overlap(focus, item[1]), -overlap(question, item[1])))[:2]
        ranked = [item for item in pool if item in best]  # material before selling points before care
        for k in dict.fromkeys(k for k, _ in ranked):
            self.cites.append(Citation(source=product.source, section=product.sections[k].title))
        self.said.update(s for _, s in ranked)
        return [s for _, s in ranked]

    def recommendation(self, product: Product | None, messages: list[Message]) -> dict:
        """Two or three items fitted to what the customer said, each with a reason and an honest caveat."""
        asked = "".join(m.text for m in messages)
        if product is None:
            def fit(p: Product) -> int:  # its names weigh most, then what it is, whom it suits and why they like it
                about = [p.sections[k].text for k in ("suitable", "selling", "material") if k in p.sections]
                return 8 * overlap(asked, " ".join(p.names())) + sum(overlap(asked, text) for text in about)

            ranked = sorted(self.shop.products, key=lambda p: -fit(p))
            return {"main": None, "others": [self.item(p, asked) for p in ranked[:2]], "combo": None}
        related = product.sections.get("related")
        partners = [p for p in self.shop.products if p is not product and related
                    and any(n in related.text for n in p.names())][:2]
        if related:
            self.cites.append(Citation(source=product.source, section=related.title))
        main = self.item(product, asked)
        others = [self.item(p, related.text if related else "", reason=True) for p in partners]
        combo = None
        threshold = self.shop.facts.free_shipping_threshold_yuan
        if others and threshold and product.price_yuan and others[0]["price"]:
            total = product.price_yuan + others[0]["price"]
            if product.price_yuan < threshold <= total:
                combo = {"total": total, "threshold": threshold, "with": others[0]["name"]}
        return {"main": main, "others": others, "combo": combo}

    def item(self, product: Product, context: str, reason: bool = False) -> dict:
        """One recommended item: its price, why it fits (a selling point, or the pairing sentence that names it)
        and one caveat from its care or suitability notes."""
        why = ""
        if reason:
            why = next((s for s in sentences(context) if any(n in s for n in product.names())), "")
        for key in () if reason else ("selling", "suitable", "material"):
            if key in product.sections and (why := "".join(self.fresh(product.sections[key].text, context, 1))):
                self.cites.append(Citation(source=product.source, section=product.sections[key].title))
                break
        caveat = ""
        for key in ("care", "suitable"):
            if key in product.sections:
                clauses = [c for s in sentences(product.sections[key].text) for c in re.split(r"(?<=；)", s)]
                notes = [c.rstrip("；") + ("" if c.endswith("。") else "。") for c in clauses
                         if re.search(r"建议|不要|避免|留意|注意|需要", c) and c not in self.said]
                caveat = min(notes, key=len, default="")
                if caveat:
                    self.cites.append(Citation(source=product.source, section=product.sections[key].title))
                    break
        return {"name": product.name, "price": product.price_yuan, "why": why, "caveat": caveat}


def _greeting_only(text: str) -> bool:
    found = detect(text)
    return bool(found) and all(i.id == SMALLTALK for i in found) and len(re.sub(r"[\W_]", "", text)) <= 6


# ---- engine output -> script -----------------------------------------------------------------------------------

def _parse_rendered(text: str) -> RewriteDraft:
    parts = _TURN.split(text)
    turns = [DraftTurn(role=role, step=step or None, text=re.sub(r"\n\s*\n", "\n", body).strip())  # type: ignore[arg-type]
             for role, step, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True) if body.strip()]
    return RewriteDraft(turns=turns)


def _script(draft: RewriteDraft, messages: list[Message]) -> list[ScriptTurn]:
    lines = {normalize(m.text): m.line for m in messages}
    return [ScriptTurn(role=t.role, text=t.text.strip(), step=t.step if t.role == "agent" else None,
                       line=lines.get(normalize(t.text)) if t.role == "customer" else None) for t in draft.turns]


def _coverage(checks: list[StepCheck], script: list[ScriptTurn], messages: list[Message]) -> list[str]:
    """An engine's script that skips a step or drops a customer's message is never presented as clean."""
    warnings = []
    if missing := missing_steps(checks):
        warnings.append(f"改写稿的售前五步不完整：{'、'.join(missing)}")
    kept = {t.line for t in script if t.role == "customer"}
    kept_messages = [m for m in messages if m.line not in kept]
    warnings += [f"改写稿漏掉了顾客第 {m.line} 行的话：“{m.text}”" for m in kept_messages]
    return warnings


def _prompt_passages(query: str, shop: Shop, ctx: Context) -> list[Passage]:
    return (ctx.retriever.search(query, shop=shop.info.id, types=SHOP_DOC_TYPES, k=6, customer=True)
            + ctx.retriever.search("售前接待五步 消除顾虑 促成订单", types=["course", "phrasebook"], k=3))

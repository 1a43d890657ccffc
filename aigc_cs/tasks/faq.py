"""Task `faq`: N questions customers really ask about one product (or one policy topic), each with a ready-to-send
standard reply grounded in the product's file and the shop's facts, and the sources it rests on.

The questions and the plan of topics are data (corpus/phrasebook/faq.yaml); the offline answers are blocks of
prompts/offline/faq.j2. No two questions of a set are near-duplicates (character-bigram Jaccard, `near_duplicate`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import zip_longest
from pathlib import PurePosixPath

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.guard.lexicon import scan
from aigc_cs.kb.models import SHOP_DOC_TYPES, Citation, Passage, Product, Shop
from aigc_cs.kb.products import resolve
from aigc_cs.llm.batch import map_concurrent
from aigc_cs.llm.engine import Generation, generate, prepare, spent
from aigc_cs.llm.templates import render
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.base import TaskResult, guard_warnings, unique
from aigc_cs.tasks.context import Context
from aigc_cs.text import normalize, pick

PROMPT = "faq"
BOOK_FILE = "phrasebook/faq.yaml"
MAX_ITEMS = 30
NEAR_DUPLICATE = 0.5  # character-bigram Jaccard at or above which two questions count as the same question
REQUIREMENTS: dict[str, Callable] = {
    "invoice": lambda f: f.invoice != "none",
    "free_threshold": lambda f: bool(f.free_shipping_threshold_yuan),
    "returns": lambda f: f.no_reason_return_days > 0,
}


class ItemSpec(BaseModel):
    label: str
    section: str | None = None
    cite: list[str] = []
    requires: list[str] = []
    uses_price: bool = False  # the answer quotes the product's price (its file is cited too)
    questions: dict[str, list[str]]

    def wordings(self, kind: str) -> list[str]:
        return self.questions.get(kind) or self.questions["default"]


class TopicSpec(BaseModel):
    id: str
    name: str
    words: list[str]
    cite: str
    items: list[str]


class PlanGroup(BaseModel):
    rotate: int  # how many of the leading items take turns to come first
    items: list[str]


class Book(BaseModel):
    kinds: dict[str, list[str]]
    nouns: dict[str, str]
    items: dict[str, ItemSpec]
    product_plan: list[PlanGroup]
    topics: list[TopicSpec]


@cache
def book() -> Book:
    data = corpus_yaml(BOOK_FILE)
    return Book.model_validate(data)


# -- near-duplicates ----------------------------------------------------------------------------------------------
_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the CJK/alphanumeric runs of `text` (a one-character run counts as itself)."""
    runs = _RUN.findall(normalize(text).lower())
    return {run[i: i + 2] for run in runs for i in range(len(run) - 1)} | {run for run in runs if len(run) == 1}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two texts, 0..1."""
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def near_duplicate(a: str, b: str, threshold: float = NEAR_DUPLICATE) -> bool:
    return similarity(a, b) >= threshold


# -- shared with other tasks --------------------------------------------------------------------------------------
def shop_kind(shop: Shop) -> str:
    """apparel / skincare / default, from the words of the shop's category."""
    return next((kind for kind, words in book().kinds.items() if any(w in shop.info.category for w in words)),
                "default")


def cite_policy(shop: Shop, spec: str) -> Citation:
    """The first policy heading holding one of the `|`-separated keywords of `spec` (the policy file if none does)."""
    words = spec.split("|")
    heading = next((h for word in words for h in shop.policy_sections if word in h), "")
    return Citation(source=shop.policy_source, section=heading)


# -- models -------------------------------------------------------------------------------------------------------
class FaqInput(BaseModel):
    shop: str
    product: str | None = None
    topic: str | None = None
    n: int = Field(default=5, ge=1, le=MAX_ITEMS)


class FaqDraft(BaseModel):
    """What an engine writes for one item."""

    question: str = Field(min_length=1, description="顾客的问题，按顾客平时打字的口吻")
    answer: str = Field(min_length=1, description="可以直接发给顾客的标准回复")


class FaqItem(BaseModel):
    topic: str  # the item id of faq.yaml
    label: str
    question: str
    answer: str
    citations: list[Citation]


class FaqOutput(TaskResult):
    shop_name: str
    product: str | None = None
    price_yuan: float | None = None
    topic: str | None = None
    requested: int
    items: list[FaqItem]
    notes: list[str] = Field(default_factory=list, description="fewer items than asked, a topic the policy words otherwise")

    def title(self) -> str:
        return f"{self.product}常见问题与标准回复" if self.product else f"{self.topic}标准回复"

    def to_document(self) -> Document:
        subject = (f"商品：{self.product}" + (f"（标价{self.price_yuan:g}元）" if self.price_yuan else "")
                   if self.product else f"政策话题：{self.topic}")
        about = [f"店铺：{self.shop_name}（{self.shop}）", subject,
                 f"共{len(self.items)}条问答。回复里的政策说法来自店铺政策，商品信息来自商品资料，每条都注明了依据。",
                 f"生成引擎：{self.engine}", *self.notes]
        rows = [["序号", "顾客问题", "标准回复", "依据"]]
        rows += [[str(i), item.question, item.answer, "\n".join(_short(c) for c in item.citations)]
                 for i, item in enumerate(self.items, 1)]
        sections = [Section(heading="说明", paragraphs=about), Section(heading="问答", table=rows),
                    Section(heading="出处", paragraphs=[str(c) for c in self.citations] or ["（无）"])]
        if self.warnings:
            sections.append(Section(heading="检查未通过", paragraphs=self.warnings))
        return Document(title=f"{self.title()}（{self.shop_name}）", sections=sections)


def _short(citation: Citation) -> str:
    return citation.section or PurePosixPath(citation.source).name


Input = FaqInput
Output = FaqOutput


# -- planning -----------------------------------------------------------------------------------------------------
def _usable(item_id: str, shop: Shop, product: Product | None) -> bool:
    spec = book().items[item_id]
    if spec.section and (product is None or spec.section not in product.sections):
        return False
    return all(REQUIREMENTS[r](shop.facts) for r in spec.requires)


def _rotated(items: list[str], *keys: str) -> list[str]:
    start = pick(list(range(len(items))), *keys) if items else 0
    return items[start:] + items[:start]


def plan(shop: Shop, product: Product | None, topic: TopicSpec | None) -> list[str]:
    """Item ids in the order the set takes them: a topic's in its order; a product's one group after another,
    each group starting at a place of its own for each product, so that different products read differently."""
    if topic is not None:
        return [i for i in topic.items if _usable(i, shop, product)]
    assert product is not None
    groups = []
    for n, group in enumerate(book().product_plan):
        usable = [i for i in group.items if _usable(i, shop, product)]
        head = [i for i in usable if i in group.items[: group.rotate]]
        groups.append(_rotated(head, shop.info.id, product.name, f"plan{n}") + usable[len(head):])
    return [item for row in zip_longest(*groups) for item in row if item]


def find_topic(name: str) -> TopicSpec:
    text = normalize(name)
    topics = book().topics
    score, _, best = max((sum(len(w) for w in t.words if w in text), -n, t) for n, t in enumerate(topics))
    if not score:
        raise UserError(f"未知话题“{name}”，可用：{'、'.join(t.name for t in topics)}（例如 --topic 七天无理由退货、发货、发票、运费）")
    return best


def _choose_question(wordings: list[str], taken: list[str], *keys: str) -> str | None:
    """A wording that is not a near-duplicate of any question already taken, starting at a stable place."""
    for wording in _rotated(wordings, *keys):
        if not any(near_duplicate(wording, t) for t in taken):
            return wording
    return None


# -- composing ----------------------------------------------------------------------------------------------------
@dataclass
class _Job:
    item: str
    question: str  # the offline wording
    citations: list[Citation]
    variables: dict = field(default_factory=dict)


def _flat(text: str) -> str:
    """Template or section lines as one paragraph; a numbered row ("1. S码…") keeps its own line."""
    return re.sub(r"\n(?!\d+\. )|[ \t]{2,}", "", text).strip()


_SIZE_ROW = re.compile(r"^(?:[^：:]{0,12}[：:])?((?:[A-Z]{1,3}|\d{2,3}|均)码[^；;。]*\d+\s*[–\-~至到]\s*\d+[^；;。]*)")


def size_rows(text: str) -> list[str]:
    """The rows of a size chart written as one run ("尺码参考：S码适合…；M码适合…"), one per size with its ranges; []
    when the section has fewer than two."""
    rows = [m.group(1) for part in re.split(r"[；;。\n]", text) if (m := _SIZE_ROW.match(part.strip()))]
    return rows if len(rows) >= 2 else []


def _points(product: Product | None) -> list[str]:
    if product is None or "selling" not in product.sections:
        return []
    return [line.strip().rstrip("。") for line in product.sections["selling"].text.split("\n") if line.strip()]


def _citations(item_id: str, shop: Shop, product: Product | None) -> list[Citation]:
    spec = book().items[item_id]
    cites = []
    if spec.section and product is not None:
        cites.append(Citation(source=product.source, section=product.sections[spec.section].title))
    if product is not None and spec.uses_price and product.price_yuan:
        cites.append(Citation(source=product.source, section=""))
    cites += [cite_policy(shop, c) for c in spec.cite]
    return unique(cites)


def run(inp: FaqInput, ctx: Context) -> FaqOutput:
    shop = ctx.shop(inp.shop)
    if bool(inp.product) == bool(inp.topic):
        raise UserError("请用 --product 指定商品，或用 --topic 指定政策话题（两者选一个），例如 --product 保湿面霜")
    product = resolve(shop, inp.product) if inp.product else None
    topic = find_topic(inp.topic) if inp.topic else None
    kind = shop_kind(shop)
    noun = min(product.names(), key=len) if product else book().nouns.get(kind, book().nouns["default"])
    subject = product.name if product else topic.id  # type: ignore[union-attr]
    others = sorted((p for p in shop.products if p is not product), key=lambda p: p.price_yuan or float("inf"))
    sec = {key: _flat(s.text) for key, s in product.sections.items()} if product else {}

    def compose(item_id: str, question: str) -> FaqDraft:
        def choose(options: list[str], salt: str) -> str:
            return pick(options, shop.info.id, subject, item_id, salt)

        answer = render(f"offline/{PROMPT}.j2", item=item_id, kind=kind, shop=shop.info, f=shop.facts,
                        product=product, noun=noun, sec=sec, points=_points(product), others=others, pick=choose,
                        rows=size_rows(product.sections["size"].text) if product and "size" in product.sections else [],
                        exchange=shop.facts.no_reason_exchange)
        return FaqDraft(question=question, answer=_flat(answer))

    jobs: list[_Job] = []
    taken: list[str] = []
    for item_id in plan(shop, product, topic):
        if len(jobs) == inp.n:
            break
        wordings = [w.format(item=noun) for w in book().items[item_id].wordings(kind)]
        question = _choose_question(wordings, taken, shop.info.id, subject, item_id)
        if question is not None:
            taken.append(question)
            jobs.append(_Job(item=item_id, question=question, citations=_citations(item_id, shop, product)))

    if ctx.engine.kind != "offline":
        for job in jobs:
            job.variables = _prompt_variables(job, shop, product, ctx)
    prepare(PROMPT, ctx.engine)  # the model client, once, before the batch's first calls go out together
    generations: list[Generation[FaqDraft]] = map_concurrent(
        lambda job: generate(PROMPT, job.variables, FaqDraft, lambda: compose(job.item, job.question), ctx.engine),
        jobs, ctx.concurrency)

    items, warnings, engines = [], [], []
    notes = _topic_notes(inp.topic, shop) if inp.topic else []
    for job, gen in zip(jobs, generations, strict=True):
        draft, engine = gen.output, gen.engine
        questions = [i.question for i in items]
        if any(near_duplicate(draft.question, q) for q in questions):
            draft, engine = compose(job.item, job.question), "offline"  # the offline wording is unique
            if any(near_duplicate(draft.question, q) for q in questions):
                continue
            notes.append(f"“{book().items[job.item].label}”一条：模型写的问题和前面的重复，已换成离线引擎的问答")
        n = len(items) + 1
        items.append(FaqItem(topic=job.item, label=book().items[job.item].label, question=draft.question.strip(),
                             answer=draft.answer.strip(), citations=job.citations))
        engines.append(engine)
        warnings += [f"第{n}条：{w}" for w in gen.warnings + guard_warnings(draft.answer, shop)]
        warnings += [f"第{n}条的问题：{h.message()}" for h in scan(draft.question)]

    if len(items) < inp.n:
        what = f"商品资料和店铺政策里关于“{product.name}”" if product else f"店铺政策里关于“{inp.topic}”"
        notes.append(f"只生成了{len(items)}条（要求{inp.n}条）：{what}能问的不同问题只有这么多，再多就会和前面的问题重复。")
    text = "\n\n".join(f"{i}. 问：{item.question}\n答：{item.answer}" for i, item in enumerate(items, 1))
    return FaqOutput(shop=shop.info.id, shop_name=shop.info.name, text=text,
                     citations=unique([c for item in items for c in item.citations]),
                     engine=" + ".join(dict.fromkeys(engines)) or ctx.engine.kind, warnings=warnings,
                     usage=spent([g.usage for g in generations]),
                     product=product.name if product else None, price_yuan=product.price_yuan if product else None,
                     topic=_topic_title(topic, shop) if topic else None, requested=inp.n, items=items, notes=notes)


def _topic_title(topic: TopicSpec, shop: Shop) -> str:
    return cite_policy(shop, topic.cite).section or topic.name


def _topic_notes(asked: str, shop: Shop) -> list[str]:
    """A topic worded against the shop's policy ("七天无理由" where the shop gives 15 days) is answered by the policy."""
    from aigc_cs.guard.check import check_text

    return [f"话题“{asked}”与本店政策不同（本店{v.fact}），已按店铺政策生成。" for v in check_text(asked, shop).violations]


def _prompt_variables(job: _Job, shop: Shop, product: Product | None, ctx: Context) -> dict:
    spec = book().items[job.item]
    query = " ".join(filter(None, [product.name if product else "", spec.label, job.question]))
    passages: list[Passage] = ctx.retriever.search(query, shop=shop.info.id, types=SHOP_DOC_TYPES, k=4, customer=True)
    return {"shop": shop, "product": product, "label": spec.label, "example": job.question, "passages": passages,
            "section": product.sections.get(spec.section) if product and spec.section else None}

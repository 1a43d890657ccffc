"""Task `reply`: answer one customer message for one shop, grounded in its facts and passages."""

import re

from pydantic import BaseModel, Field

from aigc_cs.kb.intents import Intent, detect, find_product
from aigc_cs.kb.models import SHOP_DOC_TYPES, Citation, Passage, Product, Shop
from aigc_cs.kb.sizing import size_advice
from aigc_cs.llm.engine import generate, spent
from aigc_cs.llm.templates import render
from aigc_cs.tasks.base import TaskResult, guard_warnings, unique
from aigc_cs.tasks.context import Context
from aigc_cs.text import pick, tokens

PROMPT = "reply"
MAX_MESSAGE_CHARS = 2000
PRODUCT_LABELS = {"material": "材质和成分", "size": "规格尺码", "suitable": "适合人群", "selling": "特点",
                  "care": "使用和保养方法", "related": "搭配推荐"}
CONDITION_WORDS = re.compile(r"拆|用过|用了|穿过|穿了|洗过|洗了|吊牌|剪|试用")
DISCOMFORT_WORDS = re.compile(r"过敏|泛红|刺痛|起疹|疹子|发痒|痒|不适|红肿")
APPAREL = {"女装", "男装", "童装", "服饰", "服装", "鞋靴", "内衣"}
SIZE_CHARS = 260  # a size chart is read whole, not cut after its first line
MIN_OVERLAP = 0.5  # share of the question's words a passage must contain to be quoted as an answer


class ReplyInput(BaseModel):
    message: str = Field(min_length=1)
    shop: str


class ReplyDraft(BaseModel):
    """What an engine writes: the reply text only. Facts, citations and checks stay with the task."""

    text: str = Field(min_length=1, description="发给顾客的完整回复")


class ReplyOutput(TaskResult):
    message: str
    intents: list[str]
    product: str | None
    answered: bool = Field(description="false when the knowledge base had no answer and the reply says so")


def _excerpt(text: str, limit: int = 120) -> str:
    """The leading whole sentences of `text`, up to about `limit` characters."""
    text = re.sub(r"^【[^】]*】\s*", "", text).replace("\n", "")
    sentences = re.findall(r"[^。！？]+[。！？]?", text)
    out = ""
    for sentence in sentences:
        if out and len(out) + len(sentence) > limit:
            break
        out += sentence
    return out if out.endswith(("。", "！", "？")) else out + "。"


def _policy_citation(intent: Intent, shop: Shop, ctx: Context, message: str) -> Citation:
    heading = next((h for word in intent.cite for h in shop.policy_sections if word in h), None)
    if heading is None:
        hits = ctx.retriever.search(message, shop=shop.info.id, types=["policy"], k=1, customer=True)
        heading = hits[0].section if hits else ""
    return Citation(source=shop.policy_source, section=heading)


def _size_hint(section_text: str, message: str) -> str:
    """"按您说的身高160厘米、体重100斤，建议选M码。" when the customer gave measurements that fit the chart."""
    advice = size_advice(section_text, message)
    if not advice:
        return ""
    return f"按您说的{advice['measures']}，建议选{'或'.join(advice['sizes'])}。{advice['tip']}"


def _answers(intents: list[Intent], product: Product | None, message: str) -> list[dict]:
    answers = []
    for intent in intents:
        section = product.sections.get(intent.product) if product and intent.product else None
        hint = _size_hint(section.text, message) if section and intent.product == "size" else ""
        answers.append({"id": intent.id, "topic": intent.topic, "label": PRODUCT_LABELS.get(intent.product or "", ""),
                        "text": hint + _excerpt(section.text, SIZE_CHARS if intent.product == "size" else 120)
                        if section else ""})
    return answers


def _overlap(question: str, passage: Passage) -> float:
    asked = {t for t in tokens(question) if len(t) > 1}
    if not asked:
        return 0.0
    return len(asked & set(tokens(passage.text))) / len(asked)


def _passage_answer(message: str, shop: Shop, ctx: Context) -> Passage | None:
    """The shop passage that answers a question no intent covers, if one clearly does."""
    for hit in ctx.retriever.search(message, shop=shop.info.id, types=SHOP_DOC_TYPES, k=3, customer=True):
        if hit.shop == shop.info.id and _overlap(message, hit) >= MIN_OVERLAP:
            return hit
    return None


def run(inp: ReplyInput, ctx: Context) -> ReplyOutput:
    shop = ctx.shop(inp.shop)
    message = inp.message.strip()[:MAX_MESSAGE_CHARS]
    intents = detect(message)
    product = find_product(message, shop)
    citations: list[Citation] = []
    for intent in intents:
        if intent.product and product and intent.product in product.sections:
            citations.append(Citation(source=product.source, section=product.sections[intent.product].title))
        elif intent.cite:
            citations.append(_policy_citation(intent, shop, ctx, message))
    passage = None if intents else _passage_answer(message, shop, ctx)
    if passage is not None:
        citations.append(Citation(source=passage.source, section=passage.section))

    related = ""
    wants_product = any(i.product for i in intents) and not any(i.product == "related" for i in intents)
    if product and "related" in product.sections and wants_product:
        related = _excerpt(product.sections["related"].text, 80)
        citations.append(Citation(source=product.source, section=product.sections["related"].title))

    def choose(options: list[str], salt: str) -> str:
        return pick(options, message, shop.info.id, salt)

    def offline() -> ReplyDraft:
        return ReplyDraft(text=render(
            f"offline/{PROMPT}.j2",
            shop=shop.info, f=shop.facts, product=product, products=shop.products,
            answers=_answers(intents, product, message), empathy=any(i.empathy for i in intents), related=related,
            lead=next((i.id for i in intents if i.empathy), intents[0].id if intents else ""),
            conditional=bool(CONDITION_WORDS.search(message)), apparel=shop.info.category in APPAREL,
            discomfort=bool(DISCOMFORT_WORDS.search(message)),
            passage={"label": _passage_label(passage, shop), "text": _passage_text(passage)} if passage else None,
            pick=choose,
        ))

    variables = {"message": message, "shop": shop, "product": product,
                 "passages": _prompt_passages(message, shop, ctx)} if ctx.engine.kind != "offline" else {}
    gen = generate(PROMPT, variables, ReplyDraft, offline, ctx.engine)
    text = gen.output.text.strip()
    return ReplyOutput(message=message, shop=shop.info.id, text=text, intents=[i.id for i in intents],
                       product=product.name if product else None, answered=bool(intents or passage),
                       citations=unique(citations), engine=gen.engine, usage=spent([gen.usage]),
                       warnings=gen.warnings + guard_warnings(text, shop))


def _prompt_passages(message: str, shop: Shop, ctx: Context) -> list[Passage]:
    """What an LLM gets to read: the shop's best passages and the course's, nothing else."""
    return (ctx.retriever.search(message, shop=shop.info.id, types=SHOP_DOC_TYPES, k=5, customer=True)
            + ctx.retriever.search(message, types=["course", "phrasebook"], k=2))


Input = ReplyInput
Output = ReplyOutput


def _passage_label(passage: Passage, shop: Shop) -> str:
    owner = next((p.name for p in shop.products if p.source == passage.source), None)
    where = f"“{owner}”的商品资料" if owner else ("常见问题库" if passage.doc_type == "faq" else "店铺政策")
    return f"{where}（{passage.section.split(' > ')[-1]}）"


def _passage_text(passage: Passage) -> str:
    if passage.doc_type == "faq":
        return passage.text.split("答：", 1)[-1].strip()
    return _excerpt(passage.text, 160)

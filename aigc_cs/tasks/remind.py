"""Task `remind`: 催付 for an order that is not paid yet, aware of why (价格犹豫, 支付问题, 地址或尺码, 忘记付款).

At most two reminders, each with its timing: the first removes the customer's doubt with the shop's facts, the
follow-up asks once more and says it is the last. Never pressure, never invented scarcity (the lexicon's pressure and
rhetorical words and the book's scarcity words are checked), never an offer the policy does not make.
Situations, timings and the forbidden words are data (corpus/phrasebook/remind.yaml); the wording is prompts/offline/remind.j2.
"""

import re

from pydantic import BaseModel, Field

from aigc_cs.export import Document, Section
from aigc_cs.kb.models import Citation, Product, Shop
from aigc_cs.kb.products import resolve
from aigc_cs.llm.engine import generate, spent
from aigc_cs.tasks.aftercare import (
    AftercareOutput,
    choice,
    message_warnings,
    offline_text,
    phrase_warnings,
    prompt_variables,
    selling_points,
    short_name,
)
from aigc_cs.tasks.base import phrase_book, unique
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.faq import cite_policy, shop_kind

PROMPT = "remind"
BOOK_FILE = "phrasebook/remind.yaml"
LEXICON = ("pressure", "rhetorical")
LABELS = ("第一次提醒", "跟进提醒")


class Situation(BaseModel):
    name: str
    key: str
    doubt: str
    cite: list[str]
    course: Citation
    first: str
    follow_up: str


class RemindBook(BaseModel):
    situations: list[Situation]
    after: str
    scarcity: list[str]


book = phrase_book(RemindBook, BOOK_FILE)


class RemindInput(BaseModel):
    shop: str
    situation: str
    product: str | None = None


class RemindDraft(BaseModel):
    """What an engine writes: the two reminders."""

    first: str = Field(min_length=1, description="第一次提醒：找准原因，用店铺事实消除顾虑")
    follow_up: str = Field(min_length=1, description="跟进提醒：再问一次，说明之后不再打扰")


class Reminder(BaseModel):
    label: str
    timing: str
    text: str


class RemindOutput(AftercareOutput):
    situation: str
    doubt: str
    product: str | None = None
    reminders: list[Reminder]
    after: str = Field(description="what to do when both reminders went unanswered")

    def title(self) -> str:
        return f"催付话术 · {self.situation}"

    def to_document(self) -> Document:
        about = [f"情况：{self.situation}（{self.doubt}）" + (f"　商品：{self.product}" if self.product else "")]
        rows = [["提醒", "发送时机", "话术"]] + [[r.label, r.timing, r.text] for r in self.reminders]
        return self.document_with(about, [Section(heading="两次提醒", table=rows),
                                          Section(heading="之后", paragraphs=[self.after])])


Input = RemindInput
Output = RemindOutput


def run(inp: RemindInput, ctx: Context) -> RemindOutput:
    situations = {s.name: s for s in book().situations}
    situation = situations[choice(inp.situation, situations, "情况", "--situation")]
    shop = ctx.shop(inp.shop)
    product = resolve(shop, inp.product) if inp.product else None
    noun = short_name(product) if product else "商品"
    points = selling_points(product)

    def compose(part: str) -> str:
        text = offline_text(PROMPT, (shop.info.id, situation.key, noun), s=situation.key, part=part, shop=shop.info,
                            f=shop.facts, kind=shop_kind(shop), noun=noun, point=points[0] if points else "")
        return re.sub(r"\n{2,}", "\n", text)

    def offline() -> RemindDraft:
        return RemindDraft(first=compose("first"), follow_up=compose("follow_up"))

    variables = prompt_variables(ctx, shop, f"{situation.name} {noun} {situation.doubt}", situation=situation,
                                 product=product, noun=noun)
    gen = generate(PROMPT, variables, RemindDraft, offline, ctx.engine)
    texts = [gen.output.first.strip(), gen.output.follow_up.strip()]
    said = "\n".join(texts)
    warnings = gen.warnings + message_warnings(said, shop, LEXICON) + phrase_warnings(
        said, book().scarcity, "制造紧迫感", "催付不能用库存、涨价或截止时间逼顾客付款，用店铺的事实消除顾虑")
    reminders = [Reminder(label=label, timing=timing, text=text)
                 for label, timing, text in zip(LABELS, (situation.first, situation.follow_up), texts, strict=True)]
    return RemindOutput(
        shop=shop.info.id, shop_name=shop.info.name, text=_text(reminders, book().after),
        citations=_citations(shop, situation, product), engine=gen.engine, warnings=warnings,
        usage=spent([gen.usage]), situation=situation.name, doubt=situation.doubt,
        product=product.name if product else None, reminders=reminders, after=book().after)


def _text(reminders: list[Reminder], after: str) -> str:
    parts = [f"【{r.label}】（{r.timing}）\n{r.text}" for r in reminders]
    return "\n\n".join([*parts, f"【之后】{after}"])


def _citations(shop: Shop, situation: Situation, product: Product | None) -> list[Citation]:
    cites = [cite_policy(shop, spec) for spec in situation.cite] + [situation.course]
    if product is not None:
        cites.append(Citation(source=product.source, section=""))
    return unique(cites)

"""Task `revisit`: a revisit plan for a shop's old customers (老客户二次销售).

It segments every customer of the purchase data RFM-style (how long since the last purchase, how often, how much, and
the notes: 高价值老客, 新客首购, 流失风险, 沉睡客户…) with the reason for each, picks the customers to contact, and writes a
personalised message for each of them (an SMS of one segment, signed 【店名】 and with the way to unsubscribe, or an
online message) that offers only the shop's service facts. The plan summary tells the teacher who, why and when.
Segments, limits and the plan's rules are data (corpus/phrasebook/revisit.yaml); the wording is prompts/offline/revisit.j2.
"""

import re
from datetime import date
from functools import cache

from pydantic import BaseModel, Field

from aigc_cs.export import Document, Section
from aigc_cs.guard.check import describe
from aigc_cs.guard.lexicon import KIND_NAMES, scan
from aigc_cs.kb.models import Citation, Product, Shop
from aigc_cs.kb.products import mentioned
from aigc_cs.llm.batch import map_concurrent
from aigc_cs.llm.engine import Generation, generate, prepare, spent
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.aftercare import (
    AftercareOutput,
    SmsLimits,
    choice,
    message_warnings,
    offline_text,
    one_paragraph,
    prompt_variables,
    short_name,
)
from aigc_cs.tasks.base import unique
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.customers import Customer, CustomerTable
from aigc_cs.tasks.faq import cite_policy, shop_kind

PROMPT = "revisit"
BOOK_FILE = "phrasebook/revisit.yaml"
LEXICON = ("pressure",)  # a revisit never pushes
_SALUTATION = re.compile(r"[\u4e00-\u9fff]{1,6}")  # a name to greet by: a few Chinese characters, not an account id


class Segment(BaseModel):
    id: str
    name: str
    notes: list[str] = []
    max_days: int | None = None
    min_days: int | None = None
    min_orders: int | None = None
    max_orders: int | None = None
    min_amount: float | None = None
    target: bool
    reason: str
    when: str

    def note_in(self, customer: Customer) -> str | None:
        """The first of the segment's note words found in the customer's 备注."""
        return next((word for word in self.notes if word in customer.note), None)

    def fits(self, customer: Customer, days: int) -> bool:
        if self.notes and self.note_in(customer) is None:
            return False
        bounds = [(self.max_days, days, -1), (self.min_days, days, 1), (self.min_orders, customer.orders, 1),
                  (self.max_orders, customer.orders, -1), (self.min_amount, customer.amount, 1)]
        return all(limit is None or (value - limit) * sign >= 0 for limit, value, sign in bounds)


class RevisitSms(SmsLimits):
    unsubscribe: str


class RevisitBook(BaseModel):
    segments: list[Segment]
    channels: dict[str, str]
    sms: RevisitSms
    levels: int
    cite_policy: list[str]
    cite_course: list[Citation]
    plan: list[str]


@cache
def book() -> RevisitBook:
    data = {k: v for k, v in corpus_yaml(BOOK_FILE).items() if k != "columns"}  # the columns are the reader's
    return RevisitBook.model_validate(data)


class RevisitInput(BaseModel):
    shop: str
    customers: CustomerTable
    channel: str = "短信"
    as_of: date | None = Field(default=None, description="统计日期；不填时用数据里最近一次购买的日期")


class RevisitDraft(BaseModel):
    """What an engine writes for one customer."""

    text: str = Field(min_length=1, description="发给这位顾客的回访消息")


class CustomerPlan(BaseModel):
    row: int
    name: str
    last_date: date
    days: int = Field(description="days from the last purchase to the plan's date")
    orders: int
    amount: float
    product: str = ""
    note: str = ""
    segment: str
    reason: str
    target: bool
    when: str
    message: str = ""
    chars: int | None = None
    sms_segments: int | None = None
    engine: str | None = None


class SegmentCount(BaseModel):
    name: str
    count: int
    target: bool
    when: str


class RevisitOutput(AftercareOutput):
    channel: str
    as_of: date
    source: str
    customers: list[CustomerPlan]
    segments: list[SegmentCount]
    summary: list[str]
    skipped: list[str] = Field(default_factory=list, description="bad rows of the purchase data, one line each")

    def title(self) -> str:
        return f"老客户回访计划 · {self.channel}"

    def to_document(self) -> Document:
        targets = [c for c in self.customers if c.target]
        about = [f"客户数据：{self.source}　统计日期：{self.as_of.isoformat()}　渠道：{self.channel}"]
        rows = [["行", "客户", "最近购买", "距今天数", "购买次数", "累计金额", "品类/商品", "备注", "分群", "理由", "是否回访"]]
        rows += [[str(c.row), c.name, c.last_date.isoformat(), str(c.days), str(c.orders), f"{c.amount:g}", c.product,
                  c.note, c.segment, c.reason, "回访" if c.target else "不联系"] for c in self.customers]
        messages = [["客户", "分群", "发送时机", "回访话术", "字数"]]
        messages += [[c.name, c.segment, c.when, c.message, str(c.chars)] for c in targets]
        sections = [Section(heading="回访计划", paragraphs=self.summary), Section(heading="客户分群", table=rows),
                    Section(heading="回访话术", table=messages if targets else [["（这次没有要回访的客户）"]])]
        if self.skipped:
            sections.append(Section(heading="跳过的行", paragraphs=self.skipped))
        return self.document_with(about, sections)


Input = RevisitInput
Output = RevisitOutput


# -- segmenting ---------------------------------------------------------------------------------------------------
def segment_of(customer: Customer, days: int) -> tuple[Segment, str]:
    """The customer's segment (the first that fits; the last one takes everyone) and the reason, in words."""
    segments = book().segments
    rule = next((s for s in segments if s.fits(customer, days)), segments[-1])
    reason = rule.reason.format(days=days, orders=customer.orders, amount=f"{customer.amount:,.0f}",
                                note=rule.note_in(customer) or "")
    return rule, reason


def salutation(name: str) -> str:
    """How the message greets the customer: 王姐您好 for a name, 您好 for an account id or a name with odd words."""
    if _SALUTATION.fullmatch(name) and not scan(name, tuple(KIND_NAMES)):
        return f"{name}您好"
    return "您好"


def _related(product: Product, shop: Shop) -> Product | None:
    """The other product the product's own 关联推荐 names first."""
    text = product.sections["related"].text if "related" in product.sections else ""
    found = [(text.find(name), p) for p in shop.products if p is not product for name in p.names() if name in text]
    return min(found, key=lambda item: item[0])[1] if found else None


def _care(product: Product | None) -> str:
    """The first sentence of the product's care advice (建议手洗，或者…轻柔模式洗。)."""
    if product is None or "care" not in product.sections:
        return ""
    return re.split(r"(?<=。)", product.sections["care"].text.strip(), maxsplit=1)[0]


# -- composing ----------------------------------------------------------------------------------------------------
def run(inp: RevisitInput, ctx: Context) -> RevisitOutput:
    shop = ctx.shop(inp.shop)
    channel = choice(inp.channel, book().channels, "渠道", "--channel")
    ch = book().channels[channel]
    table = inp.customers
    as_of = inp.as_of or max(c.last_date for c in table.customers)
    later = [c for c in table.customers if c.last_date > as_of]
    skipped = table.skipped + [f"{table.source} 第 {c.row} 行：最近购买日期 {c.last_date.isoformat()} 晚于统计日期 "
                               f"{as_of.isoformat()}，这一行已跳过" for c in later]
    plans = []
    for customer in (c for c in table.customers if c not in later):
        days = (as_of - customer.last_date).days
        rule, reason = segment_of(customer, days)
        plans.append((customer, days, rule, reason))

    kind = shop_kind(shop)

    def write(job: tuple[Customer, int, Segment, str]) -> Generation[RevisitDraft]:
        customer, days, rule, reason = job
        product = mentioned(customer.product, shop) if customer.product else None
        related = _related(product, shop) if product else None
        thing = short_name(product) if product else _thing(customer.product)
        words = {"shop": shop.info, "f": shop.facts, "kind": kind, "ch": ch, "seg": rule.id, "hello": salutation(customer.name),
                 "thing": thing, "related": short_name(related) if related else "", "care": _care(product),
                 "tail": book().sms.unsubscribe}

        def compose(level: int) -> str:
            text = offline_text(PROMPT, (shop.info.id, customer.name, rule.id, channel), level=level, **words)
            return one_paragraph(text) if ch == "sms" else re.sub(r"\n{2,}", "\n", text)

        def offline() -> RevisitDraft:
            if ch != "sms":
                return RevisitDraft(text=compose(0))
            texts = [compose(level) for level in range(book().levels)]
            return RevisitDraft(text=next((t for t in texts if book().sms.fits(t)), texts[-1]))

        variables = prompt_variables(
            ctx, shop, f"{rule.name} {thing} 回访 包邮 无理由退换 售后", customer=customer, days=days, segment=rule,
            reason=reason, channel=channel, sms=book().sms if ch == "sms" else None, product=product, related=related, thing=thing)
        gen = generate(PROMPT, variables, RevisitDraft, offline, ctx.engine)
        text = gen.output.text.strip()
        if ch == "sms" and gen.engine != "offline" and not _sms_ok(text, shop):
            why = (f"大模型写给“{customer.name}”的短信不合要求（要以【{shop.info.name}】开头、不超过"
                   f"{book().sms.segment_chars}字），已改用离线引擎的版本")
            return Generation[RevisitDraft](output=offline(), engine="offline", warnings=[*gen.warnings, why],
                                            usage=gen.usage)
        return gen

    targets = [job for job in plans if job[2].target]
    if targets:
        prepare(PROMPT, ctx.engine)  # the model client, once, before the batch's first calls go out together
    generations = dict(zip((id(job[0]) for job in targets), map_concurrent(write, targets, ctx.concurrency), strict=True))
    customers, warnings = [], []
    for customer, days, rule, reason in plans:
        gen = generations.get(id(customer))
        text = gen.output.text.strip() if gen else ""
        if gen:
            warnings += [f"客户“{customer.name}”：{w}" for w in gen.warnings + message_warnings(text, shop, LEXICON)]
            if ch == "sms" and not book().sms.fits(text):
                warnings.append(f"客户“{customer.name}”：短信有{len(text)}字，超过一条短信的{book().sms.segment_chars}字")
        customers.append(CustomerPlan(
            row=customer.row, name=customer.name, last_date=customer.last_date, days=days, orders=customer.orders,
            amount=customer.amount, product=customer.product, note=customer.note, segment=rule.name, reason=reason,
            target=rule.target, when=rule.when, message=text, chars=len(text) if gen else None,
            sms_segments=book().sms.segments(text) if gen and ch == "sms" else None,
            engine=gen.engine if gen else None))
    counts = _counts(customers)
    engines = list(dict.fromkeys(c.engine for c in customers if c.engine)) or [ctx.engine.kind]
    summary = _summary(customers, counts, as_of, inp.as_of is None, channel, shop)
    return RevisitOutput(
        shop=shop.info.id, shop_name=shop.info.name, text=_text(summary, customers), citations=_citations(shop, customers),
        engine=" + ".join(engines), warnings=warnings, usage=spent([g.usage for g in generations.values()]),
        notes=[f"跳过：{line}" for line in skipped], channel=channel, as_of=as_of, source=table.source,
        customers=customers, segments=counts, summary=summary, skipped=skipped)


def _thing(cell: str) -> str:
    """A product the shop does not list, named as the table names it when it is short and plain."""
    cell = cell.strip()
    return cell if 0 < len(cell) <= 8 and not scan(cell, tuple(KIND_NAMES)) else ""


def _sms_ok(text: str, shop: Shop) -> bool:
    return text.startswith(f"【{shop.info.name}】") and book().sms.fits(text)


def _counts(customers: list[CustomerPlan]) -> list[SegmentCount]:
    return [SegmentCount(name=s.name, count=n, target=s.target, when=s.when)
            for s in book().segments if (n := sum(c.segment == s.name for c in customers))]


def _summary(customers: list[CustomerPlan], counts: list[SegmentCount], as_of: date, derived: bool, channel: str,
             shop: Shop) -> list[str]:
    """The plan for the teacher: the date the segments are counted from, the segments, who is contacted and when,
    what the messages offer, and the plan's rules."""
    targets = sum(c.target for c in customers)
    basis = "数据里最近一次购买的日期" if derived else "用 --as-of 指定"
    lines = [f"统计日期 {as_of.isoformat()}（{basis}）：共 {len(customers)} 位客户，其中 {targets} 位这次回访（{channel}）。",
             *(f"{c.name} {c.count} 位：{'回访，' + c.when if c.target else '这次不联系'}。" for c in counts)]
    offers = [fact for fact in _offer_facts(shop) if fact]
    lines.append("话术里提到的服务保障来自店铺政策：" + ("、".join(offers) if offers else "（无）")
                 + "；没有另设优惠券、折扣或赠品。")
    return lines + book().plan


def _offer_facts(shop: Shop) -> list[str]:
    f = shop.facts
    return [describe("free_shipping_threshold_yuan", f) if f.free_shipping_threshold_yuan is not None else "",
            describe("freight_insurance", f) if f.freight_insurance else "",
            f"签收后{f.no_reason_return_days}天内无理由{'退换' if f.no_reason_exchange else '退货'}" if f.no_reason_return_days else "",
            describe("ship_within_hours", f)]


def _text(summary: list[str], customers: list[CustomerPlan]) -> str:
    plan = "\n".join(f"{c.name}｜{c.segment}｜{c.reason}｜{'回访' if c.target else '不联系'}" for c in customers)
    messages = "\n\n".join(f"【{c.name} · {c.segment}】（{c.when}）\n{c.message}" for c in customers if c.target)
    return "\n".join(summary) + "\n\n客户分群：\n" + plan + ("\n\n回访话术：\n\n" + messages if messages else "")


def _citations(shop: Shop, customers: list[CustomerPlan]) -> list[Citation]:
    cites = [cite_policy(shop, spec) for spec in book().cite_policy] + book().cite_course
    for c in customers:
        product = mentioned(c.product, shop) if c.target and c.product else None
        if product is not None:
            cites += [Citation(source=product.source, section=product.sections[key].title)
                      for key in ("care", "related") if key in product.sections]
    return unique(cites)

"""Task `apology`: an apology for one after-sale scenario, as an online message, an SMS or a phone script.

It acknowledges, apologises without shirking, explains briefly, offers only the remedy the shop's facts allow and
says the next step and its time. An SMS stays within `max_segments` segments; a phone script comes with the
customer's likely replies. Scenarios, channels, tones and SMS limits are data (corpus/phrasebook/apology.yaml).
"""

import math
import re
from functools import cache

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.guard.lexicon import scan
from aigc_cs.kb.models import SHOP_DOC_TYPES
from aigc_cs.llm.engine import generate, spent
from aigc_cs.llm.templates import render
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.base import TaskResult, guard_warnings, unique
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.faq import cite_policy, shop_kind
from aigc_cs.text import normalize, pick

PROMPT = "apology"
BOOK_FILE = "phrasebook/apology.yaml"
MAX_ORDER_CHARS = 60
REPLIES_HEADING = "【顾客可能会说】"
SMS_LEVELS = 4  # the offline SMS template's levels of detail, fullest first


class Scenario(BaseModel):
    name: str
    key: str
    cite: list[str]


class SmsLimits(BaseModel):
    segment_chars: int
    long_segment_chars: int
    max_segments: int


class ApologyBook(BaseModel):
    scenarios: list[Scenario]
    channels: dict[str, str]
    tones: dict[str, str]
    sms: SmsLimits


@cache
def book() -> ApologyBook:
    return ApologyBook.model_validate(corpus_yaml(BOOK_FILE))


def sms_segments(text: str) -> int:
    """How many SMS a text takes: one up to `segment_chars` characters, else parts of `long_segment_chars`."""
    limits = book().sms
    n = len(text)
    return 1 if n <= limits.segment_chars else math.ceil(n / limits.long_segment_chars)


class ApologyInput(BaseModel):
    shop: str
    scenario: str
    channel: str
    tone: str = "正式"
    order_facts: str | None = None


class PhoneReply(BaseModel):
    customer: str = Field(description="顾客可能说的话")
    answer: str = Field(description="客服的应答")


class ApologyDraft(BaseModel):
    """What an engine writes: the message (the script, on the phone) and, on the phone, the likely replies."""

    text: str = Field(min_length=1, description="致歉消息；电话渠道是通话脚本")
    replies: list[PhoneReply] = Field(default_factory=list, description="电话渠道：顾客可能的回应和客服的应答")


class ApologyOutput(TaskResult):
    shop_name: str
    scenario: str
    channel: str
    tone: str
    order_facts: str | None = None
    chars: int = Field(description="characters of the message (of the script, on the phone)")
    sms_segments: int | None = None
    replies: list[PhoneReply] = Field(default_factory=list)

    def title(self) -> str:
        kind = {"短信": "致歉短信", "电话": "致歉电话脚本"}.get(self.channel, "致歉消息（在线）")
        return f"{self.scenario} · {kind}"

    def to_document(self) -> Document:
        about = [f"店铺：{self.shop_name}（{self.shop}）", f"场景：{self.scenario}　渠道：{self.channel}　语气：{self.tone}"]
        if self.order_facts:
            about.append(f"订单信息：{self.order_facts}")
        if self.sms_segments is not None:
            about.append(f"字数：{self.chars}，按{self.sms_segments}条短信发送")
        about.append(f"生成引擎：{self.engine}")
        body = self.text.split(f"\n\n{REPLIES_HEADING}")[0]
        sections = [Section(heading="说明", paragraphs=about),
                    Section(heading="通话脚本" if self.channel == "电话" else "致歉话术", paragraphs=body.split("\n"))]
        if self.replies:
            sections.append(Section(heading="顾客可能会说", table=[["顾客", "客服应答"]]
                                    + [[r.customer, r.answer] for r in self.replies]))
        sections.append(Section(heading="依据", paragraphs=[str(c) for c in self.citations] or ["（无）"]))
        if self.warnings:
            sections.append(Section(heading="检查未通过", paragraphs=self.warnings))
        return Document(title=f"{self.title()}（{self.shop_name}）", sections=sections)


Input = ApologyInput
Output = ApologyOutput


def _choice(value: str, allowed: dict[str, str] | list[str], what: str, option: str) -> str:
    value = value.strip()
    if value not in allowed:
        raise UserError(f"未知{what}“{value}”，{option} 可用：{'、'.join(allowed)}")
    return value


def _replies(text: str) -> list[PhoneReply]:
    pairs = re.findall(r"^顾客：“?(.+?)”?\n客服：(.+)$", text, re.M)
    return [PhoneReply(customer=c.strip(), answer=a.strip()) for c, a in pairs]


def _with_replies(text: str, replies: list[PhoneReply]) -> str:
    if not replies:
        return text
    lines = "\n".join(f"顾客：“{r.customer}”\n客服：{r.answer}" for r in replies)
    return f"{text}\n\n{REPLIES_HEADING}\n{lines}"


def validate(inp: ApologyInput) -> tuple[Scenario, str, str, str]:
    """(scenario, channel, tone, order facts) of the input; one Chinese line (`UserError`) for a value not allowed."""
    scenarios = {s.name: s for s in book().scenarios}
    scenario = scenarios[_choice(inp.scenario, list(scenarios), "场景", "--scenario")]
    channel = _choice(inp.channel, book().channels, "渠道", "--channel")
    tone = _choice(inp.tone, book().tones, "语气", "--tone")
    order = normalize(inp.order_facts or "").strip("。；; ")
    if len(order) > MAX_ORDER_CHARS:
        raise UserError(f"--order-facts 太长（{len(order)}字），请控制在{MAX_ORDER_CHARS}字以内，只写订单号和关键情况")
    return scenario, channel, tone, order


def run(inp: ApologyInput, ctx: Context) -> ApologyOutput:
    scenario, channel, tone, order = validate(inp)
    shop = ctx.shop(inp.shop)
    ch = book().channels[channel]
    limits = book().sms

    def compose(part: str, level: int = 0) -> str:
        def choose(options: list[str], salt: str) -> str:
            return pick(options, shop.info.id, scenario.key, channel, tone, order, salt)

        text = render(f"offline/{PROMPT}.j2", s=scenario.key, ch=ch, tone=book().tones[tone], part=part, level=level,
                      shop=shop.info, f=shop.facts, kind=shop_kind(shop), order=order, pick=choose)
        if ch == "sms" and part == "message":
            return text.replace("\n", "")
        return re.sub(r"\n{2,}", "\n", text) if part == "message" else text

    def offline() -> ApologyDraft:
        if ch == "sms":  # the fullest message that fits the segments
            texts = [compose("message", level) for level in range(SMS_LEVELS)]
            fitting = [t for t in texts if sms_segments(t) <= limits.max_segments]
            return ApologyDraft(text=(fitting or texts[-1:])[0])
        replies = _replies(compose("replies")) if ch == "phone" else []
        return ApologyDraft(text=compose("message"), replies=replies)

    variables = {} if ctx.engine.kind == "offline" else {
        "shop": shop, "scenario": scenario.name, "channel": channel, "tone": tone, "order_facts": order,
        "sms": limits if ch == "sms" else None, "phone": ch == "phone",
        "passages": ctx.retriever.search(f"{scenario.name} {' '.join(scenario.cite)}", shop=shop.info.id,
                                         types=SHOP_DOC_TYPES, k=4, customer=True)}
    gen = generate(PROMPT, variables, ApologyDraft, offline, ctx.engine)
    draft, warnings, engine = gen.output, list(gen.warnings), gen.engine
    text = draft.text.strip()
    if ch == "sms" and sms_segments(text) > limits.max_segments and gen.engine != "offline":
        warnings.append(f"大模型写的短信有{len(text)}字，超过{limits.max_segments}条短信的上限，已改用离线引擎的版本")
        draft, engine = offline(), "offline"
        text = draft.text.strip()
    if ch == "sms" and sms_segments(text) > limits.max_segments:
        warnings.append(f"短信有{len(text)}字，要分{sms_segments(text)}条发送，超过{limits.max_segments}条的上限；"
                        f"请精简 --order-facts")
    replies = draft.replies if ch == "phone" else []
    # The policy check reads what the rep says: not the teacher's order notes, not the customer's lines.
    said = "\n".join([text.replace(order, "…") if order else text, *(r.answer for r in replies)])
    warnings += guard_warnings(said, shop)
    warnings += [h.message() for h in scan("\n".join([order, *(r.customer for r in replies)]))]
    return ApologyOutput(
        shop=shop.info.id, shop_name=shop.info.name, text=_with_replies(text, replies),
        citations=unique([cite_policy(shop, c) for c in scenario.cite]), engine=engine, warnings=warnings,
        usage=spent([gen.usage]),
        scenario=scenario.name, channel=channel, tone=tone, order_facts=order or None, chars=len(text),
        sms_segments=sms_segments(text) if ch == "sms" else None, replies=replies)

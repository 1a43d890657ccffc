"""What the three after-sale tasks share (revisit, remind, review_reply): a checked option value, the offline template
with its deterministic pick, the variables of an LLM prompt, the checks every message to a customer takes, SMS
segments, a product's selling points, and the document every result exports as."""

import math
import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.guard.lexicon import scan
from aigc_cs.guard.offers import invented_offers
from aigc_cs.guard.private import private_data
from aigc_cs.kb.models import SHOP_DOC_TYPES, Product, Shop
from aigc_cs.llm.templates import render
from aigc_cs.tasks.base import TaskResult, guard_warnings
from aigc_cs.tasks.context import Context
from aigc_cs.text import normalize, pick


def choice(value: str, allowed: Iterable[str], what: str, option: str) -> str:
    """`value` when it is one of `allowed`; otherwise one Chinese line naming the option and the values it takes."""
    allowed = list(allowed)
    value = value.strip()
    if value not in allowed:
        raise UserError(f"未知{what}“{value}”，{option} 可用：{'、'.join(allowed)}")
    return value


def offline_text(prompt: str, keys: Iterable[str], **variables: object) -> str:
    """The task's offline template (prompts/offline/<prompt>.j2). Its `pick(options, salt)` chooses by `keys`, so the
    same input always reads the same and different inputs read differently."""
    keys = tuple(keys)
    return render(f"offline/{prompt}.j2", pick=lambda options, salt: pick(options, *keys, salt), **variables)


def one_paragraph(text: str) -> str:
    """Template lines joined into one paragraph."""
    return re.sub(r"\s*\n\s*", "", text).strip()


def prompt_variables(ctx: Context, shop: Shop, query: str, **extra: object) -> dict:
    """What an LLM prompt is rendered with: the shop, the shop passages `query` finds, and `extra`; nothing offline."""
    if ctx.engine.kind == "offline":
        return {}
    passages = ctx.retriever.search(query, shop=shop.info.id, types=SHOP_DOC_TYPES, k=4, customer=True)
    return {"shop": shop, "passages": passages, **extra}


def message_warnings(text: str, shop: Shop, lexicon: tuple[str, ...] = ()) -> list[str]:
    """Everything wrong with a message to a customer, one line each: policy contradictions, banned, extreme and slang
    words (and the task's own `lexicon` kinds, such as pressure), offers the facts do not back, and private data."""
    return (guard_warnings(text, shop) + [h.message() for h in scan(text, lexicon)]
            + [o.message for o in invented_offers(text, shop)] + [p.message() for p in private_data(text)])


def phrase_warnings(text: str, phrases: list[str], label: str, why: str) -> list[str]:
    """One line per phrase of a task's book found in `text`, such as 制造紧迫感“只剩”：…"""
    text = normalize(text)
    return [f"{label}“{phrase}”：{why}" for phrase in phrases if phrase in text]


class SmsLimits(BaseModel):
    segment_chars: int  # one SMS of Chinese text (UCS-2)
    long_segment_chars: int  # each part of a long, concatenated SMS
    max_segments: int

    def segments(self, text: str) -> int:
        """How many SMS `text` takes: one up to `segment_chars` characters, else parts of `long_segment_chars`."""
        n = len(text)
        return 1 if n <= self.segment_chars else math.ceil(n / self.long_segment_chars)

    def fits(self, text: str) -> bool:
        return self.segments(text) <= self.max_segments


def selling_points(product: Product | None) -> list[str]:
    """The lines of a product's selling points, without their full stops."""
    if product is None or "selling" not in product.sections:
        return []
    return [line.strip().rstrip("。") for line in product.sections["selling"].text.split("\n") if line.strip()]


def short_name(product: Product) -> str:
    """What a customer calls the product: its shortest name of three characters or more (碎花裙, 针织开衫)."""
    names = [n for n in product.names() if len(n) >= 3] or product.names()
    return min(names, key=len)


class AftercareOutput(TaskResult):
    shop_name: str
    notes: list[str] = Field(default_factory=list, description="what the user should know: rows skipped, a fallback")

    def document_with(self, about: list[str], sections: list[Section]) -> Document:
        """The result's document: 说明 (about, the engine, the notes), the task's sections, 依据 and any failed check."""
        parts = [Section(heading="说明", paragraphs=[f"店铺：{self.shop_name}（{self.shop}）", *about,
                                                    f"生成引擎：{self.engine}", *self.notes]), *sections,
                 Section(heading="依据", paragraphs=[str(c) for c in self.citations] or ["（无）"])]
        if self.warnings:
            parts.append(Section(heading="检查未通过", paragraphs=self.warnings))
        return Document(title=f"{self.title()}（{self.shop_name}）", sections=parts)

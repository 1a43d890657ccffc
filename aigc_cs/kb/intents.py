"""Intent detection for customer messages; the intents themselves are data in corpus/phrasebook/intents.yaml."""

import re
from functools import cache

import yaml
from pydantic import BaseModel

from aigc_cs.kb.models import Product, Shop
from aigc_cs.paths import corpus_dir
from aigc_cs.text import normalize

INTENTS_FILE = "phrasebook/intents.yaml"
MAX_INTENTS = 3


class Intent(BaseModel):
    id: str
    topic: str
    triggers: list[str]
    facts: list[str] = []
    cite: list[str] = []
    product: str | None = None
    empathy: bool = False


class Match(BaseModel):
    intent: Intent
    score: int
    first: int  # where in the message the first trigger sits, to answer in the customer's order


@cache
def intents() -> list[Intent]:
    data = yaml.safe_load((corpus_dir() / INTENTS_FILE).read_text(encoding="utf-8"))
    return [Intent.model_validate(item) for item in data["intents"]]


def _occurrences(trigger: str, text: str) -> list[tuple[int, int]]:
    """Where a trigger occurs; a Latin-letter trigger only as a whole word ("hi" is not in "this")."""
    word = re.escape(trigger.lower())
    pattern = rf"(?<![a-z]){word}(?![a-z])" if trigger.isascii() else word
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def detect(message: str) -> list[Intent]:
    """The intents of a message, in the customer's order (at most three, the strongest); a greeting counts only
    on its own. Where triggers of two intents overlap, the longer one wins ("多久到账" is a refund question)."""
    text = normalize(message).lower()
    found = sorted(((end - start, start, end, intent.id) for intent in intents() for t in intent.triggers
                    for start, end in _occurrences(t, text)), reverse=True)
    taken: list[tuple[int, int]] = []
    hits: dict[str, list[tuple[int, int]]] = {}
    for _, start, end, intent_id in found:
        if any(start < e and end > s for s, e in taken):
            continue
        taken.append((start, end))
        hits.setdefault(intent_id, []).append((start, end))
    matches = [Match(intent=intent, score=sum(e - s for s, e in hits[intent.id]), first=min(s for s, _ in hits[intent.id]))
               for intent in intents() if intent.id in hits]
    if any(m.intent.id != "greeting" for m in matches):
        matches = [m for m in matches if m.intent.id != "greeting"]
    strongest = sorted(matches, key=lambda m: -m.score)[:MAX_INTENTS]
    return [m.intent for m in sorted(strongest, key=lambda m: m.first)]


def find_product(message: str, shop: Shop) -> Product | None:
    """The product the customer names, by its name or an alias; the longest name wins."""
    text = normalize(message).lower()
    named = [(len(n), p) for p in shop.products for n in p.names() if n.lower() in text]
    return max(named, key=lambda item: item[0])[1] if named else None


SECTION_WORDS = {"material": "材质 成分 面料", "size": "规格 尺码", "suitable": "适合人群", "selling": "卖点 特点",
                 "care": "使用 保养", "related": "关联推荐 搭配"}


def expand(query: str, customer: bool) -> str:
    """The query plus the written words the documents use: synonyms of colloquial words, and for a
    customer's message, the topic and policy headings of its intents."""
    from aigc_cs.guard.lexicon import synonyms

    text = normalize(query)
    extra = [written for spoken, written in synonyms().items() if spoken in text]
    for intent in detect(query) if customer else []:
        if intent.id == "greeting":
            continue
        extra.extend([intent.topic, *intent.cite])
        if intent.product:
            extra.append(SECTION_WORDS[intent.product])
    return " ".join([query, *extra])

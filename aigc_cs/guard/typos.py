"""Homophone typos: a word built from a domain term by swapping in a character of the same sound that students
write by mistake (退欵 → 退款, 包由 → 包邮, 发漂 → 发票, 无里由 → 无理由).

Both halves are data (corpus/phrasebook/lexicon.yaml): the domain terms and the curated confusions. A candidate
is flagged only when the written word is not a common word itself (连接 is a word, 包由 is not) and does not
cut through a common word of the sentence (收后 inside 签收后 is no typo)."""

import re
from functools import cache

from pydantic import BaseModel

from aigc_cs.guard.lexicon import lexicon_data
from aigc_cs.text import cuts_a_word, normalize, word_frequency, word_spans


class Typo(BaseModel):
    quote: str
    suggestion: str
    start: int
    end: int

    def message(self) -> str:
        return f"错别字“{self.quote}”应为“{self.suggestion}”"


def _common() -> int:
    return int(lexicon_data().get("typo_common_frequency", 1))


@cache
def confusions() -> dict[str, str]:
    """Misspelling → domain term, for every one-character swap of the curated list."""
    data = lexicon_data()
    swaps: dict[str, list[str]] = data.get("typo_confusions") or {}
    common = _common()
    pairs: dict[str, str] = {}
    for term in data.get("domain_terms") or []:
        for i, char in enumerate(term):
            for wrong in swaps.get(char, []):
                variant = term[:i] + wrong + term[i + 1:]
                if word_frequency(variant) < common:
                    pairs.setdefault(variant, term)
    return pairs


@cache
def _pattern() -> re.Pattern[str] | None:
    words = sorted(confusions(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def find_typos(text: str) -> list[Typo]:
    text = normalize(text)
    pattern = _pattern()
    if pattern is None:
        return []
    spans = word_spans(text)
    return [Typo(quote=m.group(0), suggestion=confusions()[m.group(0)], start=m.start(), end=m.end())
            for m in pattern.finditer(text) if not cuts_a_word(text, m.start(), m.end(), spans, _common())]

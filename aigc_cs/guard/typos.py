"""Homophone typos: a window of text that sounds like a domain term (same pinyin), shares a character with it
in the same place, but is written differently — 退欵 → 退款, 包由 → 包邮, 发漂 → 发票, 无里由 → 无理由."""

import re
from functools import cache

from pydantic import BaseModel

from aigc_cs.guard.lexicon import lexicon_data
from aigc_cs.text import normalize


class Typo(BaseModel):
    quote: str
    suggestion: str
    start: int
    end: int

    def message(self) -> str:
        return f"错别字“{self.quote}”应为“{self.suggestion}”"


@cache
def _terms() -> dict[int, dict[tuple[str, ...], list[str]]]:
    """Domain terms grouped by length, then by their pinyin."""
    from pypinyin import lazy_pinyin

    data = lexicon_data()
    grouped: dict[int, dict[tuple[str, ...], list[str]]] = {}
    for term in data.get("domain_terms") or []:
        grouped.setdefault(len(term), {}).setdefault(tuple(lazy_pinyin(term)), []).append(term)
    return grouped


def find_typos(text: str) -> list[Typo]:
    from pypinyin import lazy_pinyin

    text = normalize(text)
    sounds = lazy_pinyin(text, errors=lambda chars: ["\0"] * len(chars))
    if len(sounds) != len(text):  # pypinyin keeps one item per character for CJK; bail out on anything odd
        return []
    correct = [(m.start(), m.end()) for terms in _terms().values() for group in terms.values() for term in group
               for m in re.finditer(re.escape(term), text)]
    found: list[Typo] = []
    for size, by_sound in _terms().items():
        for start in range(len(text) - size + 1):
            window = text[start: start + size]
            for term in by_sound.get(tuple(sounds[start: start + size]), []):
                overlaps_a_correct_term = any(start < e and start + size > b for b, e in correct)  # 签收后 is not 售后
                if window != term and any(a == b for a, b in zip(window, term, strict=True)) \
                        and not overlaps_a_correct_term:
                    found.append(Typo(quote=window, suggestion=term, start=start, end=start + size))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[Typo] = []
    for typo in found:  # drop a typo inside a longer one (无里由 covers 里由)
        if not any(k.start <= typo.start and typo.end <= k.end for k in kept):
            kept.append(typo)
    return kept

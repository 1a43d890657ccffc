"""The phrase book's word lists (禁用语, 极限词, 网络流行语) and a scanner that returns their spans."""

import re
from functools import cache
from typing import Literal

import yaml
from pydantic import BaseModel

from aigc_cs.paths import corpus_dir
from aigc_cs.text import normalize

TermKind = Literal["banned", "extreme", "slang"]
KIND_NAMES: dict[str, str] = {"banned": "禁用语", "extreme": "极限词", "slang": "网络流行语"}
LEXICON_FILE = "phrasebook/lexicon.yaml"


class Term(BaseModel):
    term: str
    pattern: str | None = None
    why: str
    instead: str

    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern or re.escape(self.term), re.MULTILINE)


class Hit(BaseModel):
    kind: TermKind
    term: str
    quote: str
    start: int
    end: int
    why: str
    instead: str

    def message(self) -> str:
        return f"{KIND_NAMES[self.kind]}“{self.quote}”：{self.why}；可以改成：{self.instead}"


@cache
def lexicon_data() -> dict:
    """corpus/phrasebook/lexicon.yaml, read once: word lists, synonyms and domain terms."""
    return yaml.safe_load((corpus_dir() / LEXICON_FILE).read_text(encoding="utf-8")) or {}


@cache
def lexicon() -> dict[str, list[Term]]:
    data = lexicon_data()
    return {kind: [Term.model_validate(item) for item in data.get(kind, [])] for kind in KIND_NAMES}


def scan(text: str, kinds: tuple[str, ...] = ("banned", "extreme", "slang")) -> list[Hit]:
    """Every lexicon hit in `text` (normalised), ordered by position."""
    text = normalize(text)
    hits = []
    for kind in kinds:
        for term in lexicon()[kind]:
            for match in term.regex().finditer(text):
                quote = match.group(0).strip("。！？.~～\n ")
                if quote:
                    hits.append(Hit(kind=kind, term=term.term, quote=quote, start=match.start(), end=match.end(),
                                    why=term.why, instead=term.instead))
    return sorted(hits, key=lambda h: h.start)


@cache
def synonyms() -> dict[str, str]:
    data = lexicon_data()
    return {str(k): str(v) for k, v in (data.get("synonyms") or {}).items()}

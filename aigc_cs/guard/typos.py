"""Homophone typos: a written word that is no word at all but sounds like a domain word with one character swapped
(退宽 → 退款, 物留 → 物流, 包由 → 包邮).

Domain words are the words of the course and the shop documents that are typical of them (used there far more
often than in general Chinese, by jieba's dictionary) and the curated customer-service terms in
corpus/phrasebook/lexicon.yaml. A window of 2–4 characters of the text is flagged when

- it differs from a domain word in one character that sounds the same in tone-less pinyin with near sounds folded
  together (z/zh, n/l, an/ang …), or that is a curated confusion (券 written 卷);
- it is no common word itself nor a domain word (a real word is never a typo: 连接 beside 链接), and it does not cut
  through a dictionary word of the sentence (收后 inside 签收后);
- the swapped character is not a function character (的, 是, 有 …) and, when it stands alone as a word, not a common
  one (先在 is no misspelt 现在);
- the rest of the window is not a whole word on its own, so the swapped character is not just the next word
  (运费先由您垫付 is 运费 + 先由, not a misspelt 运费险)."""

import math
import re
from collections import Counter
from functools import cache

from pydantic import BaseModel

from aigc_cs.guard.lexicon import lexicon_data
from aigc_cs.guard.sound import main_sound, word_sounds
from aigc_cs.paths import corpus_dir
from aigc_cs.text import cuts_a_word, dictionary_size, normalize, word_frequency, word_spans

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


class Typo(BaseModel):
    quote: str
    suggestion: str
    start: int
    end: int

    def message(self) -> str:
        return f"错别字“{self.quote}”应为“{self.suggestion}”"


class TypoSettings(BaseModel):
    common_frequency: int = 10  # a word jieba saw this often is a real word, never a typo
    min_length: int = 2
    max_length: int = 4
    sources: list[str] = []  # globs under corpus/ whose typical words are domain words
    min_count: int = 3  # ... used at least this often there
    min_keyness: float = 3.5  # ... and log(share there / share in jieba's dictionary) at least this
    function_char_frequency: int = 80000  # a character this common (的, 是, 有) is never the misspelt one
    lone_char_frequency: int = 30000  # nor one this common that stands alone as a word (先 in 先在)


@cache
def settings() -> TypoSettings:
    return TypoSettings.model_validate(lexicon_data().get("typo_check") or {})


@cache
def vocabulary() -> frozenset[str]:
    """The domain words: typical words of the course and shop documents, and the curated terms."""
    conf = settings()
    counts: Counter[str] = Counter()
    for pattern in conf.sources:
        for path in sorted(corpus_dir().glob(pattern)):
            text = normalize(path.read_text(encoding="utf-8"))
            counts.update(w for b, e in word_spans(text) if _CJK_RUN.fullmatch(w := text[b:e]))
    total, general = sum(counts.values()), dictionary_size()

    def typical(word: str, count: int) -> bool:
        frequency = word_frequency(word)
        return (frequency > 0 and count >= conf.min_count and conf.min_length <= len(word) <= conf.max_length
                and math.log((count / total) / ((frequency + 1) / general)) >= conf.min_keyness)

    curated = lexicon_data().get("domain_terms") or []
    return frozenset([w for w, n in counts.items() if typical(w, n)] + curated)


@cache
def _index() -> dict[tuple[int, int, str], list[tuple[str, str]]]:
    """(length, position, the word with that position blanked) → [(domain word, its folded syllable there)]."""
    index: dict[tuple[int, int, str], list[tuple[str, str]]] = {}
    for word in sorted(vocabulary()):
        sounds = word_sounds(word)
        if len(sounds) == len(word):
            for i, sound in enumerate(sounds):
                index.setdefault((len(word), i, word[:i] + "_" + word[i + 1:]), []).append((word, sound))
    return index


@cache
def _confusions() -> dict[str, frozenset[str]]:
    """Right character → characters written for it by mistake that pinyin does not explain (券 → 卷)."""
    return {right: frozenset(wrong) for right, wrong in (lexicon_data().get("typo_confusions") or {}).items()}


def _meant(window: str) -> tuple[str, int] | None:
    """The domain word `window` misspells by one sound-alike character, and that character's position."""
    for i, char in enumerate(window):
        for word, sound in _index().get((len(window), i, window[:i] + "_" + window[i + 1:]), []):
            if main_sound(char) == sound or char in _confusions().get(word[i], ()):
                return word, i
    return None


def _plausible(text: str, start: int, end: int, swapped: int, tokens: list[tuple[int, int]]) -> bool:
    """Whether the swapped character at `swapped` can be a typo here (see the module's rules)."""
    conf = settings()
    char = text[swapped]
    frequency = word_frequency(char)
    if frequency >= conf.function_char_frequency:
        return False
    if (swapped, swapped + 1) in tokens and frequency >= conf.lone_char_frequency:
        return False
    rest = (start, end - 1) if swapped == end - 1 else (start + 1, end) if swapped == start else None
    return not (rest and rest[1] - rest[0] > 1 and rest in tokens)


def find_typos(text: str) -> list[Typo]:
    text = normalize(text)
    conf = settings()
    tokens = word_spans(text)
    words = word_spans(text, search=True)
    found: list[Typo] = []
    for run in _CJK_RUN.finditer(text):
        for start in range(run.start(), run.end()):
            for end in range(min(start + conf.max_length, run.end()), start + conf.min_length - 1, -1):
                window = text[start:end]
                if (any(t.start < end and start < t.end for t in found) or window in vocabulary()
                        or word_frequency(window) >= conf.common_frequency):
                    continue
                meant = _meant(window)
                if (meant and _plausible(text, start, end, start + meant[1], tokens)
                        and not cuts_a_word(text, start, end, words)):
                    found.append(Typo(quote=window, suggestion=meant[0], start=start, end=end))
    return sorted(found, key=lambda t: t.start)

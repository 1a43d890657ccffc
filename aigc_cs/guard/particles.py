"""Curated slips the sound-alike check leaves alone. Between the commonest characters, which are words of their own
everywhere: 在 for 再 ("有需要在找我", "在次感谢"), 再 for 在 ("现再", "再线"), 的 for 得 ("记的", "考虑的怎么样"); each is
a curated context (corpus/phrasebook/lexicon.yaml, `particle_slips`) in which only one of the pair is right; the course
names 在/再 as the slip to check before sending. The same contexts hold the classic real-word confusions, a word written
where only its sound-alike fits (多多包含 → 包涵, 发顺风 → 顺丰, 清晰一次 → 清洗). And the well-known misspellings (`misspellings`: 以经, 按装, 资询),
whose slipped character is too common (以) or which jieba reads as words of its own: each counts unless it cuts
through words of the sentence on both sides (所以经过 holds 以经 but says 所以 经过)."""

import re
from functools import cache

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.guard.lexicon import compiled, lexicon_data, read_through
from aigc_cs.paths import corpus_dir
from aigc_cs.text import normalize, word_frequency

TAIL_FREQUENCY = 100  # 数值的, 登记的: the written character ends a common word, so the pair is no slip


class Slip(BaseModel):
    wrong: str  # the character written
    right: str  # the one meant
    pattern: str  # where the written character is a slip: a regex whose groups (one per alternative) hold the quote


@cache
def _slips() -> list[tuple[Slip, re.Pattern[str]]]:
    data = lexicon_data().get("particle_slips") or {}
    try:
        slips = [Slip.model_validate(item) for item in data.get("contexts") or []]
        compiled = [(s, re.compile(s.pattern)) for s in slips]
        if any(not pattern.groups for _, pattern in compiled):
            raise ValueError("a context without a group")
        return compiled
    except (ValidationError, re.error, AttributeError, ValueError) as exc:
        raise UserError(f"{corpus_dir() / 'phrasebook/lexicon.yaml'}：particle_slips.contexts 每项要有 wrong、right、"
                        f"pattern（正则，匹配到的那一组是带写错的字的引文）（{type(exc).__name__}）") from None


@cache
def _de_words() -> tuple[str, ...]:
    """Words written with 得 that a slip writes with 的 (记得 → 记的)."""
    return tuple((lexicon_data().get("particle_slips") or {}).get("de_words") or [])


class Slipped(BaseModel):
    quote: str  # as written
    suggestion: str  # as meant
    start: int  # offsets in the normalised text
    end: int


@cache
def _misspellings() -> dict[str, str]:
    data = lexicon_data().get("misspellings") or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise UserError(f"{corpus_dir() / 'phrasebook/lexicon.yaml'}：misspellings 应是“写错的词: 正确的词”的对照表")
    return data


def _misspelt(text: str) -> list[Slipped]:
    """The well-known misspellings of `text` that do not cut through common words on both sides (所以经过 holds 以经
    but says 所以 经过; 冲电器 and 请安照 are slips although 电器 and 请安 are words)."""
    from aigc_cs.text import word_spans

    found = [(m.start(), m.end(), right) for wrong, right in _misspellings().items()  # more than `re` caches: compiled once
             for m in compiled(re.escape(wrong)).finditer(text)]
    if not found:
        return []
    spans = word_spans(text)
    return [Slipped(quote=text[a:b], suggestion=right, start=a, end=b) for a, b, right in found
            if not (any(s < a < e for s, e in spans) and any(s < b < e for s, e in spans))
            and not any(s <= a and b <= e and (s, e) != (a, b) for s, e in spans)
            and not _reads_better(text, a, b, right)]


def _reads_better(text: str, start: int, end: int, right: str) -> bool:
    """Professional text (the character model) finds the clause as written far likelier than corrected: the letters
    only look like a misspelling across two words (打磨和木蜡油 is no 磨合, 穿带垫的裤子 no 穿戴)."""
    from aigc_cs.guard import charlm
    from aigc_cs.guard.typos import _CLAUSE, settings

    clause = next((m for m in _CLAUSE.finditer(text) if m.start() <= start and end <= m.end()), None)
    if clause is None:
        return False
    a, b, written = start - clause.start(), end - clause.start(), clause.group()
    return charlm.gain(written, written[:a] + right + written[b:]) < -settings().misspelling_doubt


def particle_slips(text: str) -> list[Slipped]:
    """The slips of `text` (normalised offsets), in the order of the text."""
    text = normalize(text)
    found: dict[int, Slipped] = {s.start: s for s in _misspelt(text)}
    for word in _de_words():
        written = word.replace("得", "的")
        for m in re.finditer(re.escape(written), text):
            at = m.start()
            if at > 0 and word_frequency(text[at - 1: at + 1]) >= TAIL_FREQUENCY:
                continue
            found.setdefault(at, Slipped(quote=written, suggestion=word, start=at, end=m.end()))
    for slip, pattern in _slips():
        for m in pattern.finditer(text):
            group = next((g for g in range(1, pattern.groups + 1) if m.group(g)), None)  # the alternative that matched
            if group is None:
                continue
            quote = m.group(group)
            found.setdefault(m.start(group), Slipped(quote=quote, suggestion=quote.replace(slip.wrong, slip.right, 1),
                                                     start=m.start(group), end=m.end(group)))
    return sorted(found.values(), key=lambda t: t.start)


def corrected(text: str) -> str:
    """`text` (normalised) with its slips put right (包油 → 包邮, 发顺风 → 顺丰): how a customer's message is read."""
    text = read_through(normalize(text))  # 阔以退不 asks 可以退不
    for slip in reversed(particle_slips(text)):
        text = text[:slip.start] + slip.suggestion + text[slip.end:]
    return text

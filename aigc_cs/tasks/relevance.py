"""Which sentences of a text answer a question: shared characters and character pairs, with the words a product file
uses for the customer's words (doubts.yaml)."""

import re

from aigc_cs.tasks.doubts import synonyms

MIN_HIT = 2  # a sentence answers a question when it shares a character pair with it (or two characters)
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
_STOP = set("的了吗呢啊吧是我你么什怎能会要就都还也和在有不个这那一下给说多嘛呀哦啥款件条子买穿用想好很可以得着到天")


def sentences(text: str) -> list[str]:
    out = [s.strip() for s in _SENTENCE.findall(re.sub(r"^【[^】]*】\s*", "", text))]
    return [s if s.endswith(("。", "！", "？")) else s + "。" for s in out if len(s) > 1]


def _grams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {c for c in chars if c not in _STOP} | {chars[i: i + 2] for i in range(len(chars) - 1)}


def overlap(question: str, sentence: str) -> int:
    """How much a sentence shares with a question: 2 a shared character pair, 1 a shared character; the question
    counts with the words that mean the same in a product file (doubts.yaml, `words`)."""
    extra = [w for word, same in synonyms().items() if word in question for w in same]
    asked, said = _grams(" ".join([question, *extra])), _grams(sentence)
    return sum(2 if len(g) == 2 else 1 for g in asked & said)


def relevant(text: str, question: str, n: int = 2, exclude: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Up to `n` sentences of `text` that share words with the question, best first kept in their own order, leaving
    out those in `exclude`; the first sentences when none shares anything. Empty when the only sentences that
    share words with the question are excluded (they have been said already)."""
    every = sentences(text)
    hits = [s for s in every if overlap(question, s) >= MIN_HIT]
    pool = [s for s in (hits or every) if s not in exclude]
    best = sorted(pool, key=lambda s: -overlap(question, s))[:n]
    return [s for s in pool if s in best]

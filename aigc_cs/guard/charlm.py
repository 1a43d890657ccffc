"""A character language model of professional customer-service text, so that the typo check reads a swap in its
context: 鲜花订单 and 派送中 are what agents write, 鲜化订单 and 排送中 are not, whatever the word list says.

Interpolated Kneser–Ney over characters (order 4, pure Python), trained on the clauses of the documents the typo check
already reads (`typo_check.sources`) and of the professional (`ok`) lines of corpus/phrasebook/tone-examples.tsv —
never its `banned` or `fault` lines, which hold planted errors. Built at first use (about two seconds) and kept in
``<cache>/typos/charlm-<digest>.marshal`` (about half a second to load), keyed by everything it is trained on.
"""

import contextlib
import hashlib
import marshal
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

ORDER = 4
FORMAT = "charlm-1"  # bump when the counts or their file change
_START, _END = "\x02", "\x03"


class CharLM:
    """Counts per order (the top order raw, lower orders continuation counts), their discounts, and per history its
    total count and number of distinct next characters."""

    def __init__(self, counts: dict[int, dict[str, int]], discounts: dict[int, float],
                 histories: dict[int, dict[str, tuple[int, int]]], vocabulary: int) -> None:
        self.counts, self.discounts, self.histories, self.vocabulary = counts, discounts, histories, vocabulary

    @classmethod
    def train(cls, clauses: Iterable[str]) -> "CharLM":
        raw: Counter[str] = Counter()
        for clause in clauses:
            padded = _START * (ORDER - 1) + clause + _END
            raw.update(padded[i: i + ORDER] for i in range(len(padded) - ORDER + 1))
        counts: dict[int, dict[str, int]] = {ORDER: raw}
        for k in range(ORDER - 1, 0, -1):  # how many distinct characters precede each shorter n-gram
            counts[k] = Counter(gram[1:] for gram in counts[k + 1])
        discounts, histories = {}, {}
        for k in range(1, ORDER + 1):
            often = Counter(counts[k].values())
            discounts[k] = often[1] / (often[1] + 2 * often[2]) if often[1] + often[2] else 0.75
        counts[ORDER] = {g: n for g, n in raw.items() if n > 1}  # a 4-gram seen once says little and costs memory
        for k in range(1, ORDER + 1):
            total: dict[str, int] = defaultdict(int)
            kinds: dict[str, int] = defaultdict(int)
            for gram, n in counts[k].items():
                total[gram[:-1]] += n
                kinds[gram[:-1]] += 1
            histories[k] = {h: (total[h], kinds[h]) for h in total}
        return cls({k: dict(v) for k, v in counts.items()}, discounts, histories, len(counts[1]) + 1)

    def _prob(self, history: str, char: str) -> float:
        p = 1.0 / self.vocabulary
        for k in range(1, ORDER + 1):
            context = history[len(history) - k + 1:] if k > 1 else ""
            seen = self.histories[k].get(context)
            if seen:
                total, kinds = seen
                d = self.discounts[k]
                p = (max(self.counts[k].get(context + char, 0) - d, 0) + d * kinds * p) / total
        return p

    @lru_cache(maxsize=1 << 16)  # noqa: B019 -- one model per process, kept for its life
    def logprob(self, clause: str) -> float:
        padded = _START * (ORDER - 1) + clause + _END
        return sum(math.log(self._prob(padded[i - ORDER + 1: i], padded[i])) for i in range(ORDER - 1, len(padded)))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(marshal.dumps((self.counts, self.discounts, self.histories, self.vocabulary)))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "CharLM":
        return cls(*marshal.loads(path.read_bytes()))


def _texts() -> list[str]:
    """The documents of the typo check and the professional lines of the tone examples."""
    from aigc_cs.guard.tone import EXAMPLES_FILE, examples
    from aigc_cs.guard.typos import settings
    from aigc_cs.paths import corpus_dir

    texts = [path.read_text(encoding="utf-8") for pattern in settings().sources
             for path in sorted(corpus_dir().glob(pattern))]
    tone = corpus_dir() / EXAMPLES_FILE
    if tone.exists():
        lines, labels, _ = examples(tone)
        texts += [line for line, label in zip(lines, labels, strict=True) if label == "ok"]
    return texts


@cache
def model() -> CharLM:
    """The model for today's texts, from the cache or trained now."""
    from aigc_cs.config import Settings
    from aigc_cs.guard.typos import _CLAUSE  # the clauses the typo check scores
    from aigc_cs.text import normalize

    texts = _texts()
    digest = hashlib.sha1("\x1f".join([FORMAT, Path(__file__).read_text(encoding="utf-8"), *texts]).encode())
    path = Settings().cache / "typos" / f"charlm-{digest.hexdigest()[:16]}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        return CharLM.load(path)
    trained = CharLM.train(m.group() for text in texts for m in _CLAUSE.finditer(normalize(text)))
    with contextlib.suppress(OSError):  # a read-only cache still works, only slower
        trained.save(path)
    return trained


def gain(written: str, corrected: str) -> float:
    """How much likelier (natural log) professional text makes the corrected clause than the written one."""
    lm = model()
    return lm.logprob(corrected) - lm.logprob(written)

"""Chinese text helpers: normalisation, numerals, tokens and stable variety."""

import hashlib
import os
import re
import unicodedata
from functools import cache, lru_cache

_SPACE = re.compile(r"[ \t\u3000\xa0]+")
CN_DIGITS = "零〇一二两三四五六七八九十百千万"
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
ASIDE = re.compile(r"（[^）]*）|\([^)]*\)")  # what a sentence says in brackets, beside what it is about
# (边角碎是正常的 of 碎成渣（边角碎是正常的）: no whole line is normal)


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters and phrases to simplified (OpenCC, dictionaries bundled); nothing else changes."""
    return _t2s().convert(text)


# Code points that show nothing but can split a word so that a check no longer sees it ("30天\u00ad无理由"):
# every format character (category Cf: soft hyphen, zero-width space/joiner, word joiner, bidi controls, U+180E,
# tags), the other default-ignorable code points (CGJ, Hangul fillers, variation selectors, unassigned tags) and
# the control characters except tab and newline (NUL, DEL, C1).
_IGNORABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f"
    "\ufeff\uffa0\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def visible(text: str) -> str:
    """`text` without the invisible code points of `_IGNORABLE`; everything else is unchanged."""
    return _IGNORABLE.sub("", text)


@lru_cache(maxsize=4096)  # the same answer, phrase or passage is normalised by many checks
def normalize(text: str) -> str:
    """Invisible code points removed, full-width to half-width (NFKC), traditional to simplified, collapse spaces,
    Chinese punctuation. Every check reads text through this."""
    text = simplified(unicodedata.normalize("NFKC", visible(text)))
    text = text.replace(",", "，").replace("?", "？").replace("!", "！").replace(";", "；").replace(":", "：")
    return _SPACE.sub(" ", text).strip()


def to_number(token: str) -> float | None:
    """'七' -> 7, '四十八' -> 48, '99' -> 99, '1.5' -> 1.5; None when it is not a number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    known = _numerals()
    return known[token] if token in known else _cn2an(token)


def _cn2an(token: str) -> float | None:
    import cn2an

    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


NUMERALS_FORMAT = "cn2an-smart-1"
NUMERALS_LENGTH = 3  # 七, 四十八, 九十九: the numerals a policy or an answer says


@cache
def _numerals() -> dict[str, float | None]:
    """cn2an's reading of every string of up to NUMERALS_LENGTH Chinese digits, worked out once per machine and kept
    in ``<cache>/numerals`` (importing cn2an takes a quarter of a second of every call that reads one); a longer
    numeral, or one cn2an fails on otherwise, is read by cn2an itself. A cache that cannot be read or written only
    means working them out again."""
    import contextlib
    import importlib.util
    import json
    from itertools import product

    from aigc_cs.config import Settings
    from aigc_cs.errors import UserError
    from aigc_cs.files import write_text_atomic

    spec = importlib.util.find_spec("cn2an")
    stat = os.stat(spec.origin) if spec and spec.origin else None
    key = f"{NUMERALS_FORMAT}|{spec and spec.origin}|{stat and stat.st_size}|{stat and stat.st_mtime_ns}"
    path = Settings().cache / "numerals" / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(path.read_text(encoding="utf-8"))
    table = {}
    for size in range(1, NUMERALS_LENGTH + 1):
        for token in map("".join, product(CN_DIGITS, repeat=size)):
            with contextlib.suppress(Exception):  # what cn2an raises besides is raised again when the token is read
                table[token] = _cn2an(token)
    with contextlib.suppress(UserError):
        write_text_atomic(path, json.dumps(table, ensure_ascii=False))
    return table


def pick(options: list[str] | tuple[str, ...], *keys: str) -> str:
    """Choose one option deterministically from the keys, so that the same input reads the same."""
    if not options:
        return ""
    digest = hashlib.sha1("\x1f".join(keys).encode("utf-8")).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def once(text: str, said: str = "") -> str:
    """`text` without the sentences it or `said` has already said (a file that writes 刷头是耗材，不保修 under two
    headings, a size line that the section it comes from says again): a reply says a sentence once."""
    known = {s.strip() for s in _SENTENCE_END.split(said) if s.strip()}
    kept = []
    for sentence in _SENTENCE_END.split(text):
        if sentence.strip() and sentence.strip() in known:
            continue
        known.add(sentence.strip())
        kept.append(sentence)
    return "".join(kept)


_DROP = re.compile(r"^[\W_]+$")
_CJK = re.compile(r"[^\u4e00-\u9fff]+")
STOPWORDS = frozenset(["的", "了", "吗", "呢", "啊", "吧", "是", "我", "你", "么", "什么", "怎么", "能", "会", "要", "就", "都", "还", "也", "和", "在", "有", "不", "个", "这", "那", "一", "下", "给", "说", "多", "嘛", "呀", "哦"])
TOKENIZER_VERSION = "jieba-search+stop+bigram-1"
COURSE_WORDS = ("无理由", "运费险", "包邮", "吊牌", "发票", "退款", "退货", "换货", "工作日", "极限词", "禁用语")


@cache
def _jieba():
    """The jieba tokenizer with the course's words, its dictionary read from a per-character cache."""
    import logging

    from aigc_cs.config import Settings
    from aigc_cs.jieba_cache import BucketTokenizer, cache_file, jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = BucketTokenizer(cache_file(Settings().cache / "jieba"))
    for word in COURSE_WORDS:
        tokenizer.add_word(word)
    return tokenizer


def tokens(text: str) -> list[str]:
    """jieba search-mode tokens, lower-cased, punctuation dropped; single CJK characters kept."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)  # grading cuts each clause of every answer: a class writes the same clauses again and again
def _tokens(text: str) -> tuple[str, ...]:
    words = _jieba().lcut_for_search(normalize(text).lower())
    return tuple(w for w in words if w.strip() and not _DROP.match(w))


def search_tokens(text: str) -> list[str]:
    """BM25 terms: jieba words without stop words, plus CJK character bigrams for words jieba splits differently."""
    text = normalize(text).lower()
    words = [w for w in tokens(text) if w not in STOPWORDS]
    bigrams = [run[i: i + 2] for run in _CJK.split(text) for i in range(len(run) - 1)]
    return words + bigrams


def word_spans(text: str, search: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each jieba word of `text`, in order; offsets refer to `text` as given. Accurate mode, or
    with `search` also the dictionary words inside long words (处理结果 → 处理, 结果, 处理结果). jieba cuts each
    block of text (a run of word characters, or a stretch between two) on its own, so a block is cut once."""
    from aigc_cs.jieba_cache import BLOCKS

    spans, at = [], 0
    for block in BLOCKS.split(text):
        spans += [(at + start, at + end) for start, end in _block_spans(block, search)]
        at += len(block)
    return spans


@lru_cache(maxsize=65536)  # a class writes the same clauses again and again
def _block_spans(block: str, search: bool) -> tuple[tuple[int, int], ...]:
    return tuple((start, end) for _, start, end in _jieba().tokenize(block, mode="search" if search else "default"))


@lru_cache(maxsize=1 << 16)  # the typo check asks for the same windows of text again and again
def word_frequency(word: str) -> int:
    """How often jieba's dictionary saw `word` (0 for a word it does not know): how common a word is. The dictionary
    is fixed once the course's words are added, so an answer may be kept."""
    return _jieba().get_FREQ(word) or 0


def dictionary_size() -> int:
    """The sum of all word frequencies in jieba's dictionary, to turn a frequency into a share."""
    tokenizer = _jieba()
    tokenizer.check_initialized()
    return tokenizer.total


def cuts_a_word(text: str, start: int, end: int, spans: list[tuple[int, int]] | None = None,
                min_frequency: int = 1) -> bool:
    """True when text[start:end] begins or ends inside a dictionary word of `text` (服了 inside 客服了解) seen at
    least `min_frequency` times, unless one character of it is left over beside a shorter dictionary word that begins or
    ends there (因为 inside 是因为; not 一下下 inside 下下个月)."""
    words = [(b, e) for b, e in (spans if spans is not None else word_spans(text))
             if e - b > 1 and word_frequency(text[b:e]) >= min_frequency]
    if not any(b < start < e or b < end < e for b, e in words):
        return False
    inner = [(b, e) for b, e in word_spans(text, search=True) if e - b > 1]
    starts, ends = {b for b, _ in inner}, {e for _, e in inner}
    return any((b < start < e and not (start in starts and start - b == 1))
               or (b < end < e and not (end in ends and e - end == 1)) for b, e in words)

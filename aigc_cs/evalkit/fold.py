"""Chinese-aware text folding for eval assertions: full/half width, traditional to simplified, whitespace, case.

`fold` is for substring tests (whitespace removed); `soften` keeps whitespace and line breaks, for regexes.
OpenCC (the `opencc` package, dictionaries bundled, no network) converts traditional characters and phrases.
"""

import re

from aigc_cs.text import normalize

_WHITESPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\W_]+")


def soften(text: str) -> str:
    """NFKC (full width to half width), traditional to simplified, lower case; line breaks kept."""
    lines = [normalize(line) for line in str(text).splitlines()]
    return "\n".join(lines).lower()


def fold(text: str) -> str:
    """`soften`, then every whitespace character removed: "７ 天" and "7天" fold alike, so do "運費" and "运费"."""
    return _WHITESPACE.sub("", soften(text))


def letters(text: str) -> str:
    """`fold` without punctuation: the characters that carry meaning, for overlap and similarity scores."""
    return _PUNCT.sub("", fold(text))


def excerpt(text: str, start: int, end: int, margin: int = 12) -> str:
    """The span text[start:end] in brackets with a little context either side, for a report."""
    before = text[max(0, start - margin): start]
    after = text[end: end + margin]
    return f"{'…' if start > margin else ''}{before}【{text[start:end]}】{after}{'…' if end + margin < len(text) else ''}"

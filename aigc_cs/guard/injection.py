"""Prompt-injection attempts inside a student's answer, and the invisible characters that hide them."""

import re

from pydantic import BaseModel

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_PATTERNS = [
    r"忽略(?:掉)?(?:以上|上面|前面|之前|所有)?的?(?:评分标准|评分规则|规则|指令|要求|提示)",
    r"(?:直接|请|必须|务必)?给(?:我|这个答案|本答案|这份答案)?(?:打)?(?:满分|100分|一百分|最高分|最高档)",
    r"(?:你|您)(?:现在)?(?:是|作为)(?:一名|一个)?(?:评分员|评委|阅卷老师)",
    r"系统提示|system\s*prompt",
    r"ignore\s+(?:all\s+|the\s+|any\s+)?(?:previous\s+|above\s+|prior\s+)?(?:instructions|rubric|rules|criteria)",
    r"(?:give|award)\s+(?:me\s+|this\s+(?:answer\s+)?)?(?:full|maximum|max|100)\s*(?:marks|points|score)",
    r"as\s+the\s+grader|you\s+are\s+(?:now\s+)?the\s+grader",
]
_INJECTION = re.compile("|".join(_PATTERNS), re.IGNORECASE)
_SENTENCE = re.compile(r"[^。！？!?.\n]+[。！？!?.]*\s*")


class Injection(BaseModel):
    quote: str
    start: int
    end: int


def strip_invisible(text: str) -> str:
    """Remove zero-width and bidirectional control characters."""
    return _INVISIBLE.sub("", text)


def find_injections(text: str) -> list[Injection]:
    """Sentences of `text` that try to instruct the grader."""
    text = strip_invisible(text)
    return [Injection(quote=m.group(0).strip(), start=m.start(), end=m.end())
            for m in _SENTENCE.finditer(text) if _INJECTION.search(m.group(0))]


def without_injections(text: str) -> str:
    """The answer with every injection sentence removed: what is graded."""
    text = strip_invisible(text)
    for injection in reversed(find_injections(text)):
        text = text[: injection.start] + text[injection.end:]
    return text.strip()

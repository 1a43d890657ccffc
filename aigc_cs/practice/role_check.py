"""Did a model that plays the customer switch roles? A turn that reads like the agent (亲, 您好这边, 本店支持…, an
offer of help, a statement of the shop's policy) or steps out of the role play (the rubric, the hidden doubts, being
an AI) is caught, with the reason in Chinese. The patterns are data in ``corpus/personas/_role-check.yaml``."""

import re
from functools import cache

from pydantic import BaseModel

from aigc_cs.guard.claims import extract
from aigc_cs.practice.personas import settings
from aigc_cs.text import normalize


class Pattern(BaseModel):
    pattern: str
    why: str


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    data = settings("role-check")
    items = [Pattern.model_validate(p) for key in ("agent_like", "out_of_role") for p in data[key]]
    return [(re.compile(p.pattern, re.IGNORECASE), p.why) for p in items]


def role_switch(text: str) -> str | None:
    """Why `text` is not a customer's line, or None when it is one."""
    data = settings("role-check")
    text = normalize(text)
    if len(text) > data["max_chars"]:
        return data["too_long"].format(chars=len(text))
    for pattern, why in _patterns():
        if pattern.search(text):
            return why
    # a customer asks about the shop's rules, never states them ("能便宜点吗" asks for a concession: no statement)
    claim = next((c for c in extract(_statements(text)) if not (c.key == "bargain_yuan" and c.value == -1.0)), None)
    return data["policy"].format(quote=claim.quote) if claim else None


_CLAUSE = re.compile(r"[^，,。！!？?；;~～\s]+")
_TYPED_QUESTION = re.compile(r"[不没]$")  # "可以退换不", "包邮没": the guard reads a clause with 吗 or ？ as a question


def _statements(text: str) -> str:
    """`text` without the clauses typed as questions that end in 不 or 没."""
    return "。".join(c for c in _CLAUSE.findall(text) if not _TYPED_QUESTION.search(c))

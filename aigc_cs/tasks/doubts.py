"""The five kinds of doubt (价格、质量、包装、物流、售后): which a customer raised, and which the rep never removed.

The words are data in ``corpus/phrasebook/doubts.yaml``.
"""

from collections.abc import Sequence
from functools import cache

from pydantic import BaseModel

from aigc_cs.kb.models import Citation
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.steps import specs as step_specs
from aigc_cs.tasks.transcript import Turn
from aigc_cs.text import normalize

DOUBTS_FILE = "phrasebook/doubts.yaml"


class DoubtKind(BaseModel):
    id: str
    name: str
    cite: Citation
    triggers: list[str]
    answered_by: list[str]
    facts: list[str]
    topic: str
    covered_by: list[str] = []
    replaces: list[str] = []
    policy: list[str]

    def trigger(self, text: str) -> str | None:
        """The trigger word found in `text`, longest first."""
        return next((t for t in sorted(self.triggers, key=len, reverse=True) if t in text), None)


class Doubt(BaseModel):
    kind: DoubtKind
    turn: Turn  # the customer's first line that raised it
    word: str  # the trigger word
    answered: bool


@cache
def kinds() -> list[DoubtKind]:
    data = corpus_yaml(DOUBTS_FILE)
    return [DoubtKind.model_validate(item) for item in data["doubts"]]


@cache
def synonyms() -> dict[str, list[str]]:
    """How a product file words what a customer asks about ("掉色" -> 褪色, 浮色)."""
    data = corpus_yaml(DOUBTS_FILE)
    return {str(k): [str(w) for w in v] for k, v in (data.get("words") or {}).items()}


def raised(text: str) -> list[DoubtKind]:
    """The kinds of doubt in one customer message, in the order of the kinds."""
    text = normalize(text)
    return [k for k in kinds() if k.trigger(text)]


def find_doubts(turns: Sequence[Turn]) -> list[Doubt]:
    """Each kind of doubt the customer raised (at its first line) and whether a later rep line removed it.
    A vague line ("应该不会吧", "看详情页") never counts as removing a doubt."""
    vague = step_specs()["answer"]
    found: list[Doubt] = []
    for kind in kinds():
        start = next((i for i, t in enumerate(turns) if t.role == "customer" and kind.trigger(normalize(t.text))), None)
        if start is None:
            continue
        first = turns[start]
        later = [normalize(t.text) for t in turns[start + 1:] if t.role == "agent"]
        answered = any(any(w in text for w in kind.answered_by) and not vague.weak_match(text) for text in later)
        found.append(Doubt(kind=kind, turn=first, word=kind.trigger(normalize(first.text)) or "", answered=answered))
    return sorted(found, key=lambda d: d.turn.line)

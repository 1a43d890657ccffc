"""How precise the language checks are: false alarms per 1,000 professional sentences (one per line in
``evals/language/<split>/*.txt``) and recall per kind on planted errors (``evals/language/<split>/planted*.yaml``:
a list of ``{id, kind: typo|extreme|slang|banned, text, span, correct?}``; span is the faulty words, or their
``[start, end]`` offsets in text)."""

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.paths import data_dir
from aigc_cs.yaml_safe import safe_load

Kind = Literal["typo", "extreme", "slang", "banned"]
KINDS: tuple[str, ...] = ("typo", "extreme", "slang", "banned")


class Planted(BaseModel):
    id: str
    kind: Kind
    text: str
    span: str | tuple[int, int]
    correct: str | None = None

    def where(self) -> tuple[int, int]:
        if isinstance(self.span, str):
            start = self.text.find(self.span)
            return (start, start + len(self.span)) if start >= 0 else (0, len(self.text))
        return self.span


class Finding(BaseModel):
    kind: str
    quote: str
    start: int
    end: int


class FalseAlarm(BaseModel):
    sentence: str
    findings: list[Finding]


class LanguageReport(BaseModel):
    split: str
    sentences: int
    false_alarms: int
    per_thousand: float
    examples: list[FalseAlarm]
    planted: dict[str, int]  # kind -> planted items
    recall: dict[str, float]  # kind -> share found
    missed: list[str]  # ids of planted items not found


def findings(text: str) -> list[Finding]:
    """Everything `aigc-cs check` flags in `text`: 禁用语 (with blaming, pressing and rhetorical phrases, which the
    planted sets count as banned), 极限词, 网络用语, homophone typos."""
    from aigc_cs.guard.lexicon import LANGUAGE_KINDS
    from aigc_cs.guard.tone import wording
    from aigc_cs.guard.typos import find_typos

    found = [Finding(kind=h.kind if h.kind in LANGUAGE_KINDS else "banned", quote=h.quote, start=h.start, end=h.end)
             for h in wording(text)]
    return found + [Finding(kind="typo", quote=t.quote, start=t.start, end=t.end) for t in find_typos(text)]


def language_dir(split: str) -> Path:
    return data_dir("evals") / "language" / split


def load_planted(path: Path) -> list[Planted]:
    try:
        return [Planted.model_validate(item) for item in safe_load(path.read_text(encoding="utf-8")) or []]
    except (yaml.YAMLError, ValidationError, TypeError) as exc:
        raise UserError(f"{path}：埋错样本格式有误（{type(exc).__name__}）") from None


def _found(item: Planted) -> bool:
    from aigc_cs.text import normalize

    start, end = item.where()
    if normalize(item.text) != item.text:  # offsets of findings refer to the normalised text
        text = normalize(item.text)
        span = normalize(item.text[start:end])
        start = text.find(span)
        end = start + len(span)
    return any(f.kind == item.kind and f.start < end and f.end > start for f in findings(item.text))


def measure(split: str = "dev", folder: Path | None = None) -> LanguageReport:
    folder = folder or language_dir(split)
    files = sorted(folder.glob("*.txt"))
    planted_files = sorted(folder.glob("planted*.yaml"))
    if not files and not planted_files:
        raise UserError(f"{folder}：没有专业客服句子（*.txt）也没有埋错样本（planted*.yaml）")
    sentences = [line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    alarms = [FalseAlarm(sentence=s, findings=hits) for s in sentences if (hits := findings(s))]
    planted = [item for path in planted_files for item in load_planted(path)]
    found = {item.id: _found(item) for item in planted}
    counts = {kind: sum(1 for p in planted if p.kind == kind) for kind in KINDS}
    recall = {kind: sum(found[p.id] for p in planted if p.kind == kind) / n for kind, n in counts.items() if n}
    return LanguageReport(split=split, sentences=len(sentences), false_alarms=len(alarms),
                          per_thousand=round(1000 * len(alarms) / len(sentences), 2) if sentences else 0.0,
                          examples=alarms, planted=counts, recall=recall,
                          missed=[p.id for p in planted if not found[p.id]])

"""Semantic evidence for a rubric criterion: the answer's sentences against the criterion's example sentences
(`examples: {meets, misses}` in the rubric YAML), by meaning, through the one semantic matcher (kb/semantic.py: the
bundled e5 model, example vectors cached on disk, answer sentences through the shared vector cache).

The answer is compared sentence by sentence; a long sentence (reps chain many clauses with commas) as windows of two
clauses, so that "…48小时内发货，…您要是急就别买了吧" is read as its parts. A part *meets* when it is at least `meets`
close to a "meets" example and closer to it than to any "misses" example; it *misses* when it is at least `misses`
close to a "misses" example and no closer to a "meets" one. The two bars are fitted on the dev split and kept in
corpus/rubrics/_semantic.yaml. Without the model there is no evidence, and the rules scorer grades exactly as it does
by the literal checks alone.
"""

import json
import re
from functools import cache

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.grading.models import CheckResult, Fault
from aigc_cs.grading.rubric import RUBRICS_DIR, SAYS, Check, Criterion
from aigc_cs.text import normalize

THRESHOLDS_FILE = f"{RUBRICS_DIR}/_semantic.yaml"
MEETS, MISSES = "meets", "misses"
SENTENCE = re.compile(r"[^。！？!?\n；;]+")
_CLAUSE = re.compile(r"[^，,]+[，,]?")
MIN_CHARS = 4


def units(text: str) -> list[str]:
    """The parts of a (normalised) answer compared with the examples: its sentences, a sentence of more than two
    clauses as overlapping windows of two; each a verbatim piece of `text`."""
    out = []
    for sentence in SENTENCE.findall(text):
        clauses = _CLAUSE.findall(sentence)
        windows = [sentence] if len(clauses) <= 2 else ["".join(clauses[i: i + 2]) for i in range(len(clauses) - 1)]
        out += [w.strip().rstrip("，,").strip() for w in windows]
    return [u for u in dict.fromkeys(out) if len(u) >= MIN_CHARS]


class Bars(BaseModel):
    meets: float
    misses: float


@cache
def bars() -> Bars:
    from aigc_cs.paths import corpus_dir, corpus_yaml

    try:
        return Bars.model_validate(corpus_yaml(THRESHOLDS_FILE))
    except (OSError, ValidationError, yaml.YAMLError):
        raise UserError(f"{corpus_dir() / THRESHOLDS_FILE}：语义阈值文件缺失或有误，应有 meets 和 misses 两个数") from None


class Near(BaseModel):
    sentence: str  # the answer's part (a sentence, or two clauses of a long one)
    example: str  # the rubric's nearest one
    score: float


class Evidence(BaseModel):
    meets: list[Near] = []
    misses: list[Near] = []


def evidence(criterion: Criterion, parts: list[str], vectors: np.ndarray | None) -> Evidence | None:
    """The answer's parts (`units`, embedded as `vectors`) that meet or miss the criterion by meaning; None without
    examples or a model."""
    from aigc_cs.kb.semantic import matcher

    examples = criterion.examples
    if examples is None or vectors is None or not parts:
        return None
    texts = {MEETS: examples.meets, MISSES: examples.misses}
    labelled = {f"{kind}#{i}": [text] for kind, items in texts.items() for i, text in enumerate(items)}
    found = matcher(f"rubric-{criterion.id}", json.dumps(labelled, ensure_ascii=False), 1)
    table = found.scores(parts, vectors)
    if table is None:
        return None
    kinds = np.array([label.split("#")[0] for label in found.labels])
    limit = bars()
    out = Evidence()
    for part, row in zip(parts, table, strict=True):
        best = {kind: _nearest(row, kinds == kind, texts[kind], found.labels) for kind in texts}
        meet, miss = best[MEETS], best[MISSES]
        if meet and meet[1] >= limit.meets and (not miss or meet[1] > miss[1]):
            out.meets.append(Near(sentence=part, example=meet[0], score=meet[1]))
        elif miss and miss[1] >= limit.misses and (not meet or miss[1] >= meet[1]):
            out.misses.append(Near(sentence=part, example=miss[0], score=miss[1]))
    return out


def _nearest(row: np.ndarray, mask: np.ndarray, texts: list[str], labels: list[str]) -> tuple[str, float] | None:
    if not mask.any():
        return None
    j = int(np.flatnonzero(mask)[np.argmax(row[mask])])
    return texts[int(labels[j].split("#")[1])], float(row[j])


def weigh(check: Check, result: CheckResult, near: Evidence, text: str) -> None:
    """Let the criterion's semantic evidence count in one `by_meaning` check of it (`text`: the answer, normalised)."""
    if check.kind == "forbids":
        for n in near.misses:
            start = text.find(n.sentence)
            result.faults.append(Fault(kind="phrase", quote=n.sentence, start=start, end=start + len(n.sentence),
                                       message=f"“{n.sentence}”和“{n.example.rstrip('。！？!?')}”是一个意思，不宜这样写"))
        result.score = 0.0 if near.misses else result.score
        return
    if check.kind not in SAYS:
        return
    if near.misses and result.evidence and all(_only_in(normalize(e), near.misses, text) for e in result.evidence):
        result.score, result.evidence = 0.0, []  # said only while stalling, blaming or pressing: no credit
    if result.score < 1.0 and near.meets and not near.misses:  # a miss anywhere outweighs a paraphrase
        result.score = 1.0
        result.evidence.append(near.meets[0].sentence)
        result.faults = [f for f in result.faults if f.kind != "missing"]


def _only_in(found: str, misses: list[Near], text: str) -> bool:
    """Every occurrence of `found` in the text lies inside one of these parts (which may overlap)."""
    spans = [(m.start(), m.end()) for n in misses for m in re.finditer(re.escape(n.sentence), text)]
    places = [m.start() for m in re.finditer(re.escape(found), text)] if found else []
    return bool(places) and all(any(a <= p and p + len(found) <= b for a, b in spans) for p in places)

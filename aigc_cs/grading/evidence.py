"""Semantic evidence: the answer's sentences matched against each criterion level's example sentences (`meets`,
`misses` in the rubric YAML) with the bundled embedding model, so that a paraphrase counts like the phrase.

Thresholds are fitted on the dev gold set (`aigc-cs eval fit-evidence`) and kept beside the rubrics in
corpus/rubrics/thresholds.yaml; a rubric without fitted thresholds, or no embedding model, means no semantic
evidence (the check does not apply)."""

import json
import re
from functools import cache

import numpy as np
import yaml
from pydantic import BaseModel

from aigc_cs.grading.rubric import Criterion, rubrics_dir
from aigc_cs.kb.semantic import embed, matcher

THRESHOLDS_FILE = "thresholds.yaml"
_SENTENCE = re.compile(r"[^。！？!?\n；;]+")


class Thresholds(BaseModel):
    meets: float  # cosine at or above which a sentence shows a level is reached
    misses: float  # cosine at or above which a sentence shows a fault of a level


class Evidence(BaseModel):
    level: int  # the level the sentences support
    meets: list[str] = []  # sentences that reach a level
    misses: list[tuple[str, int]] = []  # (sentence, level) that hold the answer down


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= 4]


@cache
def thresholds() -> dict[str, Thresholds]:
    path = rubrics_dir() / THRESHOLDS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {rid: Thresholds.model_validate(t) for rid, t in (data or {}).items()}


def examples(criterion: Criterion) -> dict[str, list[str]]:
    labelled = {}
    for i, level in enumerate(criterion.levels):
        for kind in ("meets", "misses"):
            if getattr(level, kind):
                labelled[f"{i}:{kind}"] = getattr(level, kind)
    return labelled


def label_scores(rubric_id: str, criterion: Criterion, texts: list[str]) -> tuple[list[str], np.ndarray] | None:
    """(labels, scores): each sentence's cosine to each level's nearest example; None without a model."""
    labelled = examples(criterion)
    if not labelled or not texts:
        return None
    found = matcher(f"rubric-{rubric_id}-{criterion.id}", json.dumps(labelled, ensure_ascii=False), 1)
    vectors = embed(texts)
    scores = found.scores(texts, vectors) if vectors is not None else None
    return None if scores is None else (found.labels, scores)


def weigh(labels: list[str], scores: np.ndarray, texts: list[str], limits: Thresholds) -> Evidence:
    """The level the sentences support: the highest level a sentence meets, held down by a sentence that is closer
    to a level's faults than to anything it meets."""
    level, meets, misses = 0, [], []
    kinds = [label.split(":") for label in labels]
    meet_cols = [j for j, (_, kind) in enumerate(kinds) if kind == "meets"]
    for row, text in zip(scores, texts, strict=True):
        best_meet = max((row[j] for j in meet_cols), default=-1.0)
        for j, (lv, kind) in enumerate(kinds):
            if kind == "meets" and row[j] >= limits.meets and int(lv) > level:
                level = int(lv)
                meets.append(text)
            if kind == "misses" and row[j] >= limits.misses and row[j] > best_meet:
                misses.append((text, int(lv)))
    if misses:
        level = min(level, min(lv for _, lv in misses))
    return Evidence(level=level, meets=meets, misses=misses)


def evidence(rubric_id: str, criterion: Criterion, texts: list[str]) -> Evidence | None:
    limits = thresholds().get(rubric_id)
    scored = label_scores(rubric_id, criterion, texts) if limits else None
    return None if scored is None or limits is None else weigh(*scored, texts, limits)

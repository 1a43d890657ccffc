"""The dialogue-level grade of a role-play session: the rubric of ``corpus/personas/_dialogue-rubric.yaml`` over the
whole chat. Each criterion is a share computed from the judge's per-turn verdicts (doubts removed, policy errors,
wording) and the step detector run on the whole transcript, times its weight."""

from functools import cache
from typing import Literal

from pydantic import BaseModel, Field

from aigc_cs.kb.models import Citation
from aigc_cs.practice.models import Persona, SessionState, Strict
from aigc_cs.practice.personas import settings, validated
from aigc_cs.tasks.steps import StepCheck

Measure = Literal["doubts", "policy", "steps", "courtesy", "patience"]
IMPOLITE = ("cold", "evasive", "rude", "pushy")  # the verdicts that are about how a reply is worded
STEP_CREDIT = {"ok": 1.0, "weak": 0.5, "missing": 0.0}


class RubricCriterion(Strict):
    id: str
    name: str
    weight: float = Field(gt=0)
    measure: Measure
    cites: Citation
    advice: str


class RubricLevel(Strict):
    min: float = Field(ge=0, le=1)
    descriptor: str


class DialogueRubric(Strict):
    id: str
    title: str
    scale: float
    criteria: list[RubricCriterion] = Field(min_length=1)
    levels: list[RubricLevel] = Field(min_length=1)


class CriterionResult(BaseModel):
    id: str
    name: str
    points: float
    max_points: float
    share: float
    descriptor: str
    advice: str  # empty when the criterion is full
    cites: Citation


class DialogueGrade(BaseModel):
    rubric: str
    title: str
    total: float
    scale: float
    criteria: list[CriterionResult]


@cache
def dialogue_rubric() -> DialogueRubric:
    return validated(DialogueRubric, settings("dialogue-rubric"), "corpus/personas/_dialogue-rubric.yaml")


def grade_dialogue(state: SessionState, persona: Persona, steps: list[StepCheck]) -> DialogueGrade:
    rubric = dialogue_rubric()
    replies = [t.judgement for t in state.turns if t.judgement is not None]
    shares: dict[str, float] = {}
    if replies:
        shares = {
            "doubts": len(state.resolved) / len(persona.doubts),
            "policy": 0.0 if any(j.policy_errors for j in replies) else 1.0,
            "steps": sum(STEP_CREDIT[c.status] for c in steps) / len(steps),
            "courtesy": sum(1 for j in replies if j.verdict not in IMPOLITE and not j.wording) / len(replies),
            "patience": max(state.patience, 0) / persona.patience,
        }
    results = []
    for c in rubric.criteria:
        share = shares.get(c.measure, 0.0)
        level = next(lv for lv in rubric.levels if share >= lv.min - 1e-9)
        results.append(CriterionResult(id=c.id, name=c.name, points=round(c.weight * share, 1), max_points=c.weight,
                                       share=share, descriptor=level.descriptor, advice="" if share >= 1 else c.advice,
                                       cites=c.cites))
    return DialogueGrade(rubric=rubric.id, title=rubric.title, total=round(sum(r.points for r in results), 1),
                         scale=rubric.scale, criteria=results)

"""The LLM judge: one call per answer with all criteria; the answer travels as datamarked data between delimiters.

The defence does not depend on spotting an injection. The judge reads the answer normalised and datamarked (a
marker between every two words; anything like a delimiter, and the marker, removed first), between nonce delimiters,
and its system prompt says the marked text is data. A level the rules cannot support is bounded to one level above
the rules' level, quote or not; a verdict whose evidence quote is not in the answer is rejected and that criterion
falls back to the rules. Answers the detector flags (their flagged sentences are removed before the call and they
never score above the rules) and answers where the judge and the rules are two or more levels apart on a criterion
are flagged for the teacher's review. Unparseable output is repaired once by the engine, then falls back to the rules
(never silently 0 or full marks); temperature 0. With ``bounded`` (hybrid) the rules bound the judge further: a hard
violation caps the criterion, and without a verified quote the judge moves at most one level below the rules.
"""

import hashlib
import re

from pydantic import BaseModel, Field

from aigc_cs.grading.models import CriterionScore, Grade
from aigc_cs.grading.rubric import Rubric
from aigc_cs.grading.rules import feedback
from aigc_cs.guard.injection import MARKER, datamark, find_injections, without_injections
from aigc_cs.kb.models import Shop
from aigc_cs.llm.engine import EngineConfig, generate
from aigc_cs.llm.engine import prepare as prepare_engine
from aigc_cs.tasks.context import Context
from aigc_cs.text import normalize

PROMPT = "judge"
REVIEW_GAP = 2  # levels between the judge and the rules that send an answer to the teacher's review


class CriterionVerdict(BaseModel):
    id: str
    level: int = Field(ge=0, description="0 = lowest level")
    evidence: str = Field(default="", description="a verbatim quote from the answer")
    feedback: str = Field(default="", description="中文反馈，写给16岁的学生")


class JudgeVerdict(BaseModel):
    criteria: list[CriterionVerdict]


def nonce(answer: str, rubric_id: str) -> str:
    """Unguessable by the student (it depends on the whole answer) yet stable, so recordings replay."""
    return hashlib.sha256(f"{rubric_id}\x1f{answer}".encode()).hexdigest()[:12]


def _squashed(text: str) -> str:
    """`text` as quotes are compared: normalised, without the datamarking marker and without any space."""
    return re.sub(r"\s+", "", normalize(text.replace(MARKER, "")))


def _config(ctx: Context) -> EngineConfig:
    return ctx.engine.model_copy(update={"temperature": 0.0})


def prepare(ctx: Context) -> None:
    """Ready the judge model's client before a class is graded (`aigc_cs.llm.engine.prepare`)."""
    prepare_engine(PROMPT, _config(ctx))


def judge(answer: str, rubric: Rubric, shop: Shop, scenario: str, ctx: Context, *, rules: Grade,
          bounded: bool) -> Grade:
    graded = without_injections(answer)
    injected = bool(find_injections(answer))

    def offline() -> JudgeVerdict:  # the rules' levels, used when the model's output cannot be parsed
        return JudgeVerdict(criteria=[CriterionVerdict(id=c.id, level=c.level) for c in rules.criteria])

    marked = datamark(graded)
    variables = {"rubric": rubric, "shop": shop, "scenario": scenario, "answer": marked, "marker": MARKER,
                 "nonce": nonce(marked, rubric.id)}
    gen = generate(PROMPT, variables, JudgeVerdict, offline, _config(ctx))
    verdicts = {v.id: v for v in gen.output.criteria}
    text = _squashed(graded)
    warnings = list(gen.warnings)
    criteria: list[CriterionScore] = []
    apart: list[str] = []  # criteria where the judge and the rules are two or more levels apart
    scored = {c.id for c in rules.criteria}  # without a scenario, the rules skip what needs one; so does the judge
    for criterion, by_rules in zip([c for c in rubric.criteria if c.id in scored], rules.criteria, strict=True):
        verdict = verdicts.get(criterion.id)
        top = len(criterion.levels) - 1
        quote = _squashed(verdict.evidence) if verdict else ""
        verified = bool(quote) and quote in text
        if verdict is None or verdict.level > top or gen.engine == "offline":
            reason = "没有给出这一项" if verdict is None else "等级超出范围"
            if gen.engine != "offline":
                warnings.append(f"评分模型对“{criterion.name}”{reason}，该项改用规则评分")
            criteria.append(by_rules)
            continue
        if quote and not verified:
            warnings.append(f"评分模型对“{criterion.name}”引用的证据不在答案里，该项改用规则评分")
            criteria.append(by_rules)
            continue
        if abs(verdict.level - by_rules.level) >= REVIEW_GAP:
            apart.append(criterion.name)
        # a level the rules cannot support is at most one above theirs, quote or not; an answer that tried to steer
        # the grader never scores above the rules
        level = min(verdict.level, by_rules.level + (0 if injected else 1))
        if bounded:
            if by_rules.capped:
                level = 0
            elif not verified:
                level = max(level, by_rules.level - 1)
        advice = [verdict.feedback] if verdict.feedback else []
        criteria.append(CriterionScore(
            id=criterion.id, name=criterion.name, level=level, levels=len(criterion.levels),
            points=criterion.levels[level].points, max_points=criterion.weight,
            evidence=[verdict.evidence.replace(MARKER, "")] if verified else by_rules.evidence,
            feedback=feedback(criterion, level, advice, by_rules.faults), cites=str(criterion.cites),
            faults=by_rules.faults, capped=bounded and by_rules.capped,
            source="judge+rules" if bounded else "judge",
        ))
    flags = list(rules.flags)
    if apart:
        flags.append("review")
        warnings.append(f"评分模型与规则评分在“{'、'.join(apart)}”上相差{REVIEW_GAP}级或更多，已列入老师复核")
    total = sum(c.points for c in criteria)
    if rubric.policy_cap is not None and any(f.kind == "policy" for f in rules.faults):
        total = min(total, rubric.policy_cap)  # a policy contradiction keeps the total below a pass
    return rules.model_copy(update={
        "scorer": "hybrid" if bounded else "judge", "criteria": criteria, "flags": flags,
        "total": round(total, 2), "warnings": [*rules.warnings, *warnings],
    })

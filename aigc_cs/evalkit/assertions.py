"""Deterministic, Chinese-aware assertions over one task output (or, for `distinct_min`, over a suite's outputs):
the registry of assertion kinds, and `evaluate`, which runs one.

Each kind has a parser (`assertion_args`), run when a suite is loaded (so a bad argument is reported before anything
runs), and a check (`text_assertions`, `grading_assertions`, `structure_assertions`) that returns a `Verdict`: passed,
a score in [0, 1], and a detail line with the offending span or the diff. Text comparisons fold both sides first (see
`fold`): full/half width, traditional/simplified, whitespace, case. Every assertion can be negated with ``not: true``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aigc_cs.evalkit import assertion_args as args
from aigc_cs.evalkit import grading_assertions as grading
from aigc_cs.evalkit import structure_assertions as structure
from aigc_cs.evalkit import text_assertions as text
from aigc_cs.evalkit.grading_assertions import NEEDS_JUDGE
from aigc_cs.evalkit.observation import FIELD_PART, Observation, Verdict, as_text
from aigc_cs.evalkit.text_assertions import check_distinct, distinct, rouge_l, units

__all__ = ["FIELD_PART", "KINDS", "LIST_KINDS", "NEEDS_JUDGE", "Kind", "Observation", "Verdict", "as_text",
           "check_distinct", "distinct", "evaluate", "rouge_l", "units"]


@dataclass(frozen=True)
class Kind:
    parse: Callable[[Any], Any]
    check: Callable[[Any, Any, Observation], Verdict]
    whole: bool = False  # reads the whole output by default rather than its text
    across: bool = False  # may also be used over a suite's outputs (suite-level `across`)


KINDS: dict[str, Kind] = {
    "contains_all": Kind(args.strings, text.contains_all),
    "contains_any": Kind(args.strings, text.contains_any),
    "not_contains": Kind(args.strings, text.not_contains),
    "regex": Kind(args.pattern, text.regex),
    "max_chars": Kind(args.char_count, text.max_chars),
    "min_chars": Kind(args.char_count, text.min_chars),
    "cites": Kind(args.cite_spec, grading.cites),
    "policy_consistent": Kind(args.true, grading.policy_consistent),
    "no_banned_words": Kind(args.lexicon_kinds, grading.no_banned_words),
    "steps_present": Kind(args.step_ids, grading.steps_present),
    "rouge_l_min": Kind(args.rouge_spec, text.rouge_l_min),
    "distinct_min": Kind(args.distinct_spec, text.distinct_min, across=True),
    "json_schema": Kind(args.schema, structure.json_schema, whole=True),
    "equals": Kind(lambda arg: arg, text.equals),
    "metric_min": Kind(args.metric_bounds, structure.metric_min, whole=True),
    "metric_max": Kind(args.metric_bounds, structure.metric_max, whole=True),
    "rejected": Kind(args.rejection, structure.rejected),
    "rubric_min": Kind(args.rubric_spec, grading.rubric_min),
    "llm_rubric": Kind(args.rubric_spec, grading.llm_rubric),
}
LIST_KINDS = ("contains_all", "contains_any", "not_contains", "no_banned_words", "steps_present")


def evaluate(kind: str, arg: Any, field: str | None, negate: bool, obs: Observation) -> Verdict:
    """Run one assertion. A case whose task failed has no output: only `rejected` can pass, negated or not."""
    spec = KINDS[kind]
    if obs.error is not None and kind != "rejected":
        return Verdict(passed=False, score=0.0, detail="没有输出，无法判断（见“任务出错”）")
    value = obs.data if spec.whole and field is None else obs.get(field)
    try:
        verdict = spec.check(arg, value, obs)
    except ValueError as exc:
        return Verdict(passed=False, score=0.0, detail=str(exc))
    if negate:
        return Verdict(passed=not verdict.passed, score=round(1 - verdict.score, 4), detail=f"（取反）{verdict.detail}")
    return verdict

"""The course- and shop-aware checks of eval assertions: citations, the shop's policy, the lexicons, the pre-sale
steps, and a rubric grade by the rules scorer or the LLM judge."""

from typing import Any

from aigc_cs.evalkit.assertion_args import RubricMin
from aigc_cs.evalkit.fold import excerpt, fold
from aigc_cs.evalkit.observation import Observation, Verdict, as_text

NEEDS_JUDGE = ("llm_rubric 需要评分模型：用 --engine replay 加录制（--cassettes），或 --engine llm；"
               "离线评测请用 rubric_min（规则评分）")


def cites(spec: dict[str, str], value: Any, obs: Observation) -> Verdict:
    citations = [c for c in obs.data.get("citations") or [] if isinstance(c, dict)]

    def matches(c: dict) -> bool:
        source, section = str(c.get("source", "")), str(c.get("section", ""))
        return (("where" not in spec or fold(spec["where"]) in fold(f"{source} {section}"))
                and ("source" not in spec or fold(spec["source"]) in fold(source))
                and ("section" not in spec or fold(spec["section"]) in fold(section))
                and ("type" not in spec or obs.doc_type(source) == spec["type"]))

    hit = next((c for c in citations if matches(c)), None)
    if hit:
        return Verdict(passed=True, score=1.0, detail=f"出处：{hit.get('source')} · {hit.get('section')}")
    have = "；".join(f"{c.get('source')} · {c.get('section')}" for c in citations) or "没有出处"
    want = "，".join(f"{k}={v}" for k, v in spec.items())
    return Verdict(passed=False, score=0.0, detail=f"没有引用 {want}；现有：{have}")


def policy_consistent(_: bool, value: Any, obs: Observation) -> Verdict:
    from aigc_cs.guard.check import check_text

    report = check_text(as_text(value), obs.shop())
    if report.ok:
        return Verdict(passed=True, score=1.0, detail=f"{len(report.claims)} 处政策说法，均与店铺事实一致")
    return Verdict(passed=False, score=0.0, detail="；".join(v.message for v in report.violations))


def no_banned_words(kinds: list[str], value: Any, obs: Observation) -> Verdict:
    from aigc_cs.guard.lexicon import KIND_NAMES, scan

    text = as_text(value)
    hits = scan(text, tuple(kinds))
    if not hits:
        return Verdict(passed=True, score=1.0, detail="未发现" + "、".join(KIND_NAMES[k] for k in kinds))
    from aigc_cs.text import normalize

    normal = normalize(text)
    spans = [f"{KIND_NAMES[h.kind]} {excerpt(normal, h.start, h.end)}" for h in hits]
    return Verdict(passed=False, score=0.0, detail="；".join(spans))


def steps_present(steps: list[str], value: Any, obs: Observation) -> Verdict:
    """The pre-sale steps, read by the course's step detector (aigc_cs.tasks.steps): a step done badly ("weak")
    is present but scores half."""
    from aigc_cs.tasks.steps import detect_steps_in_text

    checks = {c.step: c for c in detect_steps_in_text(as_text(value))}
    wanted = [checks[s] for s in steps]
    missing = [c for c in wanted if c.status == "missing"]
    weak = [c for c in wanted if c.status == "weak"]
    parts = [f"缺少：{'、'.join(c.name for c in missing)}"] if missing else []
    parts += [f"{c.name}不到位：{c.note}" for c in weak]
    detail = "；".join(parts) or "、".join(f"{c.name}“{c.quote[:16]}”" for c in wanted)
    score = sum({"ok": 1.0, "weak": 0.5, "missing": 0.0}[c.status] for c in wanted) / len(wanted)
    return Verdict(passed=not missing, score=round(score, 4), detail=detail)


def rubric_min(spec: RubricMin, value: Any, obs: Observation) -> Verdict:
    """Grade the output with the offline rules scorer; the case's customer message is the scenario."""
    from aigc_cs.grading.rubric import get_rubric
    from aigc_cs.grading.rules import grade_rules

    rubric = get_rubric(spec.rubric)
    grade = grade_rules(as_text(value), rubric, obs.shop(), str(obs.data.get("message", "")))
    low = [f"{c.name} {c.points:g}/{c.max_points:g}" for c in grade.criteria if c.points < c.max_points]
    detail = f"{spec.rubric} 得分 {grade.total:g}/{rubric.scale:g}（下限 {spec.min:g}）" + (f"；失分：{'、'.join(low)}" if low else "")
    return Verdict(passed=grade.total >= spec.min, score=round(grade.total / rubric.scale, 4), detail=detail)


def llm_rubric(spec: RubricMin, value: Any, obs: Observation) -> Verdict:
    """Grade the output with the LLM judge (replay is strict: a missing recording fails the case, never a call)."""
    from aigc_cs.errors import UserError

    if obs.judge is None:
        return Verdict(passed=False, score=0.0, detail=NEEDS_JUDGE)
    try:
        grade = obs.judge(as_text(value), spec.rubric)
    except UserError as exc:
        return Verdict(passed=False, score=0.0, detail=exc.message)
    fallback = [w for w in grade.warnings if "改用" in w]
    detail = f"{spec.rubric} 评分模型打分 {grade.total:g}/{grade.scale:g}（下限 {spec.min:g}）" + (
        f"；{'；'.join(fallback)}" if fallback else "")
    return Verdict(passed=grade.total >= spec.min and not fallback, score=round(grade.total / grade.scale, 4),
                   detail=detail)

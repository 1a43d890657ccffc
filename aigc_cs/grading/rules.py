"""The offline rules scorer: every rubric check computed from the text, the shop's facts and the scenario."""

import math
import re

from aigc_cs.grading.models import CheckResult, CriterionScore, Fault, Grade
from aigc_cs.grading.rubric import Check, Criterion, Rubric
from aigc_cs.guard.check import check_text
from aigc_cs.guard.claims import extract
from aigc_cs.guard.injection import find_injections, without_injections
from aigc_cs.guard.lexicon import scan
from aigc_cs.guard.typos import find_typos
from aigc_cs.kb.intents import detect
from aigc_cs.kb.models import PolicyFacts, Shop
from aigc_cs.tasks.steps import detect_steps_in_text
from aigc_cs.text import NUMBER, normalize, to_number

POLITE = ("您", "请", "谢谢", "感谢", "抱歉", "不好意思", "麻烦")
EMPATHY = ("理解", "抱歉", "不好意思", "着急", "不便", "辛苦", "久等", "担心", "放心", "体谅", "心情")
_NUMBERED = re.compile(r"(?m)^\s*(?:\d+[.、．)]|[①②③④⑤]|第[一二三四五]、?)")
# claim keys that state each policy fact (see aigc_cs.guard.claims)
FACT_CLAIMS = {
    "return_shipping_buyer_reason": ("return_shipping_buyer_reason", "return_shipping"),
    "return_shipping_quality_issue": ("return_shipping_quality_issue", "return_shipping"),
    "bargain_limit_yuan": ("bargain_yuan",),
}


# for numeric facts: the words of a sentence that talks about it
FACT_TOPICS = {
    "no_reason_return_days": r"无理由|退换|退货",
    "ship_within_hours": r"发货|发出",
    "refund_working_days": r"退款|到账|退回",
    "quality_claim_days": r"质量|破损|瑕疵|问题|漏液|开线",
    "aftersale_reply_minutes": r"回复|答复|联系",
    "free_shipping_threshold_yuan": r"包邮|邮费|运费",
}


class Context:
    """What the checks of one answer share: the cleaned text, the shop and the scenario's intents."""

    def __init__(self, answer: str, shop: Shop, scenario: str) -> None:
        self.raw = answer
        self.text = normalize(without_injections(answer))
        self.shop = shop
        self.scenario = scenario
        self.intents = detect(scenario) if scenario else []
        self.lexicon = scan(self.text)
        self.typos = find_typos(self.text)
        # facts are read through typos (包由 still states 包邮); the typos themselves cost marks elsewhere
        self.fixed = self.text
        for typo in sorted(self.typos, key=lambda t: -t.start):
            self.fixed = self.fixed[: typo.start] + typo.suggestion + self.fixed[typo.end:]
        self.claims = extract(self.fixed)
        self.guard = check_text(self.fixed, shop)
        self.steps = {c.name: c for c in detect_steps_in_text(self.text)}


def _number_near_topic(value: float, topic: str, text: str) -> bool:
    """The fact's number appears in a sentence about its topic ("签收后15天内……可以无理由退货")."""
    for sentence in re.split(r"[。！？!?\n；;]", text):
        if re.search(topic, sentence):
            numbers = [to_number(m) for m in re.findall(NUMBER, sentence)]
            if value in numbers:
                return True
    return False


def _fact_stated(key: str, ctx: Context) -> bool:
    facts: PolicyFacts = ctx.shop.facts
    value = getattr(facts, key)
    text = ctx.fixed
    violations = {v.key for v in ctx.guard.violations}
    if key == "return_condition":
        parts = [p for p in re.split(r"[、，,；;。]", str(value)) if len(p) >= 2]
        return any(p in text for p in parts)
    if key == "delay_compensation" and value is None:
        return not any(c.key == "delay_compensation" and c.value != "none" for c in ctx.claims)
    if key == "bargain_limit_yuan":
        refuses = bool(re.search(r"不议价|不讲价|统一定价|不能便宜|没法便宜|不能优惠|优惠券|券", text))
        conceded = any(c.key == "bargain_yuan" for c in ctx.claims) and "bargain_yuan" not in violations
        return refuses or (value > 0 and conceded)
    keys = FACT_CLAIMS.get(key, (key,))
    if any(c.key in keys and c.key not in violations for c in ctx.claims):
        return True
    topic = FACT_TOPICS.get(key)
    return bool(topic) and isinstance(value, int | float) and not isinstance(value, bool) \
        and key not in violations and _number_near_topic(float(value), topic, text)


def _faults_from_lexicon(ctx: Context, kinds: list[str]) -> list[Fault]:
    return [Fault(kind=h.kind, quote=h.quote, start=h.start, end=h.end, message=h.message())
            for h in ctx.lexicon if h.kind in kinds]


def run_check(check: Check, ctx: Context) -> CheckResult:
    result = CheckResult(kind=check.kind, score=1.0, weight=check.weight, hard=check.hard, advice=check.advice)
    text = ctx.text
    match check.kind:
        case "steps":  # a step done well counts 1, done weakly (a cold "在的", hard selling) counts half
            credit = {"ok": 1.0, "weak": 0.5, "missing": 0.0}
            checks = [ctx.steps[s] for s in check.steps if s in ctx.steps]
            result.score = min(1.0, sum(credit[c.status] for c in checks) / (check.min or len(check.steps)))
            result.evidence = [c.quote for c in checks if c.status == "ok"]
            result.faults = [Fault(kind="missing", quote=c.quote if c.status == "weak" else "",
                                   message=f"{c.name}：{c.note}") for c in checks if c.status != "ok"]
        case "step_order":
            lines = [c.line for c in ctx.steps.values() if c.status == "ok" and c.line is not None]
            result.score = 1.0 if lines == sorted(lines) else 0.0
        case "contains_any":
            hits = [p for p in check.phrases if normalize(p) in text]
            result.score, result.evidence = (1.0 if hits else 0.0), hits
        case "contains_all":
            hits = [p for p in check.phrases if normalize(p) in text]
            result.score, result.evidence = len(hits) / len(check.phrases), hits
        case "forbids":
            faults = _faults_from_lexicon(ctx, list(check.lexicon))
            for phrase in check.phrases:
                start = text.find(normalize(phrase))
                if start >= 0:
                    faults.append(Fault(kind="phrase", quote=phrase, start=start, end=start + len(phrase),
                                        message=f"“{phrase}”：{check.advice or '不宜使用'}"))
            result.score, result.faults = (0.0 if faults else 1.0), faults
        case "politeness":
            count = sum(text.count(m) for m in POLITE)
            result.score = min(1.0, count / max(1, check.min or 1))
            result.evidence = [m for m in POLITE if m in text]
        case "empathy":
            hits = [m for m in EMPATHY if m in text]
            result.score, result.evidence = (1.0 if hits else 0.0), hits
        case "policy":
            result.faults = [Fault(kind="policy", quote=v.quote, start=v.start, end=v.end, message=v.message)
                             for v in ctx.guard.violations]
            result.score = 0.0 if result.faults else 1.0
            result.evidence = [c.quote for c in ctx.claims if c.key not in {v.key for v in ctx.guard.violations}]
        case "mentions_fact":
            keys = check.facts or list(dict.fromkeys(k for i in ctx.intents for k in i.facts))
            if not keys:
                result.applicable = False
            else:
                stated = [k for k in keys if _fact_stated(k, ctx)]
                result.score = len(stated) / len(keys)
                from aigc_cs.guard.check import describe

                result.faults = [Fault(kind="missing", message=f"没有说明：{describe(_describe_key(k), ctx.shop.facts)}")
                                 for k in keys if k not in stated]
        case "typos":
            result.faults = [Fault(kind="typo", quote=t.quote, start=t.start, end=t.end, message=t.message())
                             for t in ctx.typos]
            result.score = 0.0 if len(result.faults) > 1 else (0.5 if result.faults else 1.0)
        case "length":
            size = len(re.sub(r"\s", "", text))
            too_short = check.min is not None and size < check.min
            too_long = check.max is not None and size > check.max
            result.score = 0.0 if too_short or too_long else 1.0
            if too_long:
                result.faults = [Fault(kind="length", message=f"共{size}字，超过了{check.max}字")]
            if too_short:
                result.faults = [Fault(kind="length", message=f"只有{size}字，少于{check.min}字")]
        case "numbered":  # with `min`: always required; without: only for a question in several parts
            if check.min is None and len(ctx.intents) < 2:
                result.applicable = False
            else:
                result.score = 1.0 if len(_NUMBERED.findall(text)) >= (check.min or 2) else 0.0
    return result


def _describe_key(key: str) -> str:
    return {"return_condition": "no_reason_return_days", "bargain_limit_yuan": "bargain_yuan"}.get(key, key)


def score_criterion(criterion: Criterion, ctx: Context) -> CriterionScore:
    results = [run_check(check, ctx) for check in criterion.checks]
    counted = [r for r in results if r.applicable]
    graded = [r for r in counted if not r.hard] or counted  # hard checks are gates: they cap, they earn nothing
    weight = sum(r.weight for r in graded)
    fraction = sum(r.weight * r.score for r in graded) / weight if weight else 1.0
    capped = any(r.hard and r.score < 1.0 for r in counted)
    top = len(criterion.levels) - 1
    level = 0 if capped else min(top, math.floor(fraction * top + 0.5))
    faults = [f for r in counted for f in r.faults]
    advice = [r.advice for r in counted if r.score < 1.0 and r.advice]
    return CriterionScore(
        id=criterion.id, name=criterion.name, level=level, levels=len(criterion.levels),
        points=criterion.levels[level].points, max_points=criterion.weight,
        evidence=[e for r in counted for e in r.evidence][:5],
        feedback=feedback(criterion, level, advice, faults), cites=str(criterion.cites), faults=faults, capped=capped,
    )


def feedback(criterion: Criterion, level: int, advice: list[str], faults: list[Fault]) -> str:
    """Feedback a 16-year-old can act on: where the answer stands, what to change, and where to read."""
    descriptor = criterion.levels[level].descriptor
    if level == len(criterion.levels) - 1 and not faults:
        return f"做得好：{descriptor}"
    parts = [f"现在的水平：{descriptor}"]
    parts += [f.message for f in faults if f.kind in ("policy", "typo", "banned", "extreme", "slang", "phrase")][:3]
    parts += advice[:2]
    parts.append(f"复习：{criterion.cites}")
    return "；".join(p.rstrip("。；") for p in parts)


def grade_rules(answer: str, rubric: Rubric, shop: Shop, scenario: str = "") -> Grade:
    ctx = Context(answer, shop, scenario)
    criteria = [score_criterion(c, ctx) for c in rubric.criteria]
    injections = find_injections(answer)
    flags = ["injection"] if injections else []
    faults = [Fault(kind="injection", quote=i.quote, message=f"疑似试图操纵评分的内容“{i.quote}”已忽略，请老师复核")
              for i in injections]
    seen = set()
    for criterion in criteria:
        for fault in criterion.faults:
            key = (fault.kind, fault.quote, fault.message)
            if key not in seen:
                seen.add(key)
                faults.append(fault)
    return Grade(rubric=rubric.id, shop=shop.info.id, scorer="rules", scenario=scenario, answer=answer,
                 total=round(sum(c.points for c in criteria), 2), scale=rubric.scale, criteria=criteria,
                 faults=faults, flags=flags)

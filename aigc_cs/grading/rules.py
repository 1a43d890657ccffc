"""The offline rules scorer: every rubric check computed from the text, the shop's facts and the scenario."""

import math
import re
from functools import cached_property, lru_cache, reduce

import numpy as np

from aigc_cs.grading.documents import denials, documented, mismatches, pairs, shared
from aigc_cs.grading.form import numbered_points, sms, structure
from aigc_cs.grading.models import CheckResult, CriterionScore, Fault, Grade
from aigc_cs.grading.rubric import Channel, Check, Criterion, Rubric
from aigc_cs.grading.semantic import SENTENCE, Evidence, evidence, units, weigh
from aigc_cs.guard.check import check_in_context
from aigc_cs.guard.claims import extract
from aigc_cs.guard.facts import stated
from aigc_cs.guard.injection import find_injections, without_injections
from aigc_cs.guard.lexicon import courtesy_words, lexicon_data
from aigc_cs.guard.offers import invented_offers
from aigc_cs.guard.private import private_data
from aigc_cs.guard.tone import wording
from aigc_cs.guard.typos import find_typos
from aigc_cs.kb.intents import SMALLTALK, Intent, detect, keyword_hits, score
from aigc_cs.kb.intents import intents as all_intents
from aigc_cs.kb.models import Shop
from aigc_cs.kb.products import mentioned
from aigc_cs.tasks.steps import detect_steps_in_text
from aigc_cs.text import STOPWORDS, normalize

HANDLING = ("blame", "pressure", "rhetorical", "stall")  # how a case is handled: cost points where a rubric says so


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if len(s.strip()) >= 4]


def channel_of(scenario: str) -> Channel:
    """The channel a scenario names (“延迟发货 · 短信”); online chat otherwise."""
    return "sms" if "短信" in scenario or "sms" in scenario.lower() else "online"


@lru_cache(maxsize=256)  # a class answers one scenario: its topics are found once
def scenario_intents(scenario: str) -> list[Intent]:
    """The topics of a teacher's scenario (“双十一延迟发货 · 短信”). A scenario is a set task, never out of scope: when
    the customer-message classifier abstains, the trigger words decide, and then the classifier's most likely topic."""
    found = [i for i in detect(scenario) if i.id != SMALLTALK]
    if found:
        return found
    by_id = {i.id: i for i in all_intents()}
    hits = keyword_hits(normalize(scenario).lower())
    ranked = sorted((i for i in hits if i in by_id and i != SMALLTALK), key=lambda i: -hits[i][0])
    if ranked:
        return [by_id[i] for i in ranked[:2]]
    units = score(scenario).units
    if units:
        top = max((i for i in units[0] if i in by_id and i != SMALLTALK), key=units[0].__getitem__, default=None)
        return [by_id[top]] if top else []
    return []


class Context:
    """What the checks of one answer share: the cleaned text, the shop and the scenario's intents."""

    def __init__(self, answer: str, shop: Shop, scenario: str, rubric_id: str = "", channel: Channel | None = None,
                 documents: list[str] | None = None, semantic: bool = True, product_text: str = "",
                 shop_texts: tuple[str, ...] = ()) -> None:
        self.product_text = product_text  # the whole file of the scenario's product, as indexed
        self.shop_texts = shop_texts  # everything the shop has written: an offer made there is the shop's own
        self.raw = answer
        self.semantic = semantic
        self.text = normalize(without_injections(answer))
        self.shop = shop
        self.scenario = scenario
        self.rubric_id = rubric_id
        self.channel = channel or channel_of(scenario)
        self.intents = scenario_intents(scenario) if scenario else []
        self.product = mentioned(scenario, shop) if scenario else None
        # a question about the product itself (material, use, fit…), not a complaint that names it
        self.product_question = self.product is not None and any(i.id.startswith("product_") for i in self.intents)
        self.sentences = sentences(self.text)
        self.lexicon = wording(self.text, (*HANDLING, "banned", "extreme", "slang"))
        stalling = [h for h in self.lexicon if h.kind == "stall"]  # "尽快…请耐心等待": shared words answer nothing
        self.stalls = bool(stalling)
        # the text with its stalling blanked out: "正在核实中" names no step of a solution
        self.unstalled = reduce(lambda t, h: t[: h.start] + " " * (h.end - h.start) + t[h.end:], stalling, self.text)
        self.typos = find_typos(self.text)
        # facts are read through typos (包由 still states 包邮); the typos themselves cost marks elsewhere
        self.fixed = self.text
        for typo in sorted(self.typos, key=lambda t: -t.start):
            self.fixed = self.fixed[: typo.start] + typo.suggestion + self.fixed[typo.end:]
        self.claims = extract(self.fixed)
        self.guard = documented(  # 拍多了想退: whose shipping a claim is about; 刻字款72小时内发出: a passage's case
            check_in_context(self.fixed, shop, scenario), self.fixed, documents or [])
        self.documents = documents or []  # the shop passages that answer the scenario
        values = {float(v) for v in shop.facts.model_dump().values() if isinstance(v, int | float) and not isinstance(v, bool)}
        self.mismatches = mismatches(self.fixed, self.documents, scenario, values) + denials(self.fixed, self.documents)
        # what the answer states (questions back to the customer state nothing) that the shop's passages say
        self.stated = "。".join(c for c in re.findall(r"[^，,。！？!?；;\n]+[，,。！？!?；;\n]?", self.fixed)
                                if c.strip() and not _QUESTION.search(c))
        self.from_documents = shared(self.stated, self.documents, scenario)
        self.steps = {c.name: c for c in detect_steps_in_text(self.text)}
        violated, actions = {v.key for v in self.guard.violations}, lexicon_data().get("resolution_actions") or []
        # substance: a correct policy fact or a concrete step; apology and courtesy words count only beside it
        self.substance = any(c.key not in violated for c in self.claims) or any(a in self.text for a in actions)
        # on topic: a concrete step, a correct fact, or two content characters of the scenario ("您反映的情况已记录"
        # shares none with "裤脚开线了")
        asked = set(re.findall(r"[\u4e00-\u9fff]", scenario)) - STOPWORDS
        self.on_topic = self.substance or len(asked & set(self.text)) >= 2

    @cached_property
    def units(self) -> list[str]:
        """The parts of the answer compared with a rubric's example sentences."""
        return units(self.text)

    @cached_property
    def vectors(self) -> np.ndarray | None:
        """The parts embedded by the bundled model, or None (switched off, or no model)."""
        from aigc_cs.kb.semantic import embed

        return embed(self.units) if self.semantic and self.units else None


def _fact_stated(key: str, ctx: Context) -> bool:
    return stated(key, ctx.fixed, ctx.shop, ctx.claims, {v.key for v in ctx.guard.violations})


def _faults_from_lexicon(ctx: Context, kinds: list[str]) -> list[Fault]:
    return [Fault(kind=h.kind, quote=h.quote, start=h.start, end=h.end, message=h.message())
            for h in ctx.lexicon if h.kind in kinds]


def run_check(check: Check, ctx: Context, near: Evidence | None = None) -> CheckResult:
    """One check's result; `near`: the criterion's sentences that meet or miss it by meaning (for `by_meaning`)."""
    result = CheckResult(kind=check.kind, score=1.0, weight=check.weight, hard=check.hard, advice=check.advice,
                         floor=check.floor, evidence=[], faults=[])  # given, not defaulted: pydantic deep-copies a default list
    if check.channels and ctx.channel not in check.channels:
        result.applicable = False
        return result
    _score(check, ctx, result)
    if check.by_meaning and near is not None and result.applicable:
        weigh(check, result, near, ctx.text)
    if check.with_substance and not ctx.substance and result.score > 0:
        result.score = 0.0
        result.faults.append(Fault(kind="missing", message="只有道歉或客套话，没有具体的解决办法：先说清怎么处理、谁来做、什么时候"))
    return result


def _score(check: Check, ctx: Context, result: CheckResult) -> None:
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
        case "contains_any":  # a phrase inside stalling ("正在核实中，请耐心等待") is no step
            hits = [p for p in check.phrases if normalize(p) in ctx.unstalled]
            hits += [m.group(0) for p in check.patterns if (m := re.search(p, ctx.unstalled))]
            if not hits and check.or_product and len(found := product_specifics(ctx) or ctx.from_documents) >= check.or_product:
                hits = found[:5]
            if not hits and check.or_product:
                hits = product_echoes(ctx)[:1]
            if not hits and check.or_situation:
                hits = sorted(situation_pairs(ctx.scenario) - pairs(" ".join(check.or_situation)) & pairs(text))
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
            for pattern in check.patterns:  # e.g. chat particles at the end of a clause ("哦" in 发货哦, not 哈 in 哈尔滨)
                found = re.search(pattern, text)
                if found:
                    faults.append(Fault(kind="phrase", quote=found.group(0), start=found.start(), end=found.end(),
                                        message=f"“{found.group(0)}”：{check.advice or '不宜使用'}"))
            faults += [Fault(kind="offer", quote=c.quote, start=c.start, end=c.end,
                             message=f"“{c.quote}”：店铺政策没有授权这项优惠，不能自己答应，需要时先请示主管")
                       for c in ctx.claims if c.key in check.claims]
            result.score, result.faults = (0.0 if faults else 1.0), faults
        case "politeness":
            polite = courtesy_words("polite")
            result.score = min(1.0, sum(text.count(m) for m in polite) / max(1, check.min or 1))
            result.evidence = [m for m in polite if m in text]
        case "empathy":
            hits = [m for m in courtesy_words("empathy") if m in re.sub(r"(?:不用|别|不必|无需)担心", "", text)]
            result.score, result.evidence = (1.0 if hits else 0.0), hits
        case "policy":
            result.faults = [Fault(kind="policy", quote=v.quote, start=v.start, end=v.end, message=v.message)
                             for v in ctx.guard.violations] + ctx.mismatches
            result.score = 0.0 if result.faults else 1.0
            result.evidence = [c.quote for c in ctx.claims if c.key not in {v.key for v in ctx.guard.violations}]
        case "mentions_fact":
            keys = list(dict.fromkeys(k for i in ctx.intents for k in i.facts)) or check.facts
            documents = check.documents and bool(ctx.documents)
            documented = min(1.0, len(ctx.from_documents) / DOCUMENT_SPECIFICS) if documents and not ctx.stalls else 0.0
            if not keys and ctx.product_question:  # a question about a product: answered with the product's own facts
                found = product_specifics(ctx)
                result.score = max(documented, min(1.0, len(found) / PRODUCT_SPECIFICS))
                result.evidence = (found or ctx.from_documents)[:5]
                if result.score < 1.0:
                    result.faults = [Fault(kind="missing", message=f"没有用上“{ctx.product.name}”的商品资料（材质、规格、"
                                                                   "用法、适合人群等）来具体回答")]
            elif not keys and not documents:
                result.applicable = False
            else:  # the policy facts of the question's topics, or the details of the shop's passage that answers it
                stated = [k for k in keys if _fact_stated(k, ctx)]
                result.score = max(len(stated) / len(keys) if keys else 0.0, documented)
                result.evidence = ctx.from_documents[:5]
                from aigc_cs.guard.check import describe

                if result.score < 1.0:
                    result.faults = [Fault(kind="missing", message=f"没有说明：{describe(_describe_key(k), ctx.shop.facts)}")
                                     for k in keys if k not in stated] or [
                        Fault(kind="missing", message="没有用上店铺资料里回答这个问题的具体信息")]
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
                result.score = 1.0 if numbered_points(text) >= (check.min or 2) else 0.0
        case "structure":
            result.score, result.faults = structure(ctx)
        case "sms":
            result.score, result.faults = sms(ctx)
        case "offers":  # gifts, coupons, discounts the shop's facts do not back
            offers = invented_offers(ctx.fixed, ctx.shop, (*ctx.documents, *ctx.shop_texts), normalize(ctx.scenario))
            result.faults = [Fault(kind="offer", quote=o.quote, start=o.start, end=o.end, message=o.message) for o in offers]
            result.score = 0.0 if result.faults else 1.0
        case "private":  # a phone, an address, an order number in a message others can read
            result.faults = [Fault(kind="private", quote=p.quote, start=p.start, end=p.end, message=p.message())
                             for p in private_data(ctx.text)]
            result.score = 0.0 if result.faults else 1.0
        case "addresses_customer":  # the customer's 称呼 or the product they bought (from the scenario), or a phrase
            names = [*_addressee(ctx.scenario), *([ctx.product.name, *ctx.product.aliases] if ctx.product else [])]
            result.evidence = [n for n in [*names, *check.phrases] if normalize(n) in text]
            result.score = 1.0 if result.evidence else 0.0
        case "asks_experience":  # a question about how the customer gets on ("喝着还合口吗", not a sales question), or a phrase
            result.evidence = [s for s in ctx.sentences if _QUESTION.search(s) and not _SALES.search(s)]
            result.evidence += [p for p in check.phrases if normalize(p) in text]
            result.score = 1.0 if result.evidence else 0.0
        case "language_faults":  # each wording problem (slang, extreme word, typo…) costs a third: three or more, nothing
            result.faults = _faults_from_lexicon(ctx, list(check.lexicon)) + [
                Fault(kind="typo", quote=t.quote, start=t.start, end=t.end, message=t.message()) for t in ctx.typos]
            result.score = max(0.0, 1.0 - len({f.quote for f in result.faults}) / 3)
        case "repetition":
            seen: dict[str, str] = {}
            for sentence in ctx.sentences:
                key = re.sub(r"[\W_]", "", sentence)
                if len(key) >= 4 and any(key in other or other in key for other in seen):
                    result.faults.append(Fault(kind="repetition", quote=sentence, message=f"“{sentence}”重复了前面的话，没有新的信息"))
                seen.setdefault(key, sentence)
            result.score = 0.0 if result.faults else 1.0


PRODUCT_SPECIFICS = 6  # content pairs shared with the product's file (beyond the question's own words): a full answer
DOCUMENT_SPECIFICS = 6  # …or with the shop passages that answer the scenario
_QUESTION = re.compile(r"[吗呢么]\W*$|[？?]$|还是|请问|是否|要不要|可不可以")  # a clause that asks back

_SALES = re.compile(r"下单|拍下|回购|再来|还要|要不要|需要.{0,6}[吗么]|考虑|看看|库存|活动|优惠")
# "沉睡客户回访 · 短信：赵阿姨，275天前买过针织开衫" → 赵阿姨
_ADDRESSEE = re.compile(r"[：:]\s*([^，,：:\s]{2,8})[，,]")


def _addressee(scenario: str) -> list[str]:
    return _ADDRESSEE.findall(scenario)[:1]


_QUOTED = re.compile(r"[“\"「]([^”\"」]+)[”\"」]")


def situation_pairs(scenario: str) -> set[str]:
    """The content pairs of what the scenario says happened ("价格犹豫 · 在线消息：…问过“能不能便宜点”" → 价格, 犹豫,
    便宜…): the part before " · " and the customer's quoted words, numbers left out."""
    said = [scenario.split("·", 1)[0], *_QUOTED.findall(scenario)] if "·" in scenario else _QUOTED.findall(scenario)
    return {p for p in pairs(" ".join(said)) if not p.isdigit()}


def product_specifics(ctx: Context) -> list[str]:
    """What the answer says that comes from the product's own file and not from the question."""
    product = ctx.product
    return shared(ctx.stated, [" ".join(s.text for s in product.sections.values())], ctx.scenario) if product else []


ECHO_SHARE = 0.5  # of an answer sentence's character pairs found in one sentence of the product's own file


def product_echoes(ctx: Context) -> list[str]:
    """The answer's sentences that say again what one sentence of the product's own file says (a care tip such as
    "滤芯建议2-4周换一次"), beyond the scenario's words: a fact of the product even when it shares only one rare pair."""
    if ctx.product is None:
        return []
    said = re.findall(r"[^，,。！？!?；;\n]+", ctx.stated)
    text = ctx.product_text or " ".join(section.text for section in ctx.product.sections.values())
    own = [pairs(t) for t in re.findall(r"[^。！？!?；;\n]+", normalize(text))]
    asked = pairs(normalize(ctx.scenario))
    out = []
    for sentence in said:
        mine = pairs(sentence) - asked
        if len(mine) >= 4 and any(len(mine & theirs) >= ECHO_SHARE * len(mine) for theirs in own):
            out.append(sentence.strip())
    return out


def _describe_key(key: str) -> str:
    return {"return_condition": "no_reason_return_days", "bargain_limit_yuan": "bargain_yuan"}.get(key, key)


FAULT_KINDS = ("policy", "typo", "banned", "extreme", "slang", "phrase", "offer", *HANDLING, "repetition", "sms")


def score_criterion(criterion: Criterion, ctx: Context) -> CriterionScore:
    near = evidence(criterion, ctx.units, ctx.vectors) if criterion.examples else None
    results = [run_check(check, ctx, near) for check in criterion.checks]
    counted = [r for r in results if r.applicable]
    graded = [r for r in counted if not r.hard and r.weight]  # hard checks are gates: they cap, they earn nothing
    weight = sum(r.weight for r in graded)
    if weight:
        fraction = sum(r.weight * r.score for r in graded) / weight
    else:  # only gates apply: credit only an answer that takes the question up; nothing applies: nothing asked
        fraction = 1.0 if not counted or ctx.on_topic else 0.0
    capped = any(r.hard and r.score < 1.0 for r in counted)
    top = len(criterion.levels) - 1
    floor = max((r.floor for r in counted if r.score >= 1.0), default=0)
    level = 0 if capped else min(top, max(floor, math.floor(fraction * top + 0.5)))
    faults = [f for r in counted for f in r.faults]
    if level == top and any(f.kind in FAULT_KINDS for f in faults):  # a listed fault never earns the top level
        level = top - 1
    advice = [r.advice for r in counted if r.score < 1.0 and r.advice]
    return CriterionScore(id=criterion.id, name=criterion.name, level=level, levels=len(criterion.levels),
                          points=criterion.levels[level].points, max_points=criterion.weight,
                          evidence=[e for r in counted for e in r.evidence][:5],
                          feedback=feedback(criterion, level, advice, faults), cites=str(criterion.cites),
                          faults=faults, capped=capped)


def feedback(criterion: Criterion, level: int, advice: list[str], faults: list[Fault]) -> str:
    """Feedback a 16-year-old can act on: where the answer stands, what to change, and where to read."""
    descriptor = criterion.levels[level].descriptor
    listed = [f.message for f in faults if f.kind in FAULT_KINDS]
    if level == len(criterion.levels) - 1 and not listed and not advice:
        return f"做得好：{descriptor}"
    parts = [f"现在的水平：{descriptor}"]
    parts += listed[:3]
    parts += advice[:2]
    parts.append(f"复习：{criterion.cites}")
    return "；".join(p.rstrip("。；") for p in parts)


def grade_rules(answer: str, rubric: Rubric, shop: Shop, scenario: str = "", channel: Channel | None = None,
                documents: list[str] | None = None, semantic: bool = True, product_text: str = "",
                shop_texts: tuple[str, ...] = ()) -> Grade:
    """`semantic`: also weigh the rubric's example sentences by meaning (when the embedding model is there);
    `product_text`: the scenario product's whole file (its sections hold only what their headings name);
    `shop_texts`: all the shop's passages (the offers it makes)."""
    ctx = Context(answer, shop, scenario, rubric.id, channel, documents, semantic, product_text, shop_texts)
    graded = [c for c in rubric.criteria if scenario.strip() or not c.needs_scenario]
    skipped = [c for c in rubric.criteria if c not in graded]
    criteria = [score_criterion(c, ctx) for c in graded]
    warnings = [f"没有提供题目情境（--scenario）：“{'、'.join(c.name for c in skipped)}”要看情境才能评，这次没有评分，"
                f"总分只按其余各项计（满分 {sum(c.weight for c in graded):g}）"] if skipped else []
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
    total = sum(c.points for c in criteria)
    if rubric.policy_cap is not None and ctx.guard.violations and total > rubric.policy_cap:
        total = rubric.policy_cap
        warnings.append(f"答案与店铺政策矛盾，总分最高只能得 {rubric.policy_cap:g} 分（不及格）")
    return Grade(rubric=rubric.id, shop=shop.info.id, scorer="rules", scenario=scenario, answer=answer,
                 total=round(total, 2), scale=sum(c.weight for c in graded), criteria=criteria,
                 faults=faults, flags=flags, warnings=warnings)

"""Compare the policy claims of a text with one shop's facts."""

import re

from pydantic import BaseModel

from aigc_cs.guard.claims import Claim, clause_at, extract
from aigc_cs.kb.models import PolicyFacts, Shop
from aigc_cs.text import NUMBER, to_number

PAYER = {"shop": "由店铺承担", "buyer": "由买家承担"}
INVOICE = {"after_receipt": "确认收货后开具", "after_shipping": "订单发货后开具", "with_order": "下单时申请、随订单开具", "none": "不提供发票"}


class Violation(BaseModel):
    key: str
    quote: str
    start: int
    end: int
    fact: str  # the correct fact, in Chinese
    source: str
    message: str


class GuardReport(BaseModel):
    shop: str
    claims: list[Claim]
    violations: list[Violation]

    @property
    def ok(self) -> bool:
        return not self.violations


def describe(key: str, f: PolicyFacts) -> str:
    """The shop's fact for a claim key, as one Chinese phrase."""
    threshold = f.free_shipping_threshold_yuan
    texts = {
        "no_reason_return_days": f"支持{f.no_reason_return_days}天无理由{'退换' if f.no_reason_exchange else '退货'}"
        f"（{f.return_condition}）" if f.no_reason_return_days else "不支持无理由退货",
        "no_reason_exchange": "无理由期内可以换货" if f.no_reason_exchange and f.no_reason_return_days
        else "不支持无理由换货（只退不换）",
        "return_shipping_quality_issue": f"质量问题退换的运费{PAYER[f.return_shipping_quality_issue]}",
        "return_shipping_buyer_reason": f"个人原因退换的运费{PAYER[f.return_shipping_buyer_reason]}",
        "return_shipping": f"质量问题退换运费{PAYER[f.return_shipping_quality_issue]}，"
        f"个人原因退换运费{PAYER[f.return_shipping_buyer_reason]}",
        "freight_insurance": "赠送运费险" if f.freight_insurance else "不赠送运费险",
        "ship_within_hours": f"付款后{f.ship_within_hours}小时内发货",
        "free_shipping_threshold_yuan": "不包邮" if threshold is None
        else ("全场包邮" if threshold == 0 else f"满{threshold:g}元包邮"),
        "bargain_yuan": "不议价" if f.bargain_limit_yuan == 0 else f"客服让价不超过{f.bargain_limit_yuan:g}元",
        "refund_working_days": f"店铺确认后{f.refund_working_days}个工作日内退款到账",
        "invoice": f"发票{INVOICE[f.invoice]}",
        "delay_compensation": f.delay_compensation or "没有固定的延迟发货补偿",
        "quality_claim_days": f"质量问题需在收货后{f.quality_claim_days}天内反馈",
        "aftersale_reply_minutes": f"售后{f.aftersale_reply_minutes}分钟内回复",
    }
    return texts[key]


def _contradicts(claim: Claim, f: PolicyFacts) -> bool:
    v = claim.value
    match claim.key:
        case "no_reason_return_days":
            return v != f.no_reason_return_days
        case "return_shipping_quality_issue":
            return v != f.return_shipping_quality_issue
        case "return_shipping_buyer_reason":
            return v != f.return_shipping_buyer_reason
        case "return_shipping":  # unclear which case: wrong only if it is wrong for both
            return v != f.return_shipping_quality_issue and v != f.return_shipping_buyer_reason
        case "freight_insurance":
            return v != f.freight_insurance
        case "ship_within_hours":
            return v != f.ship_within_hours
        case "free_shipping_threshold_yuan":
            fact = f.free_shipping_threshold_yuan
            return fact == 0 if v is None else v != fact  # "不包邮" is wrong only where everything ships free
        case "bargain_yuan":
            return (v == -1.0 and f.bargain_limit_yuan == 0) or (isinstance(v, float) and v > f.bargain_limit_yuan)
        case "refund_working_days":
            return v != f.refund_working_days
        case "invoice":
            return v != f.invoice
        case "delay_compensation":
            return _compensation_contradicts(str(v), f.delay_compensation)
        case "quality_claim_days":
            return v != f.quality_claim_days
        case "no_reason_exchange":
            return bool(v) != (f.no_reason_exchange and f.no_reason_return_days > 0)
        case "aftersale_reply_minutes":
            return v is not None and v > f.aftersale_reply_minutes
    return False


def _compensation_contradicts(claimed: str, fact: str | None) -> bool:
    import re

    if fact is None:
        return claimed != "none"
    if claimed == "none":
        return True
    amounts = [to_number(m) for m in re.findall(rf"({NUMBER})\s*元", fact)]
    return claimed != "some" and to_number(claimed.removesuffix("元")) not in amounts


def check_text(text: str, shop: Shop, by_meaning: bool = True) -> GuardReport:
    """Every claim in `text` and the ones that contradict the shop's facts, each naming the correct fact; periods
    in words the fixed readings do not know are read by meaning too (`by_meaning`, with the embedding model)."""
    from aigc_cs.guard import meaning

    claims = extract(text)
    if by_meaning:
        claims += meaning.claims(text, claims)
    violations = [
        Violation(
            key=c.key, quote=c.quote, start=c.start, end=c.end, fact=describe(c.key, shop.facts),
            source=shop.policy_source,
            message=f"“{c.quote}”与店铺政策不符：本店{describe(c.key, shop.facts)}（来源：{shop.policy_source}）",
        )
        for c in claims
        if _contradicts(c, shop.facts) and not _product_case(c, text, shop) and not _shop_case(c.key, c.start, c.quote, text, shop)
    ]
    return GuardReport(shop=shop.info.id, claims=claims, violations=violations)


_CLAUSE = re.compile(r"[^，,。！？!?；;：:\n]+")  # 另外提醒您：刻字款不支持…: the lead-in is no part of the case
_SPACE = re.compile(r"\s+")


def _cases(start: int, quote: str, text: str) -> list[str]:
    """The clause a claim starting at `start` stands in, when it holds more than the claim (刻了字不支持无理由退换), else
    that clause together with the one before it or the one after it that sets the case (睡过的睡袋有污渍、异味的，不支持7天
    无理由退; 签收后7天内，收到就不能用的…)."""
    from aigc_cs.text import normalize

    matches = list(_CLAUSE.finditer(normalize(text)))
    at = next((i for i, m in enumerate(matches) if m.start() <= start < m.end()), None)
    if at is None:
        return []
    found = [_SPACE.sub("", m.group(0)) for m in matches]
    clause = found[at]
    if len(clause) - len(_SPACE.sub("", quote)) >= 2:
        return [clause]
    return [f"{found[i]}，{found[j]}" for i, j in ((at - 1, at), (at, at + 1)) if i >= 0 and j < len(found)]


def _flat(text: str) -> str:
    from aigc_cs.text import normalize

    return _SPACE.sub("", normalize(text))


def _product_case(claim: Claim, text: str, shop: Shop) -> bool:
    """The claim stands in a case that one of the shop's product files says word for word (刻字要多等1天发货): the
    product's own case, not a rule against the shop's facts."""
    return any(case in _flat(t) for case in _cases(claim.start, claim.quote, text)
               for p in shop.products for t in (p.text, _said(p.text)))


def _shop_case(key: str, start: int, quote: str, text: str, shop: Shop) -> bool:
    """The claim stands in a case the shop's policy says word for word (刻字的保温杯要多刻一天，72小时内发出) while the
    policy also states the fact itself (不管什么情况，付款后48小时内一定发出): the shop's own exception, not prose that
    lags behind its facts."""
    return any(case in _flat(shop.policy_text) for case in _cases(start, quote, text)) \
        and key in _stated(shop.policy_text, shop.facts)


def _stated(policy: str, facts: PolicyFacts) -> set[str]:
    """The fact keys the policy's prose states as the facts have them (付款后48小时内一定发出)."""
    return {c.key for c in extract(policy) if not _contradicts(c, facts)}


def _said(text: str) -> str:
    """A product file as the replies say it (`键：值` read out: 退换：刻字款… → 退换是刻字款…)."""
    from aigc_cs.kb.shops import as_sentence

    return "\n".join(as_sentence(line) for line in text.splitlines() if line.strip())


def check_in_context(text: str, shop: Shop, context: str) -> GuardReport:
    """`check_text` for a reply to `context` (the customer's line, a teacher's scenario): the situation it states
    decides which fact a claim is about ("拍多了想退" makes "退货运费由店铺承担" a claim about the buyer's own
    reason). Offsets refer to `text`, normalised."""
    from aigc_cs.guard.claims import situation
    from aigc_cs.text import normalize

    said = normalize(text)
    prefix = situation(context) + "\n" if context and situation(context) else ""
    report = check_text(prefix + said, shop)
    if not prefix:
        return report
    shift = len(prefix)

    def moved(items):
        return [i.model_copy(update={"start": i.start - shift, "end": i.end - shift}) for i in items if i.start >= shift]

    return GuardReport(shop=report.shop, claims=moved(report.claims), violations=moved(report.violations))


_TIME_NUMBER = re.compile(rf"({NUMBER})\s*(?:个)?(天|小时|工作日|分钟)")
_FACTS_BY_UNIT = {"天": ("no_reason_return_days", "quality_claim_days", "refund_working_days"),
                  "工作日": ("refund_working_days",), "小时": ("ship_within_hours",), "分钟": ("aftersale_reply_minutes",)}


def agrees_with_facts(sentence: str, shop: Shop) -> bool:
    """Policy prose may lag behind the facts (the YAML was changed, the text was not), or put them otherwise (一般不议价
    where the rep may concede 20元): a prose sentence is repeated to a customer only when the guard reads no policy
    claim in it and every period it gives about a policy fact's topic (退货…7天, 48小时…发货) is one of those facts' values. Other numbers (快递2-4天到,
    顺丰补10元) are the shop's own details."""
    from aigc_cs.guard.facts import FACT_TOPICS, refuses_bargain

    if check_text(sentence, shop).violations:  # prose that lags behind the YAML's facts
        return False
    if shop.facts.bargain_limit_yuan > 0 and refuses_bargain(sentence):
        return False
    facts = shop.facts.model_dump()
    for m in _TIME_NUMBER.finditer(sentence):
        number, unit = m.groups()
        keys = [k for k in _FACTS_BY_UNIT[unit] if re.search(FACT_TOPICS.get(k, "$^"), sentence)
                and not _other_act(clause_at(sentence, m), FACT_TOPICS[k])]
        if keys and to_number(number) not in {float(facts[k]) for k in keys} \
                and not all(_shop_case(k, m.start(), m.group(0), sentence, shop) for k in keys):
            return False
    return True


# what a period of the shop's own may be about besides a fact's topic (还没发货的订单申请退款，24小时内处理)
_ACTS = re.compile(r"处理|审核|同意|回复|答复|上门|安装|取件|揽收|补发|寄出")


def _other_act(clause: str, topic: str) -> bool:
    """The clause that gives the period is about another act than the fact's topic, which the sentence names elsewhere
    (发货 of 还没发货的订单 is the order's state, 24小时内处理 the time a refund takes to handle)."""
    return bool(_ACTS.search(clause)) and not re.search(topic, clause)

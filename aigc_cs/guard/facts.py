"""Whether a text states one of the shop's policy facts: by the claims it makes and the numbers it gives,
never by one fixed phrase. Shared by the grader (is the fact in the student's answer?) and the reply eval
(is it in the generated reply?)."""

import re

from aigc_cs.guard.check import check_text
from aigc_cs.guard.claims import Claim, extract
from aigc_cs.kb.models import Shop
from aigc_cs.text import NUMBER, to_number

# claim keys that state each policy fact (see aigc_cs.guard.claims)
FACT_CLAIMS = {
    "return_shipping_buyer_reason": ("return_shipping_buyer_reason", "return_shipping"),
    "return_shipping_quality_issue": ("return_shipping_quality_issue", "return_shipping"),
    "bargain_limit_yuan": ("bargain_yuan",),
}
# a refusal to bargain, however it is phrased: 不议价, 没办法议价, 没法便宜, 明码标价…没办法改价, 已经是活动价
_REFUSES_BARGAIN = re.compile(
    r"(?:不|没办法|没有办法|没法|无法|不能|不可以|不好|不支持|做不了|改不了)\s*(?:再)?\s*(?:给您|给你|帮您)?\s*"
    r"(?:议价|讲价|还价|砍价|便宜|优惠|降价|改价|改价格|少|让价|抹零)|明码标价|统一(?:定价|标价|价格)|"
    r"(?:已经是|就是|是)(?:最低|活动|底|实在|优惠|促销)价|价格(?:是)?(?:统一|固定)的?|一口价|(?:议|讲|还)不了价|"
    r"价[格钱]?(?:是)?(?:不能|没法|没办法|无法|不可以|不好)(?:再)?(?:改|调|降|少|便宜|商量)")
_MANY = re.compile(r"不\s*少")
# who pays return shipping, in the words students use ("运费我们来出", "不用您出运费", "运费需要您自己付")
_SHOP_PAYS = re.compile(r"(?:不用|不需要|无需|不必|不会让)\s*(?:您|你)?\s*(?:来|再|额外|自己)?\s*(?:出|承担|支付|付|花|垫付)"
                        r"\s*(?:任何|一分)?\s*(?:运费|邮费|钱)|运费\s*(?:都)?\s*(?:由)?\s*(?:我们|店铺|商家|本店|我方)\s*(?:来)?\s*"
                        r"(?:出|付|承担|负责|报销)|(?:我们|店铺|商家|本店)\s*(?:来)?\s*(?:出|付|承担|报销)\s*(?:来回|往返|寄回)?\s*(?:的)?\s*运费")
_BUYER_PAYS = re.compile(r"运费\s*(?:需要|要|得|由)?\s*(?:您|你|买家|顾客)\s*(?:自己|自行)?\s*(?:来)?\s*(?:出|付|承担|负责)|"
                         r"(?:您|你)\s*(?:需要|要|得)?\s*(?:自己|自行)?\s*(?:出|付|承担)\s*(?:寄回|退回|来回)?\s*(?:的)?\s*运费")
_ESCALATES = re.compile(r"(?:补偿|赔偿|补救).{0,12}(?:上报|主管|申请|协商|反馈|请示)|(?:上报|主管|申请|协商|反馈|请示).{0,12}(?:补偿|赔偿|补救)")
_YUAN = re.compile(rf"({NUMBER})\s*(?:元|块)")
# for numeric facts: the words of a sentence that talks about it
FACT_TOPICS = {
    "no_reason_return_days": r"无理由|退换|退货|(?:可以|能)[\u4e00-\u9fff]{0,3}退(?!款|回|到|还)",  # 可以按袋退
    "ship_within_hours": r"发货|发出",
    "refund_working_days": r"退款|到账|退回",
    "quality_claim_days": r"质量|破损|瑕疵|问题|漏液|开线",
    "aftersale_reply_minutes": r"回复|答复|联系",
    "free_shipping_threshold_yuan": r"包邮|邮费|运费",
}


def refuses_bargain(text: str) -> bool:
    """A refusal to bargain in any wording (不议价, 没办法便宜, 明码标价); 不少 alone says "many" (配件一样不少, 不少人)."""
    return any(not _MANY.fullmatch(m.group()) for m in _REFUSES_BARGAIN.finditer(text))


def _number_near_topic(value: float, topic: str, text: str) -> bool:
    """The fact's number appears in a sentence about its topic ("签收后15天内……可以无理由退货")."""
    for sentence in re.split(r"[。！？!?\n；;]", text):
        if re.search(topic, sentence):
            numbers = [to_number(m) for m in re.findall(NUMBER, sentence)]
            if value in numbers:
                return True
    return False


def _amounts(text: str) -> set[float]:
    """Every amount of money in `text`, by value: 十元, 10元 and 10块 are the same."""
    return {v for m in _YUAN.findall(text) if (v := to_number(m)) is not None}


def _compensation_stated(fact: str, text: str) -> bool:
    """The compensation is stated when its amounts and its form (券, 红包, 现金) are in the answer, by value."""
    amounts = _amounts(fact)
    if not amounts or not amounts <= _amounts(text):
        return False
    forms = [f for f in ("券", "红包", "现金", "积分") if f in fact]
    return all(f in text for f in forms)


def _payer_stated(payer: str, text: str) -> bool:
    return bool((_SHOP_PAYS if payer == "shop" else _BUYER_PAYS).search(text))


def stated(key: str, text: str, shop: Shop, claims: list[Claim] | None = None,
           violations: set[str] | None = None) -> bool:
    """True when `text` states the shop's fact `key` (a PolicyFacts field) without contradicting it."""
    facts = shop.facts
    value = getattr(facts, key)
    claims = extract(text) if claims is None else claims
    violations = {v.key for v in check_text(text, shop).violations} if violations is None else violations
    if key == "return_condition":
        parts = [p for p in re.split(r"[、，,；;。]", str(value)) if len(p) >= 2]
        return any(p in text for p in parts)
    if key == "delay_compensation" and value is None:  # no standard: say so, or pass it to a supervisor
        promised = any(c.key == key and c.value != "none" for c in claims)
        return not promised and (any(c.key == key for c in claims) or bool(_ESCALATES.search(text)))
    if key == "bargain_limit_yuan":
        refuses = refuses_bargain(text) and "bargain_yuan" not in violations
        conceded = any(c.key == "bargain_yuan" for c in claims) and "bargain_yuan" not in violations
        return refuses or (value > 0 and conceded)
    if key == "delay_compensation":
        return key not in violations and _compensation_stated(value, text)
    if key in ("return_shipping_buyer_reason", "return_shipping_quality_issue") and key not in violations \
            and "return_shipping" not in violations and _payer_stated(value, text):
        return True
    keys = FACT_CLAIMS.get(key, (key,))
    exact = key.startswith("return_shipping")  # "运费我们来出" does not state that the buyer pays
    if any(c.key in keys and c.key not in violations and (not exact or c.value == value) for c in claims):
        return True
    topic = FACT_TOPICS.get(key)
    return bool(topic) and isinstance(value, int | float) and not isinstance(value, bool) \
        and key not in violations and _number_near_topic(float(value), topic, text)

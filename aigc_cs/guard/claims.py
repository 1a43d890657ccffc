"""Extract policy claims from Chinese text: return window, who pays return shipping, shipping time,
free-shipping threshold, price concessions, refund time, invoice timing, compensation and response times.

Numbers may be Arabic or Chinese (七天, 四十八小时, 满九十九); ranges keep their upper bound
("1-2个工作日" -> 2); negations ("不支持无理由退货", "不包邮") are claims of their own; a negation
that only names a condition ("拆封后不支持无理由退货") is a condition, not a claim.
"""

import re
from functools import cache, lru_cache
from typing import Literal

from pydantic import BaseModel

from aigc_cs.kb.places import place_words
from aigc_cs.text import NUMBER as N
from aigc_cs.text import normalize, to_number

ClaimKey = Literal[
    "no_reason_return_days", "return_shipping_quality_issue", "return_shipping_buyer_reason", "return_shipping",
    "freight_insurance", "ship_within_hours", "free_shipping_threshold_yuan", "bargain_yuan",
    "refund_working_days", "invoice", "delay_compensation", "quality_claim_days", "aftersale_reply_minutes",
    "no_reason_exchange",
]
Value = float | bool | str | None


class Claim(BaseModel):
    key: ClaimKey
    value: Value
    quote: str
    start: int
    end: int


_RANGE = rf"(?<![第\d一二三四五六七八九十百两])({N})\s*(?:(?:-|~|到|至)\s*({N}))?"  # 第二天发出 is the next day, no 2 days
_CONDITION = re.compile(r"过的|拆封|拆开|打开|开过|开封|开了|使用过|用过|已使用|穿过|穿着|洗涤|洗过|吊牌|剪标|定制|损坏|二次销售|未满|不满|贴身|内衣|食品")
_SENT_WRONG = re.compile(r"发错|错发|漏发|少发|寄错")
_QUALITY = re.compile(r"质量|破损|瑕疵|发错|错发|漏发|少发|描述不符|坏了|损坏|过敏|问题商品|次品|破(?:了|袋|洞|口|裂)|压坏|摔坏|碎了|漏(?:了|粮|液|水)|变质|发霉|受潮"
                      r"|起皮|掉涂层|涂层脱落|开裂|裂了|生锈|锈了|断了|不保温|不工作|不转|不出水|变形|鼓包|开胶|脱线|开线"
                      r"|(?:少|缺)了?(?:一|两|几|\d+)?(?:个|件|只|盒|袋|瓶|包|双|份)|少了那|少件|缺件|漏寄|少寄|少给"
                      r"|卡住|卡死|卡着|收不起来|合不上|关不上|打不开|用不了|不能用|没法用")
_BUYER = re.compile(r"无理由|个人原因|不喜欢|不想要|不合适|拍多|多拍|买多了|买重复|用不上|不需要了|喝不惯|吃不惯|不爱喝|不爱吃|尺码|拍错|换(?:个)?颜色|换色|买错|主观|换码|换大|换小|换成[大中小]号|换个[大中小]号|太沉|太重了|穿着(?:偏)?[大小]了?")
_DELAY = re.compile(r"延迟|晚发|迟发|延误|没发货|未发货|超时|发货慢|发货晚|发晚了|还没发|没有发")

_NO_REASON_NEG = re.compile(rf"(?:不支持|不能|不可以|不可|没有|不提供|无法|不享受|不参加)\s*(?:{N}\s*天)?\s*无理由(?!换)(?!(?:退货?|退换)?的(?:是|有|商品|东西|情况))")
_NO_REASON = [
    re.compile(rf"({N})\s*天\s*(?:内|以内|之内)?\s*(?:都|均)?\s*(?:可以|能|支持|享受|提供)?\s*(?:申请)?\s*无理由"),
    re.compile(rf"无理由退(?:换)?货?\s*(?:的)?\s*(?:期限|时间|时限)?\s*(?:是|为|有)\s*({N})\s*天"),
    # the window, then its conditions, then the offer ("收到7天内锅没开过火、包装齐全的，不喜欢也可以无理由退换")
    re.compile(rf"({N})\s*天\s*(?:内|以内|之内)[^。！？；;]{{0,24}}?(?<![不没])(?:也|都)?(?<![不没])(?:可以|能|支持|享受)\s*无理由"),
]
_EXCHANGE = re.compile(r"(?<!不支持无理由)(?<!不能无理由)(?<!不提供无理由)(?<!不可以无理由)(?<=无理由)退换|(?:可以|能|支持|都能|都可以|免费|包)\s*(?:申请)?\s*(?:换货|换码|换尺码|换颜色|换个|换一(?:个|件|款|双|条|套|瓶|支|盒|号|码)|调换|退换)")
_EXCHANGE_NEG = re.compile(r"(?:不支持|不能|不可以|不提供|无法|不)\s*(?:直接|无理由)?\s*(?:换货|调换|换)")
ORDER_SPECIFIC = re.compile(r"您(?:的|这)?(?:这)?(?:单|个订单|笔订单|订单|包裹)|这单|这个订单")
_RETURN_WINDOW = re.compile(rf"({N})\s*天\s*(?:内|以内|之内)?\s*(?:都|均)\s*(?:可以|能|行|可)")
_SHOP_PAYS = [
    re.compile(r"(?:我们|我方|店铺|本店|小店|商家|卖家|店里)\s*(?:来|会|将|都|负责)?\s*(?:承担|负责|出|包|报销|补贴)\s*"
               r"(?:来回|往返|双向|退货|寄回|退回)?\s*(?:的)?\s*(?:运费|邮费|快递费)"),
    re.compile(r"(?:运费|邮费|快递费)\s*(?:由|是|都由|全由|都是|全是|全部|全都|都)?\s*(?:我们|我方|店铺|本店|小店|商家|卖家)\s*(?:店铺|店里|小店)?\s*(?:来|会|都)?"
               r"\s*(?:承担|负责|出)"),
    re.compile(r"(?:退货|退换货?|换货)\s*(?:都)?\s*包\s*(?:来回|往返)?\s*运费|包来回运费|免费退换|运费全免"),
]
_BUYER_PAYS = [
    re.compile(r"(?:运费|邮费|快递费)\s*(?:由|是|都由|都是|需要|需|要|得)?\s*(?:您|你|买家|顾客|亲|客户|买方)\s*(?:自己|自行)?\s*(?:来)?\s*"
               r"(?:承担|负责|出|支付|付)"),
    re.compile(r"(?:您|你|买家|顾客|客户|买方)\s*(?:需要|需|要|得)?\s*(?:先)?\s*(?:自己|自行)?\s*(?:承担|负担|支付|出|付)\s*"
               r"(?:来回|往返|退货|寄回|退回)?\s*(?:的)?\s*(?:运费|邮费|快递费)"),
]
_INSURANCE_NEG = re.compile(r"(?:没有|没|不|无)\s*(?:会|能)?\s*(?:赠送|附赠|送|赠|含|带|附带|提供)?\s*(?:退货)?\s*运费险")
_INSURANCE = re.compile(r"(?:赠送|附赠|送|赠|带|含|有|提供)\s*(?:了)?\s*(?:退货)?\s*运费险")
_SHIP = [
    re.compile(rf"{_RANGE}\s*(小时|个小时|天|日|个工作日)\s*(?:之内|以内|内)?\s*(?:就|即可|会|可以|能|都|一定|保证|肯定){{0,2}}\s*"
               rf"(?:为您|给您|帮您|安排)?\s*(?:安排)?\s*发(?:货|出)"),
    re.compile(rf"发货\s*(?:时间|时效)?\s*(?:是|为|在)?\s*(?:付款后|下单后)?\s*{_RANGE}\s*(小时|个小时|天|日|个工作日)"),
]
_CUTOFF = re.compile(r"(?:\d{1,2}\s*点(?:半|\d{1,2}分)?|\d{1,2}[:：]\d{2})(?:之|以)?前[^。！？；;]{0,10}$")
_SHIP_SAME_DAY = re.compile(r"当天(?:就|即)?(?:能|会|可以)?发(?:货|出)|当日发(?:货|出)|今天(?:就)?(?:能|会)?发(?:货|出)")
_FREE_THRESHOLD = re.compile(rf"满\s*({N})\s*(?:元|块)?\s*(?:就|即|可|即可|才|都)?\s*(?:能|可以)?\s*包邮")
_FREE_ALL = re.compile(r"(?:全场|全店|所有商品|全部商品|一律|无门槛|任意金额|不限金额|每单都|都)\s*(?:都|均)?\s*包邮")
_FREE_NEG = re.compile(r"(?<!包)(?:不包邮|不能包邮|没有包邮|不支持包邮|无法包邮|不提供包邮)")
_EACH = r"(?:每\s*[袋件个瓶盒罐份单套支条双])?"  # 给您每袋便宜20
_BARGAIN = re.compile(rf"(?:便宜|少收|让利|让|降价|降|抹|优惠)\s*(?:了|给|您|你)*\s*({N})\s*(?:元|块|(?=[，。！~～,!\s]|$))")
_BARGAIN_ANY = re.compile(
    rf"(?:可以|能|给您|给你|帮您|帮你)\s*(?:再)?\s*{_EACH}\s*(?:便宜|少收|让|打个?折|优惠)(?!券)|打\s*个?\s*[\d一二三四五六七八九]\s*折"
)
# refund time: working days anywhere in a refund sentence; plain days only when tied to the money arriving
_REFUND = re.compile(rf"{_RANGE}\s*(?:个)?\s*(?:工作日\s*(?:内|以内|之内)?|(?:天|日)\s*(?:内|以内|之内)?\s*(?:就|即可|会|能|可)?\s*(?:到账|退回|原路|退到|返还))")
_INVOICE_NONE = re.compile(r"(?:不|无法|不能|没法|不可以)\s*(?:提供|开具?|开)\s*(?:具)?\s*发票|不开发票|没有发票")
_INVOICE_AFTER = re.compile(r"(?:确认)?收货\s*(?:后|之后|以后)|签收\s*(?:后|之后)")
_INVOICE_SHIPPED = re.compile(r"发货\s*(?:后|之后|以后)|发出\s*(?:后|之后)")
_INVOICE_WITH = re.compile(r"(?:下单|付款)(?!的?金额)|拍下|购买时|随货|随包裹|随订单|和货一起|跟货一起|一起寄")
_ISSUED = re.compile(r"\s*(?:就|再|会|才|统一|一起|给您|帮您)?\s*(?:开具|开票|开发票|开)")
_COMPENSATE_AMOUNT = re.compile(rf"(?:补偿|赔偿|赔付|赔|送|赠送|发放)\s*(?:给)?\s*(?:您|你)?\s*(?:一张)?\s*({N})\s*元")
_COMPENSATE_ANY = re.compile(r"(?:给您|给你|会|将|可以|为您)\s*(?:一些|一定的?)?\s*(?:补偿|赔偿)")
_COMPENSATE_NEG = re.compile(r"(?:没有|无|不提供|不做|暂无)\s*(?:固定的?)?\s*(?:延迟|延误|晚发)?(?:发货)?的?\s*(?:补偿|赔偿)")
_QUALITY_DAYS = re.compile(rf"(?:收货|签收|收到(?:货|商品|包裹)?)\s*(?:后|之后|起)?\s*({N})\s*天\s*(?:内|以内|之内)?")
_REPLY_MIN = re.compile(rf"({N})\s*分钟\s*(?:内|以内|之内)?\s*(?:就)?\s*(?:回复|响应|答复|联系|处理|回您)")

_SENTENCE = re.compile(r"[^。！？!?\n；;]+[。！？!?\n；;]*")


def _upper(match: re.Match[str], first: int = 1) -> float | None:
    high = match.group(first + 1) if match.re.groups > first else None
    return to_number(high) if high else to_number(match.group(first))


def _conditional(sentence: str, match: re.Match[str]) -> bool:
    """A negation is only a condition ("拆封后不支持…") when a condition word leads up to it in its sentence."""
    return bool(_CONDITION.search(sentence[: match.end()]))


_CLAUSE = re.compile(r"[^，,；;。！？!?\n]+[？?]?")
# a question claims nothing: A不A, a final 吗/么/呢 or ？, and the typed question's final 不/没 ("可以退换不", "包邮没")
_QUESTION = re.compile(r"([\u4e00-\u9fff])[不没]\1|[吗么呢][^\u4e00-\u9fff]*$|[？?]$|[\u4e00-\u9fff][不没][^\u4e00-\u9fff]*$")


def _without_questions(text: str) -> str:
    """Blank out question clauses ("送不送运费险", "能便宜点吗"): a question claims nothing. Offsets are kept."""
    chars = list(text)
    for m in _CLAUSE.finditer(text):
        if _QUESTION.search(m.group(0).strip()):
            chars[m.start(): m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def _read_through(text: str) -> str:
    """The text read through its net spellings (`lexicon.read_through`: 木有 → 没有), then through the claim readings,
    each padded to the length it replaces, so offsets hold."""
    from aigc_cs.guard.lexicon import read_through

    text = read_through(text)
    for pattern, reading in _claim_readings():
        text = pattern.sub(lambda m, reading=reading: _padded(m, reading), text)
    return text


@cache
def _claim_readings() -> list[tuple[re.Pattern[str], str]]:
    from aigc_cs.guard.lexicon import lexicon_data

    return [(re.compile(p), r) for p, r in (lexicon_data().get("claim_readings") or {}).items()]


def _padded(m: re.Match[str], reading: str) -> str:
    """The reading of a match, padded with spaces to the match's length (or the match itself if it is longer)."""
    said = m.expand(reading)
    return said + " " * (len(m.group(0)) - len(said)) if len(said) <= len(m.group(0)) else m.group(0)


def extract(text: str) -> list[Claim]:
    """All policy claims in `text`, in order; offsets refer to the normalised text."""
    return list(_extract(text))


@lru_cache(maxsize=4096)  # one answer is read by the checker, the scorer and the improver; a reference every time
def _extract(text: str) -> tuple[Claim, ...]:
    original = normalize(text)
    text = _without_questions(_read_through(original))
    claims: list[Claim] = []
    for sentence_match in _SENTENCE.finditer(text):
        claims.extend(_sentence_claims(sentence_match.group(0), sentence_match.start(), text))
    return tuple(c.model_copy(update={"quote": original[c.start:c.end].strip()}) for c in claims)  # the words as written


def _sentence_claims(s: str, offset: int, whole: str) -> list[Claim]:
    found: list[Claim] = []
    taken: list[tuple[int, int]] = []

    def add(key: ClaimKey, value: Value, m: re.Match[str], also: bool = False) -> None:
        """One claim per span of text; `also` adds a second fact the same words state."""
        if not also and any(m.start() < e and m.end() > b for b, e in taken):
            return
        taken.append((m.start(), m.end()))
        found.append(Claim(key=key, value=value, quote=m.group(0).strip(), start=offset + m.start(),
                           end=offset + m.end()))

    for m in _NO_REASON_NEG.finditer(s):
        if not _conditional(s, m):
            add("no_reason_return_days", 0.0, m)
    for pattern in _NO_REASON:
        for m in pattern.finditer(s):
            add("no_reason_return_days", to_number(m.group(1)), m)
    if not _QUALITY.search(s) and not _conditional(s, re.search(r"$", s)):  # a quality exchange is another matter
        for m in _EXCHANGE_NEG.finditer(s):
            add("no_reason_exchange", False, m)
        for m in _EXCHANGE.finditer(s):
            add("no_reason_exchange", True, m)
    if "退" in s and not re.search(r"到账|退回|原路|退到", s):  # "可以退，30天内都行" states a return window:
        window: ClaimKey = "quality_claim_days" if _QUALITY.search(s) else "no_reason_return_days"  # whose?
        for m in _RETURN_WINDOW.finditer(s):
            add(window, to_number(m.group(1)), m)

    if re.search(r"运费|邮费|快递费|退换", s):
        for pattern, payer in [*((p, "shop") for p in _SHOP_PAYS), *((p, "buyer") for p in _BUYER_PAYS)]:
            for m in pattern.finditer(s):
                if not any(m.start() < e and m.end() > b for b, e in taken) and not _outbound(clause_at(s, m)):
                    for case in _shipping_cases(clause_at(s, m), s, whole):
                        add(case, payer, m, also=True)

    for m in _INSURANCE_NEG.finditer(s):
        add("freight_insurance", False, m)
    for m in _INSURANCE.finditer(s):
        if not re.search(r"(购买|买了|自己买|自行购买|如果)", s[max(0, m.start() - 6): m.start()]):
            add("freight_insurance", True, m)

    for pattern in _SHIP:
        for m in pattern.finditer(s):
            amount, unit = _upper(m), m.group(3)
            if amount is not None:
                add("ship_within_hours", amount if "小时" in unit else amount * 24, m)
    for m in _SHIP_SAME_DAY.finditer(s):
        # "您这单今天就能发出" is about one order, "12点前付款的，当天发出" about orders paid before a cut-off: neither is
        # the shop's promise for every order
        if not ORDER_SPECIFIC.search(s) and not _CUTOFF.search(s[:m.start()]):
            add("ship_within_hours", 24.0, m)

    if not place_words(s):  # 新疆、西藏满99元包邮 is a region's exception, not the shop's threshold
        for m in _FREE_THRESHOLD.finditer(s):
            add("free_shipping_threshold_yuan", to_number(m.group(1)), m)
        for m in _FREE_ALL.finditer(s):
            add("free_shipping_threshold_yuan", 0.0, m)
        for m in _FREE_NEG.finditer(s):
            if not _conditional(s, m):
                add("free_shipping_threshold_yuan", None, m)

    if _DELAY.search(s) or _DELAY.search(whole):
        for m in _COMPENSATE_NEG.finditer(s):
            add("delay_compensation", "none", m)
        for m in _COMPENSATE_AMOUNT.finditer(s):
            add("delay_compensation", f"{to_number(m.group(1)):g}元", m)
        for m in _COMPENSATE_ANY.finditer(s):
            add("delay_compensation", "some", m)

    for m in _BARGAIN.finditer(s):
        if "券" not in s[m.end(): m.end() + 4]:
            add("bargain_yuan", to_number(m.group(1)), m)
    for m in _BARGAIN_ANY.finditer(s):
        if not re.search(r"不|没", s[max(0, m.start() - 3): m.start()]):
            add("bargain_yuan", -1.0, m)  # a concession without an amount

    if re.search(r"退款|到账|退回|原路", s):
        for m in _REFUND.finditer(s):
            if not re.search(r"发|收货|签收|收到", s[max(0, m.start() - 4): m.start()]):
                add("refund_working_days", _upper(m), m)

    if "发票" in s:
        kinds = ((_INVOICE_NONE, "none"), (_INVOICE_AFTER, "after_receipt"), (_INVOICE_SHIPPED, "after_shipping"),
                 (_INVOICE_WITH, "with_order"))
        said = [(m, value) for pattern, value in kinds if (m := pattern.search(s))]
        # the time the issuing is said of (随订单开具，发货后会发到邮箱: with the order), else the first kind found
        issued = next(((m, value) for m, value in said if _ISSUED.match(s, m.end())), said[0] if said else None)
        if issued:
            add("invoice", issued[1], issued[0])

    if _QUALITY.search(s):
        for m in _QUALITY_DAYS.finditer(s):
            add("quality_claim_days", to_number(m.group(1)), m)
    for m in _REPLY_MIN.finditer(s):
        add("aftersale_reply_minutes", to_number(m.group(1)), m)
    return found


def situation(text: str) -> str:
    """The words of a text (a customer's line) that decide which fact a later claim is about — a quality problem,
    the buyer's own reason, a late order — as a plain statement to prefix the claim with, since a question
    itself claims nothing."""
    words = [m.group(0) for p in (_QUALITY, _BUYER, _DELAY) for m in p.finditer(normalize(text))]
    return "、".join(dict.fromkeys(words)) + "。" if words else ""


_EVERY_CASE = re.compile(r"都由|一律|全部|所有|任何|无论|不管|不论|(?:什么|啥)原因都|都是(?:我们|店铺|本店|您|你|买家)")


def clause_at(sentence: str, m: re.Match[str]) -> str:
    """The comma-delimited part of the sentence that holds the match ("质量问题的话邮费都不用您出")."""
    start = max(sentence.rfind(c, 0, m.start()) for c in "，,") + 1
    ends = [i for c in "，," if (i := sentence.find(c, m.end())) >= 0]
    return sentence[start: min(ends) if ends else len(sentence)]


# the parcel sent out to the customer (换过去的新帐篷运费由我们出, 补发的运费): no return shipping, which the facts are about
_OUTBOUND = re.compile(r"换过去|寄过去|发过去|寄给您|发给您|给您寄|给您发|补发|重发|重新发|再发一")
_INBOUND = re.compile(r"寄回|退回|发回|退货|寄过来|寄来")


def _outbound(clause: str) -> bool:
    return bool(_OUTBOUND.search(clause)) and not _INBOUND.search(clause)


def _shipping_cases(clause: str, sentence: str, whole: str) -> list[ClaimKey]:
    """Which return-shipping facts a payer claim is about: quality problems, the buyer's own reason (read in the
    claim's own clause first, then its sentence, then the whole text), both when it says so for every return
    ("退货运费都由本店承担"), or unclear."""
    for text in (clause, sentence, whole):
        quality, buyer = bool(_QUALITY.search(text)), bool(_BUYER.search(text))
        if quality and buyer and _SENT_WRONG.search(text):  # 发错尺码, 发错了颜色: the shop's mistake, whatever it names
            return ["return_shipping_quality_issue"]
        if quality != buyer:
            return ["return_shipping_quality_issue" if quality else "return_shipping_buyer_reason"]
    if _EVERY_CASE.search(sentence):
        return ["return_shipping_quality_issue", "return_shipping_buyer_reason"]
    return ["return_shipping"]

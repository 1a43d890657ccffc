"""The policy guard: claim extraction from Chinese text, checking claims against the demo shops' facts,
and the phrase book's word lists (禁用语, 极限词, 网络流行语)."""

import pytest

from aigc_cs.guard.check import check_text
from aigc_cs.guard.claims import extract
from aigc_cs.guard.lexicon import scan
from aigc_cs.kb.loaders import load
from aigc_cs.kb.models import Shop
from aigc_cs.kb.shops import read_shop
from aigc_cs.paths import corpus_dir
from aigc_cs.text import normalize

MAX_BYTES = 20 * 2**20
SHOP_IDS = ("demo-fashion", "demo-beauty")


@pytest.fixture(scope="module")
def shops() -> dict[str, Shop]:
    return {shop_id: read_shop(corpus_dir() / "shops" / shop_id, corpus_dir(), MAX_BYTES)[0] for shop_id in SHOP_IDS}


def claims_of(text: str) -> list[tuple[str, object]]:
    return [(c.key, c.value) for c in extract(text)]


# --------------------------------------------------------------------------------------------------
# Claim extraction
# --------------------------------------------------------------------------------------------------

CHINESE_NUMERALS = [
    ("支持七天无理由退货", [("no_reason_return_days", 7.0)]),
    ("十五天无理由退货", [("no_reason_return_days", 15.0)]),
    ("无理由退货期限是七天", [("no_reason_return_days", 7.0)]),
    ("七天之内都可以无理由退货", [("no_reason_return_days", 7.0)]),
    ("付款后四十八小时内发货", [("ship_within_hours", 48.0)]),
    ("四十八个小时内发货", [("ship_within_hours", 48.0)]),
    ("二十四小时内发货", [("ship_within_hours", 24.0)]),
    ("付款后两个工作日内发货", [("ship_within_hours", 48.0)]),
    ("两天内发货", [("ship_within_hours", 48.0)]),
    ("满九十九元包邮", [("free_shipping_threshold_yuan", 99.0)]),
    ("满两百元包邮", [("free_shipping_threshold_yuan", 200.0)]),
    ("满一百包邮", [("free_shipping_threshold_yuan", 100.0)]),
    ("满９９元包邮", [("free_shipping_threshold_yuan", 99.0)]),  # full-width digits
    ("退款会在两个工作日内原路退回", [("refund_working_days", 2.0)]),
    ("质量问题请在收货后三天内反馈", [("quality_claim_days", 3.0)]),
    ("售后十分钟内回复", [("aftersale_reply_minutes", 10.0)]),
]


@pytest.mark.parametrize(("text", "expected"), CHINESE_NUMERALS)
def test_extract_reads_chinese_and_arabic_numerals(text, expected):
    assert claims_of(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("下午4点以后付款的，第二天发出", []),  # the next day, no two days
    ("每天中午12点前付款的，当天发出", []),  # orders paid before a cut-off, not every order
    ("我们当天发出", [("ship_within_hours", 24.0)]),
    ("第3天到账的话请联系我们", []),
])
def test_extract_an_ordinal_day_or_a_cut_off_is_no_period(text, expected):
    assert claims_of(text) == expected


RANGES = [
    ("退款1-2个工作日到账", [("refund_working_days", 2.0)]),
    ("退款一到两个工作日内到账", [("refund_working_days", 2.0)]),
    ("退款一般一至三个工作日到账", [("refund_working_days", 3.0)]),
    ("退款1~3个工作日到账", [("refund_working_days", 3.0)]),
    ("3到5天发货", [("ship_within_hours", 120.0)]),
    ("3至5天发货", [("ship_within_hours", 120.0)]),
    ("24-48小时内发货", [("ship_within_hours", 48.0)]),
]


@pytest.mark.parametrize(("text", "expected"), RANGES)
def test_extract_ranges_keep_the_upper_bound(text, expected):
    assert claims_of(text) == expected


NEGATIONS = [
    ("本店不支持无理由退货", [("no_reason_return_days", 0.0)]),
    ("不支持7天无理由退货", [("no_reason_return_days", 0.0)]),
    ("本店不支持无理由换货", [("no_reason_exchange", False)]),  # exchanges only: returns may still be allowed
    ("不支持7天无理由退货，也不支持无理由换货", [("no_reason_return_days", 0.0), ("no_reason_exchange", False)]),
    ("这款不包邮哦", [("free_shipping_threshold_yuan", None)]),
    ("本店没有运费险", [("freight_insurance", False)]),
    ("本店不附带运费险", [("freight_insurance", False)]),
    ("我们店不送退货运费险", [("freight_insurance", False)]),
    ("下单时不会送运费险", [("freight_insurance", False)]),
    ("不能无理由退的是吐司这些短保商品", []),  # which goods are excepted: no rule for the shop
    ("发票金额按实际付款金额开", []),  # what the invoice says, not when it is issued
    ("本店不提供发票", [("invoice", "none")]),
    ("本店不开发票", [("invoice", "none")]),
    ("延迟发货我们目前没有固定补偿", [("delay_compensation", "none")]),
]


@pytest.mark.parametrize(("text", "expected"), NEGATIONS)
def test_extract_negations_are_claims_of_their_own(text, expected):
    assert claims_of(text) == expected


CONDITIONS = [
    "拆封后不支持无理由退货",
    "已拆封使用的商品不支持无理由退货",
    "吊牌剪掉后就不支持无理由退货了。",
    "穿过、洗过的衣服不支持无理由退货",
    "未满99元不包邮",
    "不满99元的订单不包邮",
]


@pytest.mark.parametrize("text", CONDITIONS)
def test_extract_a_negated_condition_is_not_a_claim(text):
    assert extract(text) == []


@pytest.mark.parametrize("text", ["可以退换不", "7天内都能退不", "包邮没", "送不送运费险", "能便宜点吗",
                                  "可以换一种支付方式"])  # a payment method is no exchange of goods
def test_extract_a_typed_question_is_not_a_claim(text):
    assert extract(text) == []


def test_extract_condition_does_not_hide_the_claim_beside_it():
    assert claims_of("未满99元不包邮，满99元包邮") == [("free_shipping_threshold_yuan", 99.0)]
    assert claims_of("七天无理由退货的前提是吊牌完好") == [("no_reason_return_days", 7.0)]


WHO_PAYS = [
    ("运费由买家承担", [("return_shipping", "buyer")]),
    ("退货运费需要您自己承担", [("return_shipping", "buyer")]),
    ("您需要承担退货运费", [("return_shipping", "buyer")]),
    ("运费您自己承担", [("return_shipping", "buyer")]),
    ("来回运费由我们承担", [("return_shipping", "shop")]),
    ("我们承担来回运费", [("return_shipping", "shop")]),
    ("店铺承担往返运费", [("return_shipping", "shop")]),
    ("来回运费我们承担", [("return_shipping", "shop")]),
    ("质量问题的话，来回运费由店铺承担", [("return_shipping_quality_issue", "shop")]),
    ("个人原因退换，运费需要您自己承担", [("return_shipping_buyer_reason", "buyer")]),
    ("不喜欢的话运费由店铺承担", [("return_shipping_buyer_reason", "shop")]),
]


@pytest.mark.parametrize(("text", "expected"), WHO_PAYS)
def test_extract_who_pays_return_shipping(text, expected):
    assert claims_of(text) == expected


FREIGHT_INSURANCE = [
    ("送运费险", [("freight_insurance", True)]),
    ("本店订单都赠送运费险", [("freight_insurance", True)]),
    ("如果您购买了运费险", []),
    ("如果您购买了运费险，退货后可以理赔", []),
    ("您自己买了运费险的话可以理赔", []),
]


@pytest.mark.parametrize(("text", "expected"), FREIGHT_INSURANCE)
def test_extract_freight_insurance_given_versus_bought_by_buyer(text, expected):
    assert claims_of(text) == expected


INVOICE = [
    ("发票在确认收货后开具", [("invoice", "after_receipt")]),
    ("签收后可以开发票", [("invoice", "after_receipt")]),
    ("发票随订单一起开具", [("invoice", "with_order")]),
    ("下单时就可以申请发票", [("invoice", "with_order")]),
    ("发票随货寄出", [("invoice", "with_order")]),
    ("本店不开发票", [("invoice", "none")]),
    ("发票随订单开具，发货后会发到订单页面", [("invoice", "with_order")]),  # the issuing, not where it is sent
    ("下单时备注抬头，发货后开具发票", [("invoice", "after_shipping")]),
]


@pytest.mark.parametrize(("text", "expected"), INVOICE)
def test_extract_invoice_timing(text, expected):
    assert claims_of(text) == expected


COMPENSATION = [
    ("抱歉延迟发货了，补偿您5元无门槛优惠券", [("delay_compensation", "5元")]),
    ("迟发的话赔付您十元", [("delay_compensation", "10元")]),
    ("延迟发货的话送您一张5元优惠券", [("delay_compensation", "5元")]),
    ("延迟发货会给您一些补偿", [("delay_compensation", "some")]),
    ("延迟发货的话我们目前没有固定的补偿。", [("delay_compensation", "none")]),
    # without a delay in the text, "送您5元" is a promotion, not a delay compensation
    ("满99元送您5元优惠券", []),
]


@pytest.mark.parametrize(("text", "expected"), COMPENSATION)
def test_extract_delay_compensation_amounts(text, expected):
    assert claims_of(text) == expected


BARGAIN = [
    ("可以便宜10元", [("bargain_yuan", 10.0)]),
    ("可以便宜二十元", [("bargain_yuan", 20.0)]),
    ("给您让利10元", [("bargain_yuan", 10.0)]),
    ("少收您10元", [("bargain_yuan", 10.0)]),
    ("可以便宜5块钱", [("bargain_yuan", 5.0)]),
    ("可以给您便宜一点", [("bargain_yuan", -1.0)]),  # a concession without an amount
    ("打九折", [("bargain_yuan", -1.0)]),
    ("给您打个九折", [("bargain_yuan", -1.0)]),
    ("不能便宜哦", []),
    ("可以给您优惠券", []),
    ("可以领10元优惠券", []),
]


@pytest.mark.parametrize(("text", "expected"), BARGAIN)
def test_extract_bargaining_amounts(text, expected):
    assert claims_of(text) == expected


def test_extract_several_claims_in_order_with_offsets_into_the_normalised_text():
    text = "您好！本店支持七天无理由退货，满九十九元包邮。付款后２４小时内发货。"
    claims = extract(text)
    assert [(c.key, c.value) for c in claims] == [
        ("no_reason_return_days", 7.0),
        ("free_shipping_threshold_yuan", 99.0),
        ("ship_within_hours", 24.0),
    ]
    normalised = normalize(text)
    for claim in claims:
        assert normalised[claim.start:claim.end].strip() == claim.quote
    assert [c.start for c in claims] == sorted(c.start for c in claims)


# --------------------------------------------------------------------------------------------------
# check_text against the demo shops
# --------------------------------------------------------------------------------------------------

FASHION_FACTS = {
    "no_reason_return_days": "支持7天无理由退换（吊牌完好、未穿着未洗涤、不影响二次销售）",
    "free_shipping_threshold_yuan": "满99元包邮",
    "bargain_yuan": "客服让价不超过20元",
    "ship_within_hours": "付款后48小时内发货",
    "invoice": "发票确认收货后开具",
    "freight_insurance": "赠送运费险",
    "refund_working_days": "店铺确认后2个工作日内退款到账",
    "return_shipping_quality_issue": "质量问题退换的运费由店铺承担",
    "return_shipping_buyer_reason": "个人原因退换的运费由买家承担",
    "delay_compensation": "付款后超过48小时未发货，补偿5元无门槛优惠券",
    "quality_claim_days": "质量问题需在收货后3天内反馈",
    "aftersale_reply_minutes": "售后5分钟内回复",
}
BEAUTY_FACTS = {
    "no_reason_return_days": "支持15天无理由退货（未拆封、塑封完好；已拆封使用的商品不支持无理由退货）",
    "free_shipping_threshold_yuan": "全场包邮",
    "bargain_yuan": "不议价",
    "ship_within_hours": "付款后24小时内发货",
    "invoice": "发票下单时申请、随订单开具",
    "freight_insurance": "不赠送运费险",
    "refund_working_days": "店铺确认后3个工作日内退款到账",
    "return_shipping_buyer_reason": "个人原因退换的运费由买家承担",
    "delay_compensation": "没有固定的延迟发货补偿",
}

CONTRADICTIONS = [
    ("demo-fashion", "亲，本店支持30天无理由退货", "no_reason_return_days"),
    ("demo-fashion", "签收一个月内都可以无理由退货", "no_reason_return_days"),  # a period in words
    ("demo-fashion", "半个月内可以无理由退货", "no_reason_return_days"),
    ("demo-fashion", "We accept 30 days no-reason returns", "no_reason_return_days"),  # English from an LLM
    ("demo-fashion", "本店不支持无理由退货", "no_reason_return_days"),
    ("demo-fashion", "全场包邮", "free_shipping_threshold_yuan"),
    ("demo-fashion", "满59元包邮", "free_shipping_threshold_yuan"),
    ("demo-fashion", "可以便宜30元", "bargain_yuan"),
    ("demo-fashion", "三天内发货", "ship_within_hours"),
    ("demo-fashion", "发票随订单开具", "invoice"),
    ("demo-fashion", "发货后给您开发票", "invoice"),
    ("demo-fashion", "本店不送运费险", "freight_insurance"),
    ("demo-fashion", "退款3个工作日到账", "refund_working_days"),
    ("demo-fashion", "质量问题退货运费由买家承担", "return_shipping_quality_issue"),
    ("demo-fashion", "个人原因退货运费由我们承担", "return_shipping_buyer_reason"),
    ("demo-fashion", "个人原因退货的来回运费我们承担", "return_shipping_buyer_reason"),
    ("demo-fashion", "延迟发货补偿您10元", "delay_compensation"),
    ("demo-fashion", "延迟发货我们没有补偿", "delay_compensation"),
    ("demo-fashion", "质量问题请在收货后7天内反馈", "quality_claim_days"),
    ("demo-fashion", "售后10分钟内回复", "aftersale_reply_minutes"),
    ("demo-beauty", "支持七天无理由退货", "no_reason_return_days"),
    ("demo-beauty", "满99包邮", "free_shipping_threshold_yuan"),
    ("demo-beauty", "满九十九元包邮", "free_shipping_threshold_yuan"),
    ("demo-beauty", "本店不包邮", "free_shipping_threshold_yuan"),
    ("demo-beauty", "可以便宜10元", "bargain_yuan"),
    ("demo-beauty", "可以给您便宜一点", "bargain_yuan"),
    ("demo-beauty", "给您打个九折", "bargain_yuan"),
    ("demo-beauty", "48小时内发货", "ship_within_hours"),
    ("demo-beauty", "发票确认收货后开具", "invoice"),
    ("demo-beauty", "发货后开发票", "invoice"),
    ("demo-beauty", "赠送运费险", "freight_insurance"),
    ("demo-beauty", "退款2个工作日到账", "refund_working_days"),
    ("demo-beauty", "个人原因退货运费由我们承担", "return_shipping_buyer_reason"),
    ("demo-beauty", "延迟发货补偿您5元", "delay_compensation"),
    ("demo-beauty", "延迟发货会给您一些补偿", "delay_compensation"),
]


@pytest.mark.parametrize(("shop_id", "text", "key"), CONTRADICTIONS)
def test_check_text_catches_a_contradiction_and_names_the_fact_and_source(shops, shop_id, text, key):
    facts = FASHION_FACTS if shop_id == "demo-fashion" else BEAUTY_FACTS
    report = check_text(text, shops[shop_id])
    assert [v.key for v in report.violations] == [key], report.claims
    violation = report.violations[0]
    source = f"shops/{shop_id}/policy.md"
    assert violation.fact == facts[key]
    assert violation.source == source
    assert violation.quote in normalize(text)
    assert facts[key] in violation.message
    assert source in violation.message
    assert f"“{violation.quote}”" in violation.message
    assert not report.ok
    assert report.shop == shop_id


TRUE_STATEMENTS = [
    ("demo-fashion", "签收后7天内支持无理由退换货，吊牌需要完好。", "no_reason_return_days"),
    ("demo-fashion", "订单付款后四十八小时内发货。", "ship_within_hours"),
    ("demo-fashion", "单笔实付满99元包邮，不满99元需要另付运费。", "free_shipping_threshold_yuan"),
    ("demo-fashion", "质量问题退换的来回运费由店铺承担。", "return_shipping_quality_issue"),
    ("demo-fashion", "因个人原因退换，退货运费由买家承担，不过本店订单都赠送运费险。", "freight_insurance"),
    ("demo-fashion", "退款会在1-2个工作日内原路退回。", "refund_working_days"),
    ("demo-fashion", "发票在您确认收货后开具。", "invoice"),
    ("demo-fashion", "这次可以给您便宜10元。", "bargain_yuan"),
    ("demo-fashion", "最多可以让利20元。", "bargain_yuan"),
    ("demo-fashion", "付款后超过48小时没发货的，补偿您5元无门槛优惠券。", "delay_compensation"),
    ("demo-fashion", "质量问题请在签收后3天内联系客服。", "quality_claim_days"),
    ("demo-fashion", "售后问题客服会在5分钟内回复您。", "aftersale_reply_minutes"),
    ("demo-beauty", "未拆封的商品签收后15天内可以无理由退货。", "no_reason_return_days"),
    ("demo-beauty", "十五天无理由退货，已拆封使用的商品不支持无理由退货。", "no_reason_return_days"),
    ("demo-beauty", "付款后24小时内发货。", "ship_within_hours"),
    ("demo-beauty", "全店所有订单都包邮，没有门槛。", "free_shipping_threshold_yuan"),
    ("demo-beauty", "无门槛包邮", "free_shipping_threshold_yuan"),
    ("demo-beauty", "退款3个工作日内原路退回。", "refund_working_days"),
    ("demo-beauty", "质量问题退货的来回运费由店铺承担。", "return_shipping_quality_issue"),
    ("demo-beauty", "个人原因退货，运费需要您自己承担。", "return_shipping_buyer_reason"),
    ("demo-beauty", "本店不附带运费险。", "freight_insurance"),
    ("demo-beauty", "发票下单时就可以申请，随订单一起开具。", "invoice"),
    ("demo-beauty", "质量问题请在签收后七天内联系客服。", "quality_claim_days"),
    ("demo-beauty", "售后咨询客服会在10分钟内回复。", "aftersale_reply_minutes"),
    ("demo-beauty", "延迟发货的话我们目前没有固定的补偿。", "delay_compensation"),
]


@pytest.mark.parametrize(("shop_id", "text", "key"), TRUE_STATEMENTS)
def test_check_text_true_statement_is_recognised_and_passes(shops, shop_id, text, key):
    report = check_text(text, shops[shop_id])
    assert key in [c.key for c in report.claims]  # the claim was read, so the pass means something
    assert report.violations == []
    assert report.ok


@pytest.mark.parametrize("shop_id", SHOP_IDS)
def test_check_text_policy_prose_agrees_with_its_own_facts(shops, shop_id):
    policy = corpus_dir() / "shops" / shop_id / "policy.md"
    prose = load(policy, MAX_BYTES).text
    report = check_text(prose, shops[shop_id])
    assert len({c.key for c in report.claims}) >= 8
    assert report.violations == []
    # the whole file, YAML header included, must not trip the guard either
    assert check_text(policy.read_text(encoding="utf-8"), shops[shop_id]).violations == []


@pytest.mark.parametrize("shop_id", SHOP_IDS)
def test_check_text_conditions_are_not_violations(shops, shop_id):
    text = "拆封后不支持无理由退货。穿过、洗过的衣服不支持无理由退货。未满99元不包邮。如果您购买了运费险，可以理赔。"
    report = check_text(text, shops[shop_id])
    assert report.claims == []
    assert report.violations == []


def test_check_text_shop_without_free_shipping_accepts_no_free_shipping(shops):
    no_free = shops["demo-fashion"].model_copy(deep=True)
    no_free.facts.free_shipping_threshold_yuan = None
    report = check_text("本店不包邮", no_free)
    assert [c.key for c in report.claims] == ["free_shipping_threshold_yuan"]
    assert report.violations == []
    assert [v.fact for v in check_text("满99元包邮", no_free).violations] == ["不包邮"]


# --------------------------------------------------------------------------------------------------
# Lexicon scan
# --------------------------------------------------------------------------------------------------

CAUGHT = [
    ("在的", "banned", "在的"),
    ("你懂不懂茶啊，第一泡本来就是要倒掉的。", "banned", "你懂不懂"),  # contempt for the customer
    ("这么简单的东西还要教，真麻烦。", "banned", "这么简单的东西还要教"),
    ("你手办摔坏了关我什么事？", "banned", "关我什么事"),
    ("哦，卖完了，去别的店看看吧。", "banned", "去别的店看看吧"),
    ("这是最轻的手机", "extreme", "最轻的"),
    ("这款精华真的太顶了，入股不亏！", "slang", "太顶了"),  # newer internet words
    ("我这边很忙，您长话短说。", "banned", "我这边很忙"),
    ("您要是再闹，我们就把您拉黑了。", "banned", "拉黑"),
    ("谁让您下单前不问清楚尺码呢。", "banned", "谁让您"),
    ("这款营养品零副作用，老人小孩都可以放心吃。", "extreme", "零副作用"),
    ("这件冲锋衣的防水性能在业界首屈一指。", "extreme", "首屈一指"),
    ("这瓶香水的味道泰裤辣，很适合夏天。", "slang", "泰裤辣"),
    ("在的。", "banned", "在的"),
    ("在的~", "banned", "在的"),
    ("我也不知道", "banned", "我也不知道"),
    ("这个我不清楚", "banned", "这个我不清楚"),
    ("全网最低价", "extreme", "全网最"),
    ("这款销量第一名", "extreme", "销量第一"),
    ("这款是第一名", "extreme", "第一名"),
    ("这款龙井是全网最好的", "extreme", "全网最"),
    ("白嫖", "slang", "白嫖"),
    ("好的鸭", "slang", "好的鸭"),
    ("么么哒，祝您愉快", "slang", "么么哒"),
    ("只贵一丢丢", "slang", "一丢丢"),
    ("麻烦发个图图", "slang", "图图"),
    ("我真服了", "slang", "服了"),
    ("这不归我管", "banned", "不归我管"),
    ("这款精华100%有效", "extreme", "100%"),
    ("这款精华100％有效", "extreme", "100%"),  # full-width percent sign
    ("百分百有效", "extreme", "百分百"),
    ("yyds", "slang", "yyds"),
    ("这件真的YYDS", "slang", "YYDS"),
    ("绝绝子", "slang", "绝绝子"),
    ("亲亲这边帮您查一下", "slang", "亲亲这边"),
    ("家人们", "slang", "家人们"),
]


@pytest.mark.parametrize(("text", "kind", "quote"), CAUGHT)
def test_scan_catches(text, kind, quote):
    hits = scan(text)
    assert (kind, quote) in [(h.kind, h.quote) for h in hits]
    hit = next(h for h in hits if (h.kind, h.quote) == (kind, quote))
    assert quote in normalize(text)[hit.start:hit.end]
    kind_name = {"banned": "禁用语", "extreme": "极限词", "slang": "网络流行语"}[kind]
    assert hit.message().startswith(f"{kind_name}“{quote}”")
    assert hit.instead and hit.instead in hit.message()


NOT_CAUGHT = [
    "谢谢您的好评，您说“在古镇拍照特别出片”，也谢谢您愿意分享照片。",  # the customer's words quoted back
    "电量显示100%就表示已经充满了",  # a measurement, no promise
    "弹力带有五种阻力，最轻的一条适合做康复训练。",  # one of the product's own variants
    "排名第一的问题是尺码，我们已经重新整理了尺码表。",
    "现在的价格是99元",
    "我们现在的价格很优惠",
    "不知道您喜欢哪个颜色",
    "不知道您平时穿多大码呢",
    "第一次购买可以领新人券",
    "我们会第一时间处理",
    "最近天气转凉，可以看看这件开衫",
    "第一步先拍照",
    "纯棉面料，穿着舒适",
    "您好，请问有什么可以帮您？",
    "冲泡时用80到85度的水口感最好",  # advice on use, not an advertising claim
    "最好上传一下照片，方便我们核实",
    "第一泡十秒左右出汤",
    "客服了解到您的情况后会马上处理",  # 服了 inside 客服了解
    "我们家的北京烤鸭是冷链发货",
    "这件外套是白鸭绒填充的",
    "您也可以在订单页自己查看物流进度",
    "这款茶的最佳赏味期是开封后三个月内",
    "按狗狗胸围（前腿后面最粗的一圈）选码",  # where to measure, not a claim
    "很抱歉，议价我做不了主，不过可以帮您申请一个小赠品",
    "这款灯带是5米一卷，每隔10厘米有一个剪口标记",  # 厘米有 is no 米有
    "您说孩子最爱吃这款海苔，我们也很开心",
]


@pytest.mark.parametrize("text", NOT_CAUGHT)
def test_scan_leaves_innocent_words_alone(text):
    assert scan(text) == []


def test_naming_the_logistics_topic_blames_no_one():
    assert scan("关于物流的问题，我们已经在跟进", ("blame",)) == []
    assert [h.kind for h in scan("这是物流的问题，跟我们没关系", ("blame",))] == ["blame", "blame"]


def test_scan_only_the_requested_kinds_in_order():
    text = "在的。这款全网最低价，yyds"
    assert [h.kind for h in scan(text)][:1] == ["banned"]
    assert {h.kind for h in scan(text, kinds=("slang",))} == {"slang"}
    starts = [h.start for h in scan(text)]
    assert starts == sorted(starts)
    assert {h.kind for h in scan(text)} == {"banned", "extreme", "slang"}


TYPO_CAUGHT = [("可以退欵的", "退欵", "退款"), ("满99包由", "包由", "包邮"), ("申请收后", "收后", "售后"),
               ("下单用优惠卷", "优惠卷", "优惠券"), ("非常报歉", "报歉", "抱歉"),
               # 在/再 and 的/得 where only one is right (corpus/phrasebook/lexicon.yaml, particle_slips)
               ("有需要在找我", "在找", "再找"), ("换粮记的慢慢换", "记的", "记得"), ("您考虑的怎么样了", "考虑的", "考虑得"),
               ("在次感谢您的支持", "在次", "再次"), ("现再下单当天发", "现再", "现在"),
               # a real word where only its sound-alike fits; either branch of a context is the quote
               ("还请您多多包含。", "包含", "包涵"), ("今天给您发顺风", "顺风", "顺丰"), ("顺风快递明天到", "顺风", "顺丰"),
               ("感谢您的平价和晒图", "平价", "评价")]


@pytest.mark.parametrize(("text", "quote", "right"), TYPO_CAUGHT)
def test_a_curated_homophone_typo_is_caught_with_the_right_word(text, quote, right):
    from aigc_cs.guard.typos import find_typos

    assert [(t.quote, t.suggestion) for t in find_typos(text)] == [(quote, right)]


@pytest.mark.parametrize("text", ["点击这个连接就能下单", "处理结果明天告诉您", "签收后7天内可以退", "这款是纯棉的",
                                  "可以退或换", "我们会尽快地处理",
                                  "这款洗洁精可以用来洗碗和洗果蔬",  # 洗碗: in jieba's dictionary, no misspelt 洗完
                                  "在次日上午发货", "这是数值的变化", "您可以在买家秀里看看", "可以在拍下时备注颜色", "同省的一般两天到", "欢迎在店铺首页领券",
                                  "花得值的东西", "在广东的合作工厂生产", "5枝满天星和适量尤加利叶", "平价款也有",
                                  "顺风顺水",
                                  "您提到“宝宝大腿根部有勒痕”，可能是尺码偏小了"])  # the customer's words, quoted back
def test_a_common_word_or_a_word_inside_another_is_no_typo(text):
    from aigc_cs.guard.typos import find_typos

    assert find_typos(text) == []


@pytest.mark.parametrize("text", ["不好意思，这款没办法议价", "我们是明码标价的，这边没办法改价", "这款真的没办法便宜了",
                                  "价格不能改哦，可以看看店铺活动"])
def test_a_paraphrased_refusal_to_bargain_states_the_fact(shops, text):
    from aigc_cs.guard.facts import stated

    assert stated("bargain_limit_yuan", text, shops["demo-beauty"])
    assert not stated("bargain_limit_yuan", "这款面霜很好用，您放心", shops["demo-beauty"])


@pytest.mark.parametrize(("text", "refuses"), [("真的不能再少啦", True), ("不少老顾客都回购了", False),
                                               ("配件一样不少，不影响7天无理由退换", False)])
def test_many_is_no_refusal_to_bargain(text, refuses):
    from aigc_cs.guard.facts import refuses_bargain

    assert refuses_bargain(text) is refuses


@pytest.mark.parametrize(("text", "expected"), [("补偿您一张五元无门槛优惠券", True), ("补偿您一张5元无门槛券", True),
                                                ("补偿您一张10元无门槛券", False), ("我们会给您一些补偿", False)])
def test_compensation_is_compared_by_value(shops, text, expected):
    from aigc_cs.guard.facts import stated

    assert stated("delay_compensation", "您的订单延迟发货了。" + text, shops["demo-fashion"]) is expected


def test_who_pays_is_read_from_the_words_students_use(shops):
    from aigc_cs.guard.facts import stated

    assert stated("return_shipping_buyer_reason", "尺码不合适换货的话，寄回的运费需要您自己出", shops["demo-fashion"])
    assert not stated("return_shipping_buyer_reason", "运费我们来出", shops["demo-fashion"])


# --------------------------------------------------------------------------------------------------
# Issue 9 item 4: general language checks (pinyin typos, claims in context, slang on word boundaries)
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "quote", "right"), [
    ("付宽后48小时内发货", "付宽", "付款"),  # 付款 comes from the shop documents, not from the curated list
    ("麻烦发一下付款的截途给我", "截途", "截图"),
    ("这件毛衣洗了几次有点起求", "起求", "起球"),
    ("给您添麻烦了，我们马上为您补法", "补法", "补发"),
])
def test_a_homophone_of_a_document_word_is_a_typo(text, quote, right):
    from aigc_cs.guard.typos import find_typos

    assert [(t.quote, t.suggestion) for t in find_typos(text)] == [(quote, right)]


@pytest.mark.parametrize("text", [
    "建议先在耳后试用",  # 先 is a common word standing alone, not a misspelt 现
    "运费先由您垫付",  # 运费 + 先由, not a misspelt 运费险
    "这件外套的版型比较宽松",
])
def test_natural_text_near_a_domain_word_is_no_typo(text):
    from aigc_cs.guard.typos import find_typos

    assert find_typos(text) == []


@pytest.mark.parametrize(("text", "quote", "right"), [
    ("我们会尽快给您回幅", "回幅", "回复"),  # general words, not only the course's: jieba's dictionary decides
    ("我已经帮您申情了退款", "申情", "申请"),
    ("这件衣服的颜色很正，不会掉涩", "掉涩", "掉色"),
    ("您的包裹已经到达附近的驿栈", "驿栈", "驿站"),
])
def test_a_homophone_of_a_common_word_is_a_typo(text, quote, right):
    from aigc_cs.guard.typos import find_typos

    assert [(t.quote, t.suggestion) for t in find_typos(text)] == [(quote, right)]


@pytest.mark.parametrize("text", [
    "这款包有两种颜色",  # 有 is a common word on its own, not a misspelt 邮
    "这款羽绒服用的是白鸭绒，充绒量是180克",  # 绒 is the topic of the sentence, typed on purpose
    "吃起来如果口感不对，请先停止食用",  # 食 makes 食用 with its neighbour
    "您好，这里是臻品首饰，我是客服小月",  # names are no dictionary words
    "这款四件套是全棉磨毛的",  # a curated word jieba lacks
])
def test_a_real_word_a_name_or_the_topic_is_no_typo(text):
    from aigc_cs.guard.typos import find_typos

    assert find_typos(text) == []


def test_near_sounds_fold_together():
    from aigc_cs.guard.sound import fold, main_sound

    assert fold("zhang") == fold("zan") and fold("ning") == fold("lin") and fold("shen") == fold("seng")
    assert main_sound("款") == main_sound("宽")


@pytest.mark.parametrize(("text", "kind", "quote"), [
    ("这款床垫是目前市面上最舒服的", "extreme", "最舒服"),  # 最 + a quality
    ("这款防晒霜的防晒效果第一", "extreme", "效果第一"),
    ("这条项链永不褪色", "extreme", "永不"),
    ("这款吹风机采用了最新科技", "extreme", "最新科技"),
    ("你给我把照片发过来", "banned", "你给我把"),
    ("这是你自己的问题，跟我们没关系", "banned", "是你自己的问题"),
    ("随你便", "banned", "随你便"),
    ("小姐姐，您穿M码刚好", "slang", "小姐姐"),
    ("这款零食一口一个，巨好吃", "slang", "巨好吃"),
    ("快递又延误了，我直接裂开", "slang", "直接裂开"),
    ("这件外套穿上贼好看", "slang", "贼"),
    ("这款面霜保湿效果拉满", "slang", "拉满"),
    ("这款眼霜是我们店的宝藏单品", "slang", "宝藏"),
    ("没货了，您去别的店看看吧", "banned", "您去别的店看看吧"),
    ("肯定是您自己弄坏的", "banned", "肯定是您自己"),
    ("不退就是不退", "banned", "不退就是不退"),
    ("签收以后就不关我们的事了", "banned", "就不关我们的事"),
    ("这款祛斑霜保证七天见效", "extreme", "保证七天见效"),
    ("这款按摩椅的做工无可匹敌", "extreme", "无可匹敌"),
    ("这款的续航在同行里最长", "extreme", "同行里最"),
])
def test_general_patterns_catch_new_wording(text, kind, quote):
    assert (kind, quote) in [(h.kind, h.quote) for h in scan(text)]


@pytest.mark.parametrize("text", [
    "这款电暖器的最大功率是2200W",  # a specification
    "最快明天就能到，最晚周五前发出",
    "您最喜欢哪个颜色？",  # the customer's preference
    "按摩椅建议从最低档开始",
    "这款酸奶冷藏后口感最好",  # a usage tip
    "成分是100%棉，贴身穿也舒服",  # a fibre content label
    "您的订单号是唯一的，方便我们查询",
    "广告法规定，宣传中不能使用“最”“第一”“国家级”等绝对化用语",  # a mention in quotes
    "我把您的问题记录下来了",
    "沙发可以躺平当床用，展开后长度是190厘米",
    "很多顾客买它是用来送长辈的",
    "这款帐篷边缘做了内卷包边，不会刮手",
    "这款中性笔的笔芯是0.5毫米的",
    "厦门集美区的订单当天下午就可以送到",
    "量腰围时请量腰部最细的地方",  # a measurement, not a claim
    "您可以换成最贴合耳道的那一副",  # a choice among the options in the box
    "猫咪喜欢吃是我们最开心的事",  # the agent's feeling
    "仓库发现少了一件，麻烦您看一下是否漏寄了",  # 寄了 inside 漏寄了
    "这款热敷贴贴在衣服外面就可以",  # 贴贴 inside 热敷贴 + 贴在
    "您好，欢迎光临居家好物，我是客服阿杰",  # words inside a shop's name
    "情况属实的话，我们马上给您补发",
    "这款手柄按下按钮就能打开电池仓",
])
def test_professional_wording_is_not_flagged(text):
    assert scan(text) == []


def test_language_measure_reads_every_planted_file(tmp_path):
    from aigc_cs.evalkit.language import measure

    (tmp_path / "professional.txt").write_text("您好，请问有什么可以帮您？\n", encoding="utf-8")
    (tmp_path / "planted.yaml").write_text("- {id: a, kind: slang, text: 宝子们放心下单, span: 宝子们}\n", encoding="utf-8")
    (tmp_path / "planted-2.yaml").write_text("- {id: b, kind: extreme, text: 全网最低价, span: 全网最}\n", encoding="utf-8")
    report = measure("dev", folder=tmp_path)
    assert report.false_alarms == 0
    assert report.planted == {"typo": 0, "extreme": 1, "slang": 1, "banned": 0}
    assert report.recall == {"extreme": 1.0, "slang": 1.0}


def test_an_offer_the_shops_own_documents_make_may_be_repeated_an_invented_one_not():
    from aigc_cs.guard.offers import invented_offers
    from aigc_cs.kb.shops import read_shop
    from aigc_cs.paths import corpus_dir

    shop, _ = read_shop(corpus_dir() / "shops" / "demo-beauty", corpus_dir(), 2**20)
    documents = ("## 价格与优惠\n- 关注店铺可以领一张满99减5元的店铺券，下单时自动抵扣。",)
    repeated = "您好，关注店铺能领一张满99减5元的店铺券，下单时会自动抵扣。"
    assert invented_offers(repeated, shop) != []  # the facts alone do not back it
    assert invented_offers(repeated, shop, documents) == []
    assert invented_offers("您好，给您一张满99减20元的券，今天付款就能用。", shop, documents) != []  # another amount
    assert invented_offers("您好，下单就送您一份小样。", shop, documents) != []  # another kind of offer
    # the amounts of the offer's own clause count, not those of the sentence's other clauses
    assert invented_offers("关注店铺能领满99减5元的券，满59元包邮。", shop, documents) == []
    assert invented_offers("全场8折，关注店铺能领满99减5元的券。", shop, documents) != []  # a rate no document gives
    assert invented_offers("包邮按用券后的实付金额算。", shop) == []  # using a coupon offers none
    assert invented_offers("再送价值50元的零食大礼包。", shop) != []
    assert invented_offers("全场5折起。", shop, documents) != []  # 5折 is no 5元: the 满99减5元 coupon does not back it
    assert invented_offers("老用户可以免费领取替换滤芯一份。", shop, documents) != []
    assert invented_offers("现在回购送精美茶具一套。", shop, documents) != []


@pytest.mark.parametrize(("text", "banned"), [
    ("这是店铺规定，我们也没有办法。建议您先停用看看。", True),  # a bare refusal ends its sentence, not only the text
    ("是不是您收到后放在阳台受潮了？", True),
    ("价格已经是活动价了，没有办法再便宜，还请您理解。", False),  # a refusal with a reason and a kind word
    ("请问是不是收到的包裹外箱破损了？", False),
    ("我们家的精华补水效果好，别家那些便宜的成分都不行。", True),  # running down other shops
    ("您说的别家更便宜，可能是规格不一样，我帮您对比一下。", False),
])
def test_a_bare_refusal_and_blaming_the_customer_are_banned_wherever_they_stand(text, banned):
    assert any(h.kind == "banned" for h in scan(text)) is banned


@pytest.mark.parametrize(("text", "quote"), [
    ("您在北京朝阳区，寄回运费大概10元。", "北京朝阳区"),  # where the customer lives, told back in public
    ("您在杭州市西湖区的话，一般次日达。", "杭州市西湖区"),
    ("您在偏远地区的话需要补运费。", None),  # a region, nobody's address
    ("您在江浙沪地区，一般两天到。", None),
])
def test_the_customers_district_is_private_a_region_is_not(text, quote):
    from aigc_cs.guard.private import private_data

    assert [h.quote for h in private_data(text)] == ([quote] if quote else [])


@pytest.mark.parametrize("pattern", ["(在(找", "在找"])  # a broken regex; one without the group that holds the quote
def test_a_broken_particle_slip_list_gets_one_line_naming_the_file(cli, monkeypatch, pattern):
    from aigc_cs.guard import particles, typos

    broken = {"particle_slips": {"contexts": [{"wrong": "在", "right": "再", "pattern": pattern}]}}
    lists = (particles._slips, particles._de_words, particles._misspellings, typos.find_typos)  # read from lexicon_data

    def forget() -> None:  # a list read from the broken lexicon must not outlive this test (later tests share the process)
        for cached in lists:
            cached.cache_clear()

    monkeypatch.setattr(particles, "lexicon_data", lambda: broken)
    forget()
    try:
        result = cli("grade", "有需要在找我", "--rubric", "faq-answer", "--shop", "demo-beauty", "--scenario", "顾客问：怎么联系你们")
    finally:
        forget()
    assert result.code == 2, result.output
    assert "lexicon.yaml：particle_slips.contexts 每项要有 wrong、right、pattern" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("text", "quote"), [
    ("我们以经给您安排发货了", "以经"),
    ("这款保值期是两年", "保值期"),
    ("收获地址写错了的话请告诉我", "收获地址"),
    ("所以经过检查没有问题", None),  # 以经 across 所以 + 经过
    ("从新疆发货大概四天", None),  # 从新 across 从 + 新疆
    ("她收获了很多好评", None),
    ("耳机盒里配了数据线，冲电器需要另外购买。", "冲电"),  # 电器 is cut, but it holds 电, not the slipped 冲: the
    # homophone check reads 冲电 as 充电
    ("请安照流程提交申请。", "安照"),  # jieba reads 请安, a word on the left only
    ("请放在阴凉干燥处。", None),  # 凉干 across 阴凉 + 干燥
    ("明天上午在联系您。", "在联系"),
    ("下午在给您发货前会再确认一次。", None),  # 在…前: a time clause
    ("我们再仓库核对了称重记录。", "再仓库"),
    ("请先把睡袋慢慢的展开。", "慢慢的"),
    ("感谢您认真的解答。", None),  # 认真的解答: a noun phrase
    ("这两天风大，帐篷一定要搭的稳一些。", "搭的"),
])
def test_a_well_known_misspelling_is_flagged_where_it_cuts_no_word(text, quote):
    from aigc_cs.guard.typos import find_typos

    assert [t.quote for t in find_typos(text)] == ([quote] if quote else [])


@pytest.mark.parametrize(("text", "typo"), [
    ("海澜3000是浅杯的，装1.0号PE线可以装150米。", None),  # a product name before its model number
    ("这款电饭煲的额定功律是800瓦，普通插座就可以使用。", "功律"),  # …but 功律是800瓦 is a value, no name
    ("餐桌的尺村是140×80厘米。", "尺村"),
    ("这个价格已经很化算了。", "化算"),  # 算了 holds 算, not the slipped 化
    ("我们已经确认签收后会尽快退款。", None),  # 签收 holds 收: 收后 is no 售后
    ("子线和鱼钩我们有绑好的成品，一板10对。", None),  # a numeral and a measure word before a count
    ("坚果配果干，一甜一香，刚好搭。", None),  # a pairing
    ("坐椅子时建议把臀部往里坐。", None),  # sitting on a chair
    ("坐椅可以前后调两档。", "坐椅"),
    ("受到您的照片了，我马上看一下。", "受到"),  # a real word where only another one fits
    ("物流信心两天没更新，我已经给快递提交查件了。", "信心"),
    ("您说的情况我需要跟同时确认一下。", "同时"),
    ("您的定单尾号3826已经发出啦。", "定单"),  # a variant several writers plant and no clean sentence uses
    ("珍珠耳钉建议喷完香水再配戴。", "配戴"),
    ("建议在医生指导下配戴隐形眼镜。", None),  # 配戴 for lenses is right
    ("手环开机后，在手机上登陆App就能同步。", "登陆"),
    ("今年的台风可能会在周四登陆。", None),
])
def test_names_counts_and_real_word_slips_of_round_15(text, typo):
    from aigc_cs.guard.typos import find_typos

    assert [t.quote for t in find_typos(text)] == ([typo] if typo else [])


@pytest.mark.parametrize(("text", "kind"), [
    ("加我私人微信，转账给我可以便宜点。", "banned"),
    ("为了保障您的交易安全，请在平台内完成付款，我们不接受私下转账。", None),  # warning against it
    ("您这种要求我们满足不了，行了行了，给您退就是了。", "banned"),
    ("扣子拉紧后不会自己松开。", None),
    ("这款帐篷的抗风能力超越所有品牌。", "extreme"),
    ("营地灯最高档约400流明。", None),  # a setting, no claim
    ("这份保养指南很实用，您可以先码住。", "slang"),
    ("童鞋们，这款帐篷真的很凡尔赛。", "slang"),
    ("这双童鞋请按孩子的脚长选码。", None),  # children's shoes, no slang
    # claims and slang by class (round 12): grades and endorsements, health effects, guarantees; particles, pet names
    ("这款转换插头采用航天级材料。", "extreme"),
    ("这款颈枕可以改善失眠。", "extreme"),
    ("防蓝光镜片不能治疗近视，也不能代替休息。", None),  # denied, no claim
    ("这把伞绝不漏水。", "extreme"),
    ("车身下半部分最脏，放在最后擦。", None),  # a superlative that praises nothing
    ("好的，地址改好了，应该哒。", "slang"),
    ("眼镜加工好了哦宝宝，今天就给您发出。", "slang"),
    ("您好，加私人微信这个我们不方便，您在这里找我就可以。", None),  # refusing it
    # round 15 (blind dev21-dev23): banned words end at word edges, a denied or refuted claim is none, new classes
    ("您问的检测报告我们有，我让同事导出后发给您。", None),  # 告我们 inside 报告我们
    ("不行就去告我们吧。", "banned"),
    ("不过您可以关注一下下个月的店庆活动。", None),  # 一下下 across 下下个月
    ("这款维C只是补充维生素，不具备预防疾病的作用。", None),  # denied
    ("别的渠道如果有人说我们的产品能治病，那都不是我们官方的说法。", None),  # refuted
    ("这款精酿能助眠，睡前来一罐很舒服。", "extreme"),
    ("这款助眠香薰是薰衣草味的，放在床头就可以。", None),  # a product's name
    ("这款红酒喝了还能护肝。", "extreme"),
    ("您是第一拨付款的，下午就给您发出去。", None),  # an ordinal
    ("即使我下班了，值班的同事也会接着处理。", None),  # a concession, no brush-off
    ("谢谢您告诉我们，不然我们也不知道仓库放错了位置。", None),
    ("双十一单量太大，客服也压力山大。", "slang"),
    ("行，给您整一个顺丰。", "slang"),
])
def test_newer_banned_extreme_and_slang_families(text, kind):
    kinds = {h.kind for h in scan(text)}
    assert (kind in kinds) if kind else not kinds & {"banned", "extreme", "slang"}


def test_an_idiom_with_discount_words_offers_nothing_and_shipping_paid_by_us_is_a_claim():
    from aigc_cs.guard.offers import invented_offers

    shop, _ = read_shop(corpus_dir() / "shops" / "demo-beauty", corpus_dir(), 2**20)
    assert invented_offers("罐子压扁了，让您收货的心情大打折扣，非常抱歉。", shop) == []
    assert invented_offers("这款现在打折，下单立减。", shop) != []
    assert ("return_shipping_buyer_reason", "shop") in {(c.key, c.value) for c in extract("换货的来回运费都是我们出。")}


def test_a_claim_the_shops_passage_makes_for_a_case_of_its_own_is_no_contradiction():
    from aigc_cs.grading.documents import documented

    shop, _ = read_shop(corpus_dir() / "shops" / "demo-beauty", corpus_dir(), 2**20)  # ships within 24 hours
    passages = ["定制刻字的礼盒要多做两天，72小时内发出。"]
    for text, kept in (("刻字礼盒72小时内发出。", 0), ("我们72小时内发出。", 1)):
        text = normalize(text)
        report = check_text(text, shop)
        assert len(report.violations) == 1
        assert len(documented(report, text, passages).violations) == kept


def test_a_return_window_with_its_conditions_before_the_offer_is_a_claim():
    read = {(c.key, c.value) for c in extract("收到7天内锅没开过火、包装配件齐全的，不喜欢也可以无理由退换")}
    assert ("no_reason_return_days", 7.0) in read
    assert not any(c.key == "no_reason_return_days" and c.value == 7.0 for c in extract("7天内如果拆封了就不能无理由退"))


@pytest.mark.parametrize(("broken", "line"), [
    ({"misspellings": ["以经", "已经"]}, "lexicon.yaml：misspellings 应是“写错的词: 正确的词”的对照表"),
    ({"courtesy": {"polite": ["您"]}}, "lexicon.yaml：courtesy 下要有 polite 和 empathy 两个词表"),
])
def test_a_broken_misspelling_or_courtesy_list_gets_one_line_naming_the_file(cli, monkeypatch, broken, line):
    from aigc_cs.guard import lexicon, particles, typos

    shipped = lexicon.lexicon_data()
    monkeypatch.setattr(particles, "lexicon_data", lambda: {**shipped, **broken})
    monkeypatch.setattr(lexicon, "lexicon_data", lambda: {**shipped, **broken})
    particles._misspellings.cache_clear()
    typos.find_typos.cache_clear()
    try:
        result = cli("grade", "您好，我们以经发货了，请您理解。", "--rubric", "presale-reply", "--shop", "demo-beauty",
                     "--scenario", "什么时候发货")
    finally:
        particles._misspellings.cache_clear()
        typos.find_typos.cache_clear()
    assert result.code == 2, result.output
    assert line in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_a_return_window_is_stated_by_what_can_be_returned_within_it(shops):
    from aigc_cs.guard.facts import stated

    assert stated("no_reason_return_days", "收货7天内，吊牌完好、没穿过的可以按件退。", shops["demo-fashion"])
    assert not stated("no_reason_return_days", "7天内退款会原路退回。", shops["demo-fashion"])


@pytest.mark.parametrize(("text", "kind", "quote"), [
    ("这款护腰带能矫正驼背，坐久了也不累。", "extreme", "能矫正驼背"),
    ("这台吸尘器零辐射，放卧室也放心。", "extreme", "零辐射"),
    ("这款卷发棒保证三个月不坏，您放心用。", "extreme", "保证三个月不坏"),
    ("我们的售后速度业界第一。", "extreme", "业界第一"),
    ("这盆绿萝是天然的空气净化器。", "extreme", "天然的空气净化器"),
    ("美女，这款裙子M码就够了。", "slang", "美女"),
    ("这件外套贼保暖，冬天穿刚好。", "slang", "贼"),
    ("这个配色敲好看的，您可以试试。", "slang", "敲好看"),
    ("包裹到哪了我哪知道，您看物流吧。", "banned", "我哪知道"),
    ("地址是您填的，那是您的事。", "banned", "那是您的事"),
    ("好评截图发我，给个好评就返3元。", "banned", "给个好评就返"),
    ("这个价格错过了您一定后悔。", "banned", "错过了您一定后悔"),  # pressure selling, reported with the banned phrases
])
def test_the_classes_of_the_fifteenth_and_sixteenth_writers_are_caught(text, kind, quote):
    from aigc_cs.evalkit.language import findings

    assert (kind, quote) in [(f.kind, f.quote) for f in findings(text)]


@pytest.mark.parametrize("text", [
    "收到您的照片了，稍等哈，我看一下。",  # 哈 as a softener: writers disagree, not flagged
    "好嘞，地址已经帮您改好了。",
    "谢谢您，有您这样的顾客我们很开心。",
    "我们没有42.5码，最接近的是265和270。",  # the nearest size, no claim
    "一档是最柔和的，可以先从一档试。",  # a setting
    "夏天别在中午最热的时候浇水。",
    "满减按满足的最高档计算，不能叠加。",
    "店里没有私下转账的渠道，所有付款都请在平台订单里完成。",  # refusing it
    "您寄回的包裹里多了一双袜子，是您自己的吗？",  # the customer's belongings, no blame
    "请寄到广州市天河区某某路 88 号。",  # a house number
    "去多哈出差的话，插头要用英标的。",  # a place name
    "打开蓝牙搜索耳机，点击连接就可以。",  # connecting a device, no link
])
def test_clean_agent_lines_of_the_fifteenth_and_sixteenth_writers_get_no_finding(text):
    from aigc_cs.evalkit.language import findings

    assert findings(text) == []


@pytest.mark.parametrize(("text", "quote", "right"), [
    ("订单还没发货，我现在帮您取笑，款项原路退回。", "取笑", "取消"),
    ("这个金额我需要请示一下主观。", "主观", "主管"),
    ("这款耳机支持无限充电。", "无限", "无线"),
    ("物流有新进展我会即使告诉您。", "即使", "及时"),
    ("物流显示一场的话，我马上帮您联系快递。", "一场", "异常"),
    ("您先考率一下，有问题随时找我。", "考率", "考虑"),
])
def test_real_words_and_misspellings_of_the_fifteenth_and_sixteenth_writers_are_typos(text, quote, right):
    from aigc_cs.guard.typos import find_typos

    assert [(t.quote, t.suggestion) for t in find_typos(text)] == [(quote, right)]


@pytest.mark.parametrize("text", ["您好，我是沐屿的小沐，请问有什么可以帮您？", "感谢您过去一年对沐屿的支持。",
                                  "沐屿 W2 冲牙器的水箱是200毫升。", "沐屿的老顾客生日当月可以领券。",
                                  "感谢您在诗川购物，祝您用得开心。", "店里的商品都是诗川自己的品牌。",
                                  "诗川从2016年开始做皮具。"])
def test_a_made_up_shop_or_brand_name_in_the_frames_agents_name_it_in_is_no_typo(text):
    from aigc_cs.guard.typos import find_typos

    assert find_typos(text) == []


def test_a_slip_before_customer_service_is_still_a_typo():
    from aigc_cs.guard.typos import find_typos

    assert [t.suggestion for t in find_typos("您好，我是售候客服小唐，您的问题由我来跟进。")] == ["售后"]


@pytest.mark.parametrize(("text", "quote"), [
    ("床头背面也做了打磨和木蜡油处理。", None),  # 磨和 across 打磨 + 和: no 磨合
    ("可以试试穿带垫的骑行裤。", None),  # 穿 + 带垫的: no 穿戴
    ("手环穿带时离腕骨一指宽就好。", "穿带"),
    ("祝您比赛当天一股作气，顺利完赛！", "一股作气"),  # an idiom the shop texts rarely hold is still a slip
])
def test_a_curated_misspelling_is_no_slip_where_professional_text_reads_it_as_two_words(text, quote):
    from aigc_cs.guard.typos import find_typos

    assert [t.quote for t in find_typos(text)] == ([quote] if quote else [])


@pytest.mark.parametrize("text", [
    "包裹已经到了转运中心，下一站就是您所在的城市了。",  # a place of the customer's, no blame
    "礼盒里的东西都是您用得上的。",
    "可以让孩子自己看尺码表挑一挑。",  # a third person looks, nobody is sent away
    "如果有人自称我们的客服让您加私人微信，请提高警惕。",  # a warning against it
    "您手上的是第一代，新款是第二代。",  # a generation
    "配料表里排第一的是燕麦。",  # the order of a label
    "加热垫别整晚开最高档，中档就够了。",  # a setting
    "有问题直接联系我们处理最方便。",  # advice: 我们 is whom to contact, not the subject of a claim
    "出现中暑症状要马上降温并尽快就医。",  # an instruction, no promise
    "春天剪掉顶芽，可以促进侧枝生长。",  # plant care, no health claim
    "茶汤放温一点再喝最好。",  # advice with no product or shop as its subject
    "练琴头两个月进步最明显。",
    "量胸围要量前腿后面最粗的那一圈。",  # a place on the body, no claim
])
def test_clean_agent_lines_of_the_twenty_fourth_to_twenty_sixth_writers_get_no_finding(text):
    from aigc_cs.evalkit.language import findings

    assert findings(text) == []


@pytest.mark.parametrize(("text", "kind"), [
    ("这就是您自己弄坏的。", "banned"),
    ("我们的暖风机是全网最高档的。", "extreme"),
    ("用了这款面霜能促进皮肤再生。", "extreme"),
    ("加我私人微信，给您便宜点。", "banned"),
    ("这款销量排第一，闭眼入。", "extreme"),
    ("这款是爆款，卖得最好。", "extreme"),
    ("这款精华效果最明显。", "extreme"),
])
def test_the_same_words_as_a_claim_or_a_fault_are_still_flagged(text, kind):
    from aigc_cs.evalkit.language import findings

    assert kind in [f.kind for f in findings(text)]

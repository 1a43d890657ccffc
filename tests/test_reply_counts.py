"""Offline replies to a stationery-and-pots shop written without front matter: a number before a word that ends a
product's name counts things (12支一盒, 3盆) and names no product; a set's price written with an aside answers a
discount on several; a cut-off written as a clock time (16:00前付款) answers a question about today and is no claim
against the shop's 48 hours; a yes-no question that praises (银色好看点) is no small talk; a buyer asking for the
difference after a price drop hears the shop's rule on it once; a question with a remark beside it (台灯有频闪吗 孩子晚上写
作业用) is answered by the line on what it asks; the shop's own exception to its shipping time (刻字的钢笔…72小时内发出) is
said to a customer who asks about it and is no claim against its 48 hours, where the same period said of every order is;
a line that sends the reader to another section (具体看下面“开学季说明”一节) is said without the pointer, and the section
it points to answers."""

import pytest
from conftest import reply_json, shop_fixtures

POLICY = """---
shop: {id: desk-shop, name: 小桌文具, category: 文具}
no_reason_return_days: 7
return_condition: 未拆封、包装完好
return_shipping_quality_issue: shop
return_shipping_buyer_reason: buyer
freight_insurance: false
ship_within_hours: 48
free_shipping_threshold_yuan: 39
bargain_limit_yuan: 5
refund_working_days: 2
invoice: after_receipt
quality_claim_days: 15
aftersale_reply_minutes: 10
delay_compensation: null
---

# 小桌文具 店铺须知

## 截单和发货时间
- 每天16:00前付款的订单当天发出，16:00以后付款的第二天发。
- 正常情况下付款后48小时内一定发出。
- 刻字的钢笔要多刻一天，72小时内发出。
- 开学季单子多，发货会慢一些，具体看下面“开学季说明”一节。

## 质量问题
- 签收后15天内发现质量问题的，拍照联系客服。
- 签收后3天内，收到就坏了的笔，拍个视频直接换新。

## 开学季说明
- 每年8月底到9月初是开学季，发货放宽到付款后60小时内。

## 价格
- 拍下后7天内本店降价了，可以找客服退差价；秒杀的价格除外。
"""

PRODUCTS = {
    "hezi.md": """# 榉木桌面收纳盒

- 价格：39元
- 尺寸：长24×宽10×高10cm
""",
    "bi.txt": """速干中性笔

价格
单支 2.5元
12支盒装 24元（一盒同一个颜色）
盒装里是12支笔，笔芯都已经装好了，没有额外替芯。
""",
    "pen.md": """# 粗陶花盆（小/中/大）

- 小号口径12cm，价格19元
- 大号口径25cm，价格59元

三只套装（小中大各一只）：99元
""",
    "deng.md": """# 护眼台灯 L1

- 价格：129元
- 三档色温，亮度可以无级调节。
- 灯光无频闪，照度达到国标AA级。
- Type-C口充电，充满约3小时，满电能亮6小时。
""",
}

desk_shop, desk_cli = shop_fixtures("desk-shop", POLICY, PRODUCTS)


def reply(cli, message: str) -> dict:
    return reply_json(cli, message, "desk-shop")


@pytest.mark.parametrize("message", ["12支一盒的里面送替芯吗", "买3盆能便宜不"])
def test_a_number_before_a_category_word_counts_things_and_names_no_product(desk_shop, message):
    from aigc_cs.kb.products import mentioned

    assert mentioned(message, desk_shop) is None
    assert mentioned("这个盒子多大", desk_shop).name == "榉木桌面收纳盒"  # the thing itself still names it


def test_a_sets_price_written_with_an_aside_answers_a_discount_on_several(desk_cli):
    out = reply(desk_cli, "花盆三个一起买有优惠吗")
    assert out["intents"][0] == "bargain" and "99元" in out["text"]


def test_a_cut_off_at_a_clock_time_answers_a_question_about_today(desk_cli):
    out = reply(desk_cli, "今天拍今天能发货不")
    assert "16:00前付款的订单当天发出" in out["text"]
    assert not [w for w in out["warnings"] if "当天发出" in w]


@pytest.mark.parametrize(("text", "flagged"), [
    ("每天16:00前付款的订单当天发出。", False),  # a cut-off: orders paid before it
    ("我们都是当天发出。", True),  # a promise for every order the shop does not make
    ("另外提醒您：刻字的钢笔要多刻一天，72小时内发出。", False),  # the shop's own exception, as it wrote it
    ("付款后72小时内一定发出。", True),  # …is no rule for every order
    ("签收后3天内，收到就坏了的笔，拍个视频直接换新。", False),  # the case it is for comes after the period
    ("签收后3天内发现质量问题的，拍照联系客服。", True),
])
def test_a_cut_off_or_a_case_the_shop_wrote_is_no_claim_for_every_order(desk_shop, text, flagged):
    from aigc_cs.guard.check import check_text

    assert bool(check_text(text, desk_shop).violations) is flagged


def test_a_yes_no_question_that_praises_is_no_small_talk(desk_cli):
    out = reply(desk_cli, "烫金能烫银色不 银色好看点")
    assert out["intents"] != ["smalltalk"] and "好评" not in out["text"]


def test_a_buyer_asking_for_the_difference_hears_the_rule_on_a_price_drop_once(desk_cli):
    out = reply(desk_cli, "拍下第二天就降价了 能退差价不")
    assert out["intents"][0] == "bargain" and out["stage"] == "aftersale"
    assert out["text"].count("可以找客服退差价") == 1


@pytest.mark.parametrize(("message", "line"), [
    ("台灯能调色温吗 孩子晚上写作业用", "三档色温"),
    ("台灯闪不闪 孩子晚上写作业用", "无频闪"),
    ("台灯是type-c充电吗 我家插头都是那种", "Type-C口充电"),
    ("台灯照度咋样 给闺女考研用的", "国标AA级"),
])
def test_the_part_that_asks_chooses_the_line_a_remark_beside_it_does_not(desk_cli, message, line):
    out = reply(desk_cli, message)
    assert out["answered"] and line in out["text"]


def test_the_words_a_question_asks_leave_out_its_remark_and_the_name_in_any_case():
    from aigc_cs.kb.question_words import asking_words

    assert asking_words("A3有降噪吗 坐地铁用的", ["半入耳蓝牙耳机A3"]) == {"降噪"}
    assert asking_words("坐地铁用的", []) == {"坐地铁"}  # a message that asks nothing keeps all its words


def test_the_shops_own_exception_to_its_shipping_time_answers_a_question_about_it(desk_cli):
    out = reply(desk_cli, "刻字的要等几天才发")
    assert out["intents"] == ["ship_time"] and "72小时内发出" in out["text"]
    assert not [w for w in out["warnings"] if "72小时" in w]


def test_an_exception_is_flagged_when_the_policy_never_states_the_fact_itself(desk_shop):
    from aigc_cs.guard.check import check_text

    lagging = desk_shop.model_copy(update={"facts": desk_shop.facts.model_copy(update={"ship_within_hours": 24})})
    assert check_text("刻字的钢笔要多刻一天，72小时内发出。", lagging).violations  # its prose says 48, the facts 24


def test_a_line_pointing_to_another_section_is_followed_not_repeated(desk_cli):
    out = reply(desk_cli, "开学季发货慢不")
    assert "60小时内" in out["text"] and "开学季单子多，发货会慢一些。" in out["text"]
    assert "看下面" not in out["text"] and "“开学季说明”" not in out["text"]

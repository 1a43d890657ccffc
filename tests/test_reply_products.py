"""Offline replies to product questions as customers type them: the product named by a word of its own (锅底, 玻璃饭盒,
普洱, 中号), its price read from its own file, a product file's sentence that takes up the customer's words, and an
honest "I will check" for how one order stands."""


import pytest
from conftest import reply_json, shop_fixtures

POLICY = """---
shop: {id: pan-shop, name: 锅碗小铺, category: 家居厨具}
no_reason_return_days: 7
return_condition: 未使用、包装齐全
return_shipping_quality_issue: shop
return_shipping_buyer_reason: buyer
freight_insurance: false
ship_within_hours: 48
free_shipping_threshold_yuan: 69
bargain_limit_yuan: 5
refund_working_days: 3
invoice: after_receipt
quality_claim_days: 10
aftersale_reply_minutes: 15
delay_compensation: null
---

# 锅碗小铺的规矩

## 发货
付款后48小时内发货，默认发圆通。

## 发票
确认收货以后找客服开电子发票。
"""

PRODUCTS = {
    "zhutieguo.md": """# 珐琅铸铁炖锅（24厘米）

## 参数
- 锅身：铸铁，里面是白色珐琅
- 锅底：厚约5毫米，受热慢一点，但是保温好
- 价格：299元
- 配套的软木锅垫单买15元

## 使用
- 第一次用先用温水洗净擦干，不需要开锅。
- 中小火就够了，别干烧。
""",
    "fanhe.txt": """竹纤维饭盒（大号 / 小号）

价格：大号35元一个，小号28元一个
盖子带硅胶圈，平放时装汤不会洒出来。
不能进微波炉，也不能进烤箱。
""",
    "putong.md": """# 云南普洱熟茶饼 357克

## 冲泡
- 用沸水冲泡，第一泡洗茶。
- 价格：168元一饼
""",
    "taobei.md": """# 手绘陶瓷马克杯

## 说明
- 适合配一饼普洱或者一包咖啡豆送人。
- 价格：49元
""",
}


pan_shop, pan_cli = shop_fixtures("pan-shop", POLICY, PRODUCTS)


def reply(cli, message: str) -> dict:
    return reply_json(cli, message, "pan-shop")


@pytest.mark.parametrize(("message", "product"), [
    ("锅底厚不厚 用久了会变形吗", "珐琅铸铁炖锅（24厘米）"),  # 锅 opens a two-character word
    ("玻璃饭盒能进烤箱吗", "竹纤维饭盒（大号 / 小号）"),  # a compound whose head 盒 ends the name
    ("不沾锅能用铁铲吗", "珐琅铸铁炖锅（24厘米）"),  # a word typed another way, same head
    ("中号的多少钱", None),  # no product comes in 中号
    ("小号多少钱", "竹纤维饭盒（大号 / 小号）"),  # only the lunch box comes in 小号
    ("普洱怎么撬开", "云南普洱熟茶饼 357克"),  # a word of its name, though the mug's file mentions it once
    ("锅包肉能用它做吗", None),  # a longer word the category character opens is another thing
])
def test_a_product_is_named_by_a_word_of_its_own(pan_shop, message, product):
    from aigc_cs.kb.products import mentioned

    found = mentioned(message, pan_shop)
    assert (found.name if found else None) == product


def test_a_price_question_reads_the_named_products_price_line(pan_cli):
    out = reply(pan_cli, "小号多少钱一个")
    assert out["product"] == "竹纤维饭盒（大号 / 小号）"
    assert "28元" in out["text"] and out["answered"] is True, out["text"]


def test_the_price_line_that_shares_the_customers_words_comes_first(pan_cli):
    out = reply(pan_cli, "铸铁锅的锅垫多少钱")
    assert "15元" in out["text"], out["text"]


def test_a_question_about_a_part_of_the_product_is_answered_from_its_file(pan_cli):
    out = reply(pan_cli, "锅底厚不厚啊")
    assert out["answered"] is True and "5毫米" in out["text"], out["text"]
    assert any(c["source"].endswith("zhutieguo.md") for c in out["citations"])


def test_how_one_order_stands_is_checked_not_answered(pan_cli):
    out = reply(pan_cli, "我上次开的发票开了没 发到哪了")
    assert out["answered"] is False, out["text"]
    assert "核实" in out["text"]


@pytest.mark.parametrize(("message", "flagged"), [
    ("我上次开的发票开了没", True),
    ("快递三天没更新了", True),
    ("退货寄回去了 你们收到没啊", True),
    ("四袋我拆了一袋 能退没拆的那三袋不", False),  # 退没拆 is no question about an order's state
    ("涂层是哪个牌子的", True),  # a maker the shop never names
    ("天天喝能减肥不", True),  # a health effect only the shop may claim
    ("这锅和铸铁锅有啥区别", True),  # another product the shop never wrote about
    ("这锅跟超市的有啥区别", False),  # ordinary goods: the product's own points answer that
    ("用了起疹子 你们得赔医药费", True),  # costs beyond the policy: a person decides
    ("能给个收据不", True),
    ("涂层现在有没有", False),  # 现在 is no part of the version asked about
])
def test_specifics_no_shop_text_settles(message, flagged):
    from aigc_cs.kb.unconfirmed import unconfirmed

    assert bool(unconfirmed(message, "锅碗小铺 发货 发票 价格 涂层是三层不粘涂层")) is flagged

"""Who a snack suits, asked about a group of people (两岁的娃, 血糖有点高): the product's own line on that group answers,
wherever its file wrote it; a policy line that only introduces a list (想省钱可以这样：) is said with its short list, never
alone, and an item of that list brings the whole list with it. Also: a gift said missing hears what the product comes
with, the fat a food is made with is an ingredient question, and 配点啥 asks what goes with it."""

import pytest
from conftest import reply_json, shop_fixtures
from test_reply_snack_headings import POLICY as SNACK_POLICY

SAVING = """
## 价格和优惠

店里都是实价，也不讲价。

想省钱可以这样：

- 首页能领满减券；
- 两袋一起拍有多件价。
"""
POLICY = SNACK_POLICY.replace("crunch-shop", "fig-shop") + SAVING

PRODUCTS = {
    "wuhuaguo.md": """# 无花果干（200克袋装）

- 价格：29元一袋
- 配料：无花果、白砂糖
- 适合：追剧、下午茶、办公室解馋
- 口感：软糯，有很多小籽，嚼起来沙沙的
- 原料：新疆阿图什的无花果，晒干以后再低温烘一遍
- 注意：整颗个头大，3岁以下的小朋友请切成小丁再给；偏甜，控糖的朋友一次吃两三个就好
- 保质期：10个月
- 赠品：每袋送一个封口夹
""",
    "niurougan.md": """# 五香牛肉干（250克）

- 价格：58元一袋
- 配料：牛肉、白砂糖、酱油、食用盐、五香粉
- 说明：清真工厂生产，回民朋友可以放心吃
- 注意：整块偏硬，3岁以下的小朋友不建议吃
""",
}

fig_shop, fig_cli = shop_fixtures("fig-shop", POLICY, PRODUCTS)


@pytest.mark.parametrize(("message", "line"), [
    ("我家两岁的娃能吃无花果干吗", "3岁以下"),
    ("我妈血糖有点高 无花果干她能吃不", "控糖的朋友"),
    ("你好我想问下无花果干给我孙子吃行不行 他今年两岁半了", "3岁以下"),  # a child's age says who
])
def test_a_group_of_people_asked_about_hears_the_products_line_on_them(fig_cli, message, line):
    out = reply_json(fig_cli, message, "fig-shop")
    assert out["answered"] is True and line in out["text"], out


@pytest.mark.parametrize("message", ["我是孕妇 无花果干能吃吗", "同事是回民 无花果干能吃不"])
def test_a_group_the_product_file_never_mentions_is_checked_not_answered(fig_cli, message):
    out = reply_json(fig_cli, message, "fig-shop")
    assert out["answered"] is False, out


def test_a_muslim_customer_hears_the_products_line_on_halal_before_its_ingredients(fig_cli):
    out = reply_json(fig_cli, "牛肉干是啥肉做的 我同事是回民能吃不", "fig-shop")
    assert out["answered"] is True and "清真工厂生产" in out["text"], out


@pytest.mark.parametrize("message", ["能便宜点不 学生党没啥钱", "老板便宜点呗 我马上拍"])
def test_a_list_introduced_by_the_policy_is_said_whole(fig_cli, message):
    out = reply_json(fig_cli, message, "fig-shop")
    assert "满减券" in out["text"] and "多件价" in out["text"], out["text"]
    assert "想省钱可以这样：。" not in out["text"] and out["text"].count("满减券") == 1, out["text"]


def test_a_missing_gift_hears_the_products_line_on_what_comes_with_it(fig_cli):
    """木有封口夹啊 不是说送的吗: the 赠品 line names it, before the 配料 list that comes first in the file."""
    out = reply_json(fig_cli, "收到了 无花果干里木有封口夹啊 不是说送的吗", "fig-shop")
    assert "wrong_or_missing" in out["intents"] and "每袋送一个封口夹" in out["text"], out


def test_a_group_asked_of_no_product_hears_each_products_line_on_them(fig_cli):
    """宝宝1岁8个月 哪个能给他吃: each product's own line on small children, before asking which one."""
    out = reply_json(fig_cli, "宝宝1岁8个月 你家这几样零食哪个能给他吃啊", "fig-shop")
    assert "切成小丁" in out["text"] and "不建议吃" in out["text"], out["text"]



def test_which_fat_a_food_is_made_with_is_answered_by_its_ingredients(fig_cli):
    """用的黄油还是植物油: an ingredient question, answered by the 配料 list alone."""
    out = reply_json(fig_cli, "牛肉干用的黄油还是植物油啊", "fig-shop")
    assert out["answered"] and "牛肉、白砂糖、酱油" in out["text"], out
    assert "product_selling" not in out["intents"], out


def test_what_goes_with_it_is_a_pairing_question(fig_cli):
    out = reply_json(fig_cli, "无花果干有点甜腻 配点啥喝解腻", "fig-shop")
    assert out["intents"][0] == "product_related", out

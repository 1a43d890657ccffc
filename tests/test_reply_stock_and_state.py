"""Two policy lines a food shop writes outside any heading a classifier knows: how fresh the stock it ships is (不发临期货),
which answers a customer worried about being sent goods near their expiry, however the worry is worded (it is no quality
complaint); and what to do about a state the product can get into (有点软了 → 烤一下), which answers a customer who says
the product is in that state. A shop that never wrote the first line says it will check."""

import pytest
from conftest import reply_json, shop_fixtures
from test_reply_snack_headings import POLICY as SNACK_POLICY

FRESH = "\n发出去的货离过期至少还有三分之二的时间，临期的货我们不卖。\n"
KEEPING = """
## 放久了怎么办

饼干没有怪味、只是有点软了的，放进烤箱120度烤3分钟，晾凉就又脆了。
"""
POLICY = SNACK_POLICY.replace("crunch-shop", "biscuit-shop").replace("默认发圆通。\n", "默认发圆通。\n" + FRESH) + KEEPING
PLAIN = SNACK_POLICY.replace("crunch-shop", "plain-shop")

PRODUCTS = {
    "binggan.md": """# 黄油曲奇（400克罐装）

- 价格：45元一罐
- 配料：小麦粉、黄油、白砂糖、鸡蛋
- 保质期：6个月
""",
}

biscuit_shop, biscuit_cli = shop_fixtures("biscuit-shop", POLICY, PRODUCTS)
plain_shop, plain_cli = shop_fixtures("plain-shop", PLAIN, PRODUCTS)


@pytest.mark.parametrize("message", [
    "别给我寄快过期的啊 上回在别家买的没几天就到期了",
    "你家不会拿临期的货糊弄人吧",
])
def test_a_worry_about_goods_near_expiry_is_answered_by_the_shops_line_on_its_stock(biscuit_cli, message):
    out = reply_json(biscuit_cli, message, "biscuit-shop")
    assert out["answered"] and "三分之二" in out["text"], out
    assert "quality_issue" not in out["intents"] and "抱歉" not in out["text"], out


def test_a_shop_that_never_wrote_how_fresh_its_stock_is_says_it_will_check(plain_cli):
    out = reply_json(plain_cli, "你家不会拿临期的货糊弄人吧", "plain-shop")
    assert not out["answered"], out


def test_a_product_in_a_state_the_shop_wrote_about_hears_what_to_do(biscuit_cli):
    out = reply_json(biscuit_cli, "曲奇开了一个礼拜 有点软了 还有办法吗", "biscuit-shop")
    assert out["answered"] and "120度" in out["text"], out

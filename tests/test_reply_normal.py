"""A buyer who asks whether what they see is normal (袋子鼓鼓的 是不是坏了) and whose product the shop says it is normal for:
the reply answers how the product behaves (使用和保养) with the shop's own sentence, then says what to do if it looks
different; no apology and no claim steps, since nobody has made a claim. A buyer who asks for a remedy (我要退货) is
answered as a quality problem, the shop's normal line first."""

import pytest
from conftest import reply_json, shop_fixtures
from test_reply_snack_headings import POLICY as SNACK_POLICY

POLICY = SNACK_POLICY.replace("crunch-shop", "bean-shop")

PRODUCTS = {
    "doudou.md": """# 云南中深烘咖啡豆（454克）

- 价格：88元
- 包装：袋子上有单向排气阀。刚收到袋子鼓鼓的，是豆子在排二氧化碳，是新鲜豆子的正常现象。
- 保存：开封后夹紧袋口，放阴凉处，30天内喝完。
""",
    "fangtang.md": """# 方糖（500克）

- 价格：19元
- 储存：天冷的时候可能结成一块，掰一掰就散了，不影响冲泡。
""",
}

bean_shop, bean_cli = shop_fixtures("bean-shop", POLICY, PRODUCTS)


@pytest.mark.parametrize(("message", "line"), [
    ("咖啡豆袋子鼓鼓的 是不是坏了", "是新鲜豆子的正常现象"),
    ("方糖收到结成一整块了 是不是坏了", "不影响冲泡"),  # a normal the file says without the word 正常
])
def test_a_buyer_asking_whether_it_is_normal_hears_the_shops_line_on_the_product(bean_cli, message, line):
    out = reply_json(bean_cli, message, "bean-shop")
    assert out["intents"][0] == "product_care" and line in out["text"], out
    assert "抱歉" not in out["text"] and "按这几步" not in out["text"], out["text"]
    assert "3天内" in out["text"], out["text"]  # …and what to do if it looks different


def test_a_buyer_asking_for_a_remedy_is_answered_as_a_quality_problem(bean_cli):
    out = reply_json(bean_cli, "咖啡豆袋子鼓得厉害 坏了吧 给我退了", "bean-shop")
    assert "product_care" not in out["intents"] and "quality_issue" in out["intents"], out
    assert "正常现象" in out["text"], out["text"]

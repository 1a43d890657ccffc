"""Lines of a product file that answer what was asked wherever the file wrote them: a question about two of the shop's
products at once (爽肤水和乳液哪个先用) hears the line of one's file that names the other (先用清润爽肤水拍匀，再用这款乳液锁水),
not a refusal because no single product was named; a sunscreen's strength asked the way people ask it (防晒几倍的) is
read from the line that gives its SPF; how much to use (一次挤多少) from the line on 用量, though the file wrote it under
its size and the question is about use."""

import pytest
from conftest import reply_json, shop_fixtures
from test_reply_snack_headings import POLICY as SNACK_POLICY

POLICY = SNACK_POLICY.replace("crunch-shop", "skin-shop").replace("咔嚓零食屋", "清润护肤小铺").replace("零食坚果", "护肤")

PRODUCTS = {
    "shuang-fu-shui.md": """# 清润爽肤水（200毫升）

- 价格：59元
- 用法：洗完脸倒在手心，轻拍全脸到吸收
- 适合：干皮、混干皮
""",
    "ru-ye.md": """# 清润保湿乳液（100毫升）

- 价格：79元
- 搭配：先用清润爽肤水拍匀，再用这款乳液锁水，两样一起用更润
- 质地：轻薄不黏，夏天也能用
""",
    "fang-shai.md": """# 轻薄防晒霜（40毫升）

## 规格

价格69元，净含量40毫升。全脸每次用量大约是三颗黄豆那么多，天天涂一支能用五六周。

## 特点

防晒指数SPF30、PA+++，通勤够用。挤出来是乳液状，一抹就推开。涂完不泛白，也不油。软管挤到最后也能挤干净。
出汗不容易花，脸上不黏。

## 使用与保养

出门前15分钟涂好，用量要足，出汗以后记得补涂。放阴凉处，别放在车里晒。
""",
}

skin_shop, skin_cli = shop_fixtures("skin-shop", POLICY, PRODUCTS)


@pytest.mark.parametrize(("message", "line"), [
    ("爽肤水和乳液哪个先用啊", "先用清润爽肤水拍匀"),
    ("防晒霜几倍的", "SPF30"),
    ("防晒霜一次挤多少合适", "三颗黄豆"),
])
def test_a_question_is_answered_by_the_line_that_names_what_it_asks(skin_cli, message, line):
    out = reply_json(skin_cli, message, "skin-shop")
    assert out["answered"] and line in out["text"], out


def test_the_part_of_a_longer_message_that_asks_a_topic_finds_its_line(cli):
    """防晒是多少倍的 暑假去海边玩够用吗: the whole message is nearer to other lines of a long file; its first part asks
    the SPF, and the line that gives it answers."""
    out = reply_json(cli, "防晒是多少倍的 暑假去海边玩够用吗", "demo-beauty")
    assert out["answered"] and "SPF50+" in out["text"], out


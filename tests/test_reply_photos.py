"""A complaint hears what the shop itself asks the customer to photograph (请拍下问题照片…批号和生产日期), said once, with
the shop's claim window, instead of the template's "一张整体、一张问题细节"; a line for some complaints only (吃出异物的，
请…拍清楚) is not said to everyone."""

import pytest
from conftest import reply_json, shop_fixtures
from test_reply_snack_headings import POLICY as SNACK_POLICY
from test_reply_snack_headings import PRODUCTS as SNACK_PRODUCTS


@pytest.mark.parametrize(("shop", "message", "line", "window"), [
    ("demo-beauty", "精华收到瓶子碎了 漏了一盒子", "拍清楚包装上的批号和生产日期", "签收后7天内联系我"),
    ("demo-fashion", "衣服收到有个洞", "请在签收后3天内联系客服，并拍几张清楚的照片", ""),  # the line gives its window
])
def test_a_complaint_hears_what_the_shop_asks_to_photograph(cli, shop, message, line, window):
    out = reply_json(cli, message, shop)
    assert line in out["text"] and "一张整体、一张问题细节" not in out["text"], out["text"]
    assert (window in out["text"]) if window else "天内联系我" not in out["text"], out["text"]


PHOTO_POLICY = SNACK_POLICY.replace("crunch-shop", "photo-shop").replace(
    "受潮、漏气、有异味的，签收后3天内拍照找客服。", "吃出异物的，请把东西留着别扔，拍清楚发给我们。受潮、漏气、有异味的，签收后3天内拍照找客服。")
photo_shop, photo_cli = shop_fixtures("photo-shop", PHOTO_POLICY, SNACK_PRODUCTS)


def test_a_photo_line_for_some_complaints_only_is_not_said_to_everyone(photo_cli):
    out = reply_json(photo_cli, "收到的牛肉干漏气了", "photo-shop")
    assert "quality_issue" in out["intents"] and "联系我处理这个问题。吃出异物" not in out["text"], out["text"]

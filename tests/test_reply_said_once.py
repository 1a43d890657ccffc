"""A reply says each sentence once, though the shop's file writes it under two headings or two questions are answered
from sections that share it; and a `键：值` line whose key is a clause of its own (这些人请不要用：…, 盒子里有：…) is read
out with its colon, not as "键是值"."""

import re
from collections import Counter

import pytest
from conftest import reply_json, shop_fixtures
from test_reply_snack_headings import POLICY as SNACK_POLICY

POLICY = SNACK_POLICY.replace("crunch-shop", "brush-shop")

PRODUCTS = {
    "shengbo.md": """# 声波电动牙刷X1

## 刷头

刷头建议3个月换一次，刷毛开花了也要换。刷头是耗材，不在保修范围里。刷头单卖，4支装32元。

## 保修

机身保修一年，进水、摔坏的不保。刷头是耗材，不在保修范围里。

## 注意

- 这些人请不要用：刚拔完牙的、牙龈正在出血的
- 盒子里有：牙刷1支、刷头2个、充电座1个
""",
    "chongyaqi.md": """# 便携冲牙器W2

- 价格：129元
- 水箱：200毫升
""",
}

brush_shop, brush_cli = shop_fixtures("brush-shop", POLICY, PRODUCTS)


def _repeated(text: str) -> list[str]:
    said = Counter(s for s in re.split(r"(?<=[。！？])", text.replace("\n", "")) if len(s) >= 8)
    return [s for s, n in said.items() if n > 1]


def test_a_sentence_the_file_writes_twice_is_said_once(brush_cli):
    """Each part of the message finds its line and the line after it; the 刷头 and 保修 sections share one sentence.
    Before, both sentences came twice."""
    out = reply_json(brush_cli, "刷头多久换 保修不", "brush-shop")
    assert out["answered"] is True and "耗材" in out["text"], out["text"]
    assert _repeated(out["text"]) == [], out["text"]


@pytest.mark.parametrize(("message", "line", "misread"), [
    ("牙刷啥人不能用", "请不要用：刚拔完牙的", "请不要用是"),
    ("牙刷盒子里都有啥", "盒子里有：牙刷1支", "盒子里有是"),
])
def test_a_key_that_is_a_clause_keeps_its_colon(brush_cli, message, line, misread):
    out = reply_json(brush_cli, message, "brush-shop")
    assert line in out["text"] and misread not in out["text"], out["text"]

"""The typo check's channel and candidates (aigc_cs/guard/typos.py): look-alike characters, product words that a typo
stands for, longer dictionary words, pairs beside a free function word, and the shop an agent introduces."""

import pytest


def _typos(text: str) -> list[tuple[str, str]]:
    from aigc_cs.guard.typos import find_typos

    return [(t.quote, t.suggestion) for t in find_typos(text)]


@pytest.mark.parametrize(("text", "quote", "right"), [
    ("非常感谢您一直以来的支侍。", "支侍", "支持"),  # 侍 for 持: a look-alike, not a sound-alike (shi / chi)
    ("我给您推存一款性价比更高的。", "推存", "推荐"),  # 存 for 荐: no sound in common at all
])
def test_a_look_alike_character_is_a_typo(text, quote, right):
    assert _typos(text) == [(quote, right)]


def test_a_look_alike_is_read_from_the_curated_groups():
    from aigc_cs.guard.typos import _channel_cost, settings

    assert _channel_cost("支侍", "支持", 1) == settings().shape_cost
    assert _channel_cost("支付", "支持", 1) is None  # 付 neither looks nor sounds like 持


def test_a_curated_product_word_can_be_the_word_meant():
    assert _typos("这款路压竿适合新手。") == [("路压", "路亚")]  # 路亚 is no word of jieba's, a known word


def test_a_longer_word_that_jieba_holds_rarely_can_be_the_word_meant():
    assert _typos("麻烦您核对一下收件仁的电话。") == [("收件仁", "收件人")]


@pytest.mark.parametrize("text", [
    "包裹绳请不要用刀划开。",  # 绳 | 请不要, no misspelt 申请
    "新的凉席请先浸一下水再擦干。",  # 先 | 浸一下, no misspelt 先进
])
def test_a_pair_beside_a_free_function_word_is_read_as_two_words(text):
    assert _typos(text) == []


def test_the_shop_an_agent_introduces_is_a_name():
    assert _typos("您好，我是墨屿文具的客服小沈。") == []
    assert _typos("您好，我是售候客服小唐。") == [("售候", "售后")]  # no 的: the agent's own words, read


@pytest.mark.parametrize("text", ["这支钢笔的笔夹有点松。", "新毛笔开锋后有少量浮毛是正常的。"])
def test_a_curated_product_word_is_no_typo(text):
    assert _typos(text) == []

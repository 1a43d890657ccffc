"""What a shop says without being asked a question (a customer chasing a reply: 人呢 咋不回了), what a product costs when
its file gives the price only in its front matter (price_yuan), a product called by the Latin letter its name opens
with (白T for T恤), a yes-no question on a trait answered by the sentence that states it (透不透 → 也不透, 扎不扎 →
刺感), a fibre asked by name answered by the fibre content, whether clothes shrink asked as a washing question, a
problem asked of a product before buying (掉色不) that is no complaint, and one of two products arriving alone
(就收到一个面霜), a missing item."""

import pytest
from conftest import reply_json


@pytest.mark.parametrize("message", ["人呢 咋不回了", "？？？回复呢 急死了", "怎么半天不回消息啊 急死了", "回下消息啊 急急急"])
def test_a_customer_chasing_a_reply_hears_a_short_line_not_the_after_sale_hours(cli, message):
    out = reply_json(cli, message, "demo-fashion")
    assert out["intents"] == ["smalltalk"] and "5分钟" not in out["text"], out


@pytest.mark.parametrize("message", ["售后多久回我啊 等半天了", "客服人呢 半天不回 我要找真人"])
def test_asking_when_after_sale_answers_or_for_a_person_is_still_a_question(cli, message):
    out = reply_json(cli, message, "demo-fashion")
    assert "aftersale_reply" in out["intents"], out


def test_a_question_mark_run_after_a_question_does_not_make_it_a_nudge(cli):
    out = reply_json(cli, "开衫会起球吗？？", "demo-fashion")
    assert out["intents"] != ["smalltalk"], out


@pytest.mark.parametrize(("message", "price"), [("T恤多少钱", "59元"), ("防晒多少钱一瓶", "119元")])
def test_a_price_written_only_in_the_front_matter_answers_a_price_question(cli, message, price):
    shop = "demo-beauty" if "防晒" in message else "demo-fashion"
    out = reply_json(cli, message, shop)
    assert out["answered"] and price in out["text"], out


def test_a_product_called_by_the_letter_its_name_opens_with_is_that_product(cli):
    out = reply_json(cli, "白T透不透啊 夏天单穿怕尴尬", "demo-fashion")
    assert out["product"] == "纯棉基础T恤", out
    assert "白色穿着也不透" in out["text"] and "吸汗透气" not in out["text"], out


def test_whether_it_shrinks_is_a_washing_question_too(cli):
    """洗了缩水不: how it behaves in the wash (使用和保养) beside what it is made of; the file's 预缩 line answers."""
    out = reply_json(cli, "T恤洗了缩水不", "demo-fashion")
    assert "product_care" in out["intents"] and "预缩" in out["text"], out


def test_a_trait_the_file_writes_with_another_letter_is_stated_there(cli):
    """开衫扎不扎人: the file writes 刺感, not 扎."""
    out = reply_json(cli, "开衫扎不扎人 我穿毛衣脖子容易痒", "demo-fashion")
    assert out["answered"] and "刺感" in out["text"], out


@pytest.mark.parametrize(("message", "answered"), [
    ("碎花裙是真丝的吗 奶白那个会不会透", True),  # the fibre content (成分为聚酯纤维) says no
    ("T恤是新疆棉吗", False),  # where the cotton grew: no fibre content says
])
def test_a_fibre_asked_by_name_is_answered_by_the_fibre_content(cli, message, answered):
    out = reply_json(cli, message, "demo-fashion")
    assert out["answered"] is answered, out
    assert not answered or "聚酯纤维" in out["text"], out


def test_a_problem_asked_of_the_product_before_buying_is_no_complaint(cli):
    """牛仔裤掉色不: asked of the product, not said to have happened; the file's line on 浮色 answers, with no apology."""
    out = reply_json(cli, "牛仔裤掉色不 怕染到包包", "demo-fashion")
    assert not {"quality_issue", "wrong_or_missing"} & set(out["intents"]), out
    assert out["answered"] and "浮色" in out["text"] and "抱歉" not in out["text"], out


@pytest.mark.parametrize(("text", "said"), [("牛仔裤掉色不", False), ("会漏吗", False), ("洗了一次就掉色了", True),
                                            ("桌子纹路有浅色的 算瑕疵吗", True)])
def test_a_sign_asked_of_the_product_is_not_said_to_have_happened(text, said):
    from aigc_cs.kb.signs import signed

    assert signed(["掉色", "漏", "瑕疵"], text) is said


def test_only_one_of_two_products_arriving_is_a_missing_item(cli):
    out = reply_json(cli, "买的精华+面霜 就收到一个面霜 精华呢？？", "demo-beauty")
    assert out["intents"][0] == "wrong_or_missing", out

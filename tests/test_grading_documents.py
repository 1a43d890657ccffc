"""Grading against the shop's own documents: a question narrower than its topic ("能发顺丰吗") is answered by the
policy passage that covers it, a time that passage gives otherwise (客服18点下班 where it says 22点) is an error, and a blanket claim about who
pays return shipping is checked against both cases, and what a passage rules out (不开增值税专用发票) may not be
offered."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, criteria

SHIPPING = """
## 快递说明

默认发中通。想发顺丰的请在下单时留言，顺丰需要补运费差价，江浙沪补5元，其他地区补10元。

## 客服时间

客服每天9点到22点在线，晚上22点以后的留言第二天一早回复。

## 发票说明

本店开电子普通发票，不开增值税专用发票。已经发货的订单就不能再补开了。

## 偏远地区

新疆、西藏、青海不参与包邮，运费统一18元。
"""


@pytest.fixture
def tea_cli(cli_own, tmp_path: Path):
    shop = tmp_path / "test-tea"
    shutil.copytree(FIXTURES / "shops" / "test-tea", shop)
    policy = shop / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8") + SHIPPING, encoding="utf-8")
    assert cli_own("ingest", str(shop)).code == 0
    return cli_own


def accuracy(cli, answer: str, scenario: str) -> tuple[float, list[str]]:
    result = cli("grade", answer, "--rubric", "faq-answer", "--shop", "test-tea", "--scenario", scenario, "--json")
    assert result.code == 0, result.output
    criterion = next(c for c in json.loads(result.stdout)["criteria"] if c["id"] == "accuracy")
    return criterion["points"], [f["message"] for f in criterion["faults"]]


def test_the_shop_passage_answers_a_narrow_question(tea_cli):
    scenario = "顾客问：可以发顺丰吗？"
    detailed, _ = accuracy(tea_cli, "可以发顺丰，下单时留言就行，需要补运费差价：江浙沪补5元，其他地区补10元。", scenario)
    vague, _ = accuracy(tea_cli, "可以的，有需要请联系我们。", scenario)
    assert detailed > vague


def test_a_time_the_shop_passage_gives_otherwise_is_an_error(tea_cli):
    scenario = "顾客问：客服几点下班？"
    right, _ = accuracy(tea_cli, "客服每天9点到22点在线，22点以后的留言第二天一早回复。", scenario)
    wrong, faults = accuracy(tea_cli, "客服每天9点到18点在线，18点以后的留言第二天一早回复。", scenario)
    assert wrong == 0 and right > wrong
    assert any("18点" in f and "22点" in f for f in faults)


@pytest.mark.parametrize(("scenario", "right", "wrong", "rule", "allowed", "allowed_scenario", "word"), [
    ("顾客问：能开增值税专用发票吗？", "本店开电子普通发票，增值税专用发票开不了，请您谅解。",
     "可以的，本店能开增值税专用发票，下单时备注抬头和税号就行。", "不开增值税专用发票",
     # a denial under a condition (已经发货的…就不能再补开) does not rule out 补开 before shipping
     "发货前可以帮您补开电子普通发票。", "顾客问：忘了选开票，还能补开吗？", "补开"),
    # a place left out of free shipping may not be promised it; an exception in the same sentence is no promise
    ("顾客问：我在新疆，包邮吗？", "新疆不参与包邮，运费统一18元，请您谅解。", "新疆可以发的，满额也是包邮的，放心拍。",
     "新疆、西藏、青海不参与包邮", "除新疆外满额包邮，新疆运费18元。", "顾客问：我在新疆，包邮吗？", "不参与包邮"),
])
def test_offering_what_the_shop_passage_rules_out_is_an_error(tea_cli, scenario, right, wrong, rule, allowed,
                                                               allowed_scenario, word):
    right_points, _ = accuracy(tea_cli, right, scenario)
    wrong_points, faults = accuracy(tea_cli, wrong, scenario)
    assert wrong_points == 0 and right_points > wrong_points
    assert any(rule in f for f in faults)
    _, faults = accuracy(tea_cli, allowed, allowed_scenario)
    assert not any(word in f for f in faults)


def test_free_shipping_left_out_for_some_places_is_no_error_where_none_is_named(tea_cli):
    """新疆、西藏、青海不参与包邮 rules out free shipping there only: "凑够金额就能包邮" names none of them."""
    _, faults = accuracy(tea_cli, "单买这一包不包邮，再加一罐茉莉花茶凑够金额就能包邮。", "顾客问：单买一包包邮吗？")
    assert not any("不参与包邮" in f for f in faults), faults
    _, faults = accuracy(tea_cli, "青海也能包邮，放心拍。", "顾客问：青海包邮吗？")
    assert any("不参与包邮" in f for f in faults), faults


def test_a_blanket_claim_about_return_shipping_is_checked_for_both_cases(cli):
    # demo-fashion: the shop pays for quality problems, the buyer for returns of their own choosing
    blanket = cli("check", "退货运费都由本店承担。", "--shop", "demo-fashion")
    assert blanket.code == 1 and "个人原因退换的运费由买家承担" in blanket.output
    assert cli("check", "质量问题退货的运费都由本店承担。", "--shop", "demo-fashion").code == 0


def test_a_missing_item_makes_the_shops_payment_of_shipping_no_error(cli):
    """少了一个盒子 is the shop's mistake: "运费都是我们出" then agrees with the quality-problem rule."""
    assert cli("check", "少了一个盒子，给您补寄，运费都是我们出。", "--shop", "demo-fashion").code == 0
    assert cli("check", "不想要了可以退，运费都是我们出。", "--shop", "demo-fashion").code == 1


def test_each_time_of_a_sentence_is_compared_with_its_own_passage(tea_cli):
    """Two details in one sentence: the 22点 of the service hours is checked, the 3天 of delivery is left alone
    (the nearest passage of the whole sentence would have been the one about service hours)."""
    _, faults = accuracy(tea_cli, "客服每天9点到22点在线，快递一般3天能到。", "顾客问：客服几点下班？")
    assert not any("3天" in f for f in faults), faults
    _, faults = accuracy(tea_cli, "客服每天9点到18点在线，快递一般3天能到。", "顾客问：客服几点下班？")
    assert any("18点" in f for f in faults), faults


def test_a_net_spelling_is_read_for_its_meaning_and_still_faulted_as_slang(cli):
    # demo-beauty gives no freight insurance: "木有运费险" (= 没有运费险) states the policy right, in slang
    result = cli("check", "木有运费险哦，不喜欢的话15天内可以退", "--shop", "demo-beauty")
    assert "政策不符" not in result.output and "网络流行语“木有”" in result.output
    assert "政策不符" in cli("check", "有运费险哦", "--shop", "demo-beauty").output


def test_a_gift_the_shop_never_offers_costs_a_pre_sale_answer_its_accuracy(cli):
    scenario = "顾客：买一条牛仔裤，能送点什么吗？"
    invented = criteria(cli, "您好，欢迎光临！买牛仔裤再送您一个帆布包，您直接拍就行，我给您备注上，谢谢！",
                        "presale-reply", "demo-fashion", scenario)["accuracy"]
    plain = criteria(cli, "您好，欢迎光临！这款牛仔裤没有赠品，全店满99元包邮，您看需要什么尺码，谢谢！",
                     "presale-reply", "demo-fashion", scenario)["accuracy"]
    assert invented["points"] == 0 and any("不能自己许诺" in f["message"] for f in invented["faults"])
    assert plain["points"] > 0


def test_a_thing_narrowed_by_a_one_character_word_is_ruled_out_only_as_narrowed():
    """不能用扁气罐 rules out 扁气罐: "把气罐捂一捂" offers nothing it rules out; "扁气罐也可以用" does."""
    from aigc_cs.grading.documents import denials

    rule = ["气罐：只能用250克的标准长款卡式气罐，不能用扁气罐、高山气罐"]
    assert denials("天冷时可以把气罐揣怀里捂一捂。", rule) == []
    assert [f.quote for f in denials("扁气罐也可以用。", rule)] == ["扁气罐也可以用"]

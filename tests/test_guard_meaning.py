"""Timed policies read by meaning (guard/meaning.py): a period in words the fixed readings do not know is checked
against the shop's facts when the sentence is clearly about that policy, and left alone when it is not."""

import json

import pytest

from tests.conftest import run_entry_point

WRONG = [  # demo-fashion: 7天无理由退换, 48小时内发货, 2个工作日退款, 质量问题3天内反馈
    ("您收到货以后三十天之内不想要都可以寄回来", "no_reason_return_days", "7天无理由"),
    ("收货一个月内不满意包退", "no_reason_return_days", "7天无理由"),
    ("Items can be sent back within 30 days, no questions asked.", "no_reason_return_days", "7天无理由"),
    ("您的退款我们会在一周内处理好", "refund_working_days", "2个工作日"),
    ("东西坏了的话收到后一个月内都可以找我们", "quality_claim_days", "3天内反馈"),
]


@pytest.mark.parametrize(("text", "key", "fact"), WRONG)
def test_a_paraphrased_wrong_period_is_flagged_with_the_shops_fact(cli, text, key, fact):
    result = cli("check", text, "--shop", "demo-fashion", "--json")
    assert result.code == 1, result.output
    data = json.loads(result.stdout)
    assert [v["key"] for v in data["violations"]] == [key]
    assert fact in data["violations"][0]["message"]


@pytest.mark.parametrize("text", [
    "到手七天内不喜欢都可以寄回来",  # the same policies, stated right
    "付款后两天内给您寄出",  # 两天 = 48小时
    "发出后一般三到五天能到",  # courier transit: no policy of the shop
    "保质期18个月，开封后3个月内用完",
    "第一次提醒：拍下后约1小时发送",
    "您的订单是12月1日拍的",
    "我五分钟后回复您",
    "付款后48小时内一定发出，周六周日照常发货",  # 周六 is a day of the week, no 六周
])
def test_periods_that_state_no_wrong_policy_pass(cli, text):
    result = cli("check", text, "--shop", "demo-fashion", "--json")
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["violations"] == []


def test_an_invisible_character_does_not_hide_a_paraphrased_claim(cli):
    result = cli("check", "收货一个\u200b月内不满意包\u00ad退", "--shop", "demo-fashion")
    assert result.code == 1
    assert "7天无理由" in result.stdout


def test_a_paraphrased_wrong_period_caps_the_grade(cli):
    wrong = "您好，收到货以后三十天之内不想要都可以寄回来，寄回运费由您承担，订单附带运费险。"
    right = "您好，收到货以后七天之内不想要都可以寄回来，寄回运费由您承担，订单附带运费险。"
    scores = []
    for answer in (wrong, right):
        result = cli("grade", answer, "--rubric", "faq-answer", "--shop", "demo-fashion",
                     "--scenario", "顾客问：不想要了能退吗？", "--json")
        assert result.code == 0, result.output
        scores.append(json.loads(result.stdout)["total"])
    assert scores[0] <= 55 < scores[1]


def test_without_the_embedding_model_only_the_fixed_readings_apply(demo_home, tmp_path):
    env = {"AIGC_CS_HOME": str(demo_home), "AIGC_CS_EMBEDDING": "none"}
    paraphrase = run_entry_point(["check", "收货一个月内不满意包退", "--shop", "demo-fashion"], tmp_path, env=env)
    assert paraphrase.returncode == 0, paraphrase.stdout + paraphrase.stderr
    fixed = run_entry_point(["check", "支持30天无理由退货", "--shop", "demo-fashion"], tmp_path, env=env)
    assert fixed.returncode == 1 and "7天无理由" in fixed.stdout


@pytest.mark.parametrize("content", ["- {id: x, shop: demo-fashion, text: 句子, policy: 不存在的政策}", "- [未闭合"])
def test_a_broken_claims_file_gets_one_line_naming_it(tmp_path, content):
    from aigc_cs.errors import UserError
    from aigc_cs.evalkit.claims import load_items

    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_items("dev", tmp_path)
    assert "bad.yaml" in caught.value.message and "\n" not in caught.value.message
    with pytest.raises(UserError, match="没有找到"):
        load_items("dev", tmp_path / "empty")

"""The tone model (guard/tone.py): whole sentences that sound like 禁用语 in words no list holds."""

import json

import pytest

from aigc_cs.errors import UserError
from aigc_cs.evalkit import tone_data
from aigc_cs.guard import tone
from aigc_cs.paths import corpus_dir


@pytest.mark.parametrize("text", ["你问这个干嘛？", "这个你得问快递，我们不清楚。", "你看不懂说明书吗？"])
def test_a_rude_sentence_no_list_holds_is_reported_whole(cli, text):
    result = cli("check", text, "--shop", "demo-fashion", "--json")
    assert result.code == 1, result.output
    hits = json.loads(result.stdout)["lexicon"]
    assert [(h["kind"], h["term"], h["quote"]) for h in hits] == [("banned", "语气", text.rstrip("？。"))]
    plain = cli("check", text, "--shop", "demo-fashion")
    assert "语气模型" in plain.stdout and "禁用语" in plain.stdout


def test_a_sentence_the_lists_already_flag_is_not_reported_twice(cli):
    hits = json.loads(cli("check", "爱买不买，规定就是这样。", "--shop", "demo-fashion", "--json").stdout)["lexicon"]
    assert hits and all(h["term"] != "语气" for h in hits if "爱买不买" in h["quote"]), hits


def test_polite_sentences_of_a_new_shop_pass(cli):
    for text in ["您好，这款登山杖是碳纤维的，收缩后长度62厘米，可以放进背包侧袋。",
                 "抱歉让您久等了，我已经联系仓库，今天下午补发，单号出来第一时间发给您。",
                 "这个问题我帮您问一下技术同事，半小时内给您答复，可以吗？"]:
        assert json.loads(cli("check", text, "--shop", "demo-fashion", "--json").stdout)["lexicon"] == [], text


def test_grading_costs_the_sentence_and_the_improved_answer_drops_it(cli):
    answer = "您好，可以退。你问这个干嘛？您在订单页申请售后，把照片发我，我今天回复您。"
    result = cli("grade", answer, "-r", "aftersale-return", "-s", "demo-fashion", "--scenario", "牛仔裤穿了一次发现裤脚开线了",
                 "--json")
    graded = json.loads(result.stdout)
    assert any(f["quote"] == "你问这个干嘛" for f in graded["faults"]), graded["faults"]
    assert "干嘛" not in graded["improved"] and "申请售后" in graded["improved"]


def test_the_examples_file_is_built_from_the_dev_split():
    """Stale after the dev split changes: run `python -m aigc_cs.evalkit.tone_data`."""
    assert (corpus_dir() / tone.EXAMPLES_FILE).read_text(encoding="utf-8") == tone_data.render()


def test_a_malformed_examples_line_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "tone-examples.tsv"
    path.write_text(tone.HEADER + "ok\tdev1\t您好。\nrude\tdev2\t你问这个干嘛\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"tone-examples.tsv 第 5 行"):
        tone.examples(path)
    path.write_text("ok\tdev1\t您好。\nbanned\tdev1\t你问这个干嘛\n", encoding="utf-8")
    with pytest.raises(UserError, match="分组至少 3 个"):
        tone.examples(path)


def test_the_customers_words_in_a_script_are_not_the_agents_tone(cli):
    script = ("【顾客可能会说】\n顾客：“是快递摔坏的吧，你们去跟快递说。”\n"
              "客服：快递那边由我们去沟通，您把照片发给我就行。\n您说“你问这个干嘛”，是我没说清楚，抱歉。")
    assert json.loads(cli("check", script, "--shop", "demo-fashion", "--json").stdout)["lexicon"] == []


def test_a_few_odd_professional_lines_do_not_set_the_threshold():
    from aigc_cs.guard.tone import _above

    assert _above([2.3, 1.7, 1.2], 1) == 1.7  # the odd 2.3 is set aside
    assert _above([2.4, 2.2, 1.7, 1.2], 2) == 1.7
    assert _above([2.3, 1.7], 0) == 2.3  # fewer professional lines than one in TOLERATED_PER: the highest sets it
    assert _above([-float("inf"), 0.4], 1) == -float("inf")
    assert _above([-float("inf")], 1) == -float("inf")  # no professional line at all

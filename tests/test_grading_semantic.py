"""Semantic evidence in the rules scorer: a criterion's example sentences (`examples: {meets, misses}` in the rubric)
compared with the answer by meaning, so that a paraphrase earns what a literal phrase earns and a stalling sentence
earns nothing; a rubric without examples, or a machine without the model, grades as the literal checks alone."""

import json
from pathlib import Path

import pytest
import yaml

from aigc_cs.errors import UserError
from aigc_cs.grading.rubric import get_rubric, load_rubric_file, rubrics_dir
from aigc_cs.grading.rules import grade_rules
from aigc_cs.kb.index import Index
from tests.conftest import run_entry_point

RETURN = "牛仔裤腰小了，想换大一码，运费谁出"
# "我会第一时间把结果同步给您" says what 跟进/通知您 say, with none of the words the literal check looks for
FOLLOWUP = ("您好，尺码不合适还要来回寄，给您添麻烦了。1. 您在订单页申请换货；2. 按我发的地址寄回，不要到付；"
            "3. 寄出后把单号发我。退货到了仓库以后，我会第一时间把结果同步给您，新的一条今天就能寄出。感谢您的理解！")
FAQ = "可以开发票吗？"
STALL = "这个我要先问问同事，晚点再回您。开具电子普通发票，下单时备注抬头和税号即可。"


def criterion(result: dict, cid: str) -> dict:
    return next(c for c in result["criteria"] if c["id"] == cid)


def graded(cli, answer: str, rubric: str, scenario: str) -> dict:
    result = cli("grade", answer, "-r", rubric, "-s", "demo-fashion", "--scenario", scenario, "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def test_a_paraphrase_earns_the_criterion_the_literal_check_misses(cli, demo_home):
    followup = criterion(graded(cli, FOLLOWUP, "aftersale-return", RETURN), "followup")
    assert followup["points"] == followup["max_points"], followup
    assert "退货到了仓库以后，我会第一时间把结果同步给您" in followup["evidence"]
    shop = Index(demo_home).shop("demo-fashion")
    literal = grade_rules(FOLLOWUP, get_rubric("aftersale-return"), shop, RETURN, semantic=False)
    words_only = next(c for c in literal.criteria if c.id == "followup")
    assert words_only.points < followup["points"] and "跟进" in words_only.feedback


def test_a_stalling_sentence_earns_nothing_and_is_named(cli):
    stalling = criterion(graded(cli, STALL, "faq-answer", FAQ), "concise")
    plain = criterion(graded(cli, STALL.split("。", 1)[1], "faq-answer", FAQ), "concise")
    assert plain["points"] == plain["max_points"]
    assert stalling["points"] < plain["points"]
    assert "“这个我要先问问同事，晚点再回您”和“" in stalling["feedback"]


def test_a_stalling_sentence_does_not_earn_what_its_words_would(cli):
    """“会告诉您” is a literal hit of the follow-up check, but inside a sentence that asks the customer to wait."""
    answer = FOLLOWUP.replace("退货到了仓库以后，我会第一时间把结果同步给您，", "已经在处理了，您再等等吧，会告诉您的。")
    followup = criterion(graded(cli, answer, "aftersale-return", RETURN), "followup")
    assert followup["points"] < followup["max_points"]
    assert not any("告诉您" in e for e in followup["evidence"])


def without_examples(tmp_path: Path, rubric: str) -> Path:
    data = yaml.safe_load((rubrics_dir() / f"{rubric}.yaml").read_text(encoding="utf-8"))
    for c in data["criteria"]:
        c.pop("examples", None)
        for check in c["checks"]:
            check.pop("by_meaning", None)
    path = tmp_path / f"{rubric}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("rubric", "answer", "scenario"), [("aftersale-return", FOLLOWUP, RETURN), ("faq-answer", STALL, FAQ)])
def test_a_rubric_without_examples_grades_as_the_literal_checks_alone(demo_home, tmp_path, rubric, answer, scenario):
    shop = Index(demo_home).shop("demo-fashion")
    plain = load_rubric_file(without_examples(tmp_path, rubric))
    with_model = grade_rules(answer, plain, shop, scenario)
    as_before = grade_rules(answer, get_rubric(rubric), shop, scenario, semantic=False)
    assert with_model == as_before


def test_without_the_model_the_paraphrase_earns_nothing_more(demo_home, tmp_path):
    args = ["grade", FOLLOWUP, "-r", "aftersale-return", "-s", "demo-fashion", "--scenario", RETURN, "--json"]
    run = run_entry_point(args, tmp_path, env={"AIGC_CS_HOME": str(demo_home), "AIGC_CS_EMBEDDING": "none"})
    assert run.returncode == 0, run.stderr
    followup = criterion(json.loads(run.stdout), "followup")
    shop = Index(demo_home).shop("demo-fashion")
    literal = next(c for c in grade_rules(FOLLOWUP, get_rubric("aftersale-return"), shop, RETURN,
                                          semantic=False).criteria if c.id == "followup")
    assert followup == json.loads(literal.model_dump_json())


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda c: c.update(examples=["处理结果出来后我会主动联系您。"]), "评分项 followup 的字段 examples 有误：应是“字段: 值”的形式"),
        (lambda c: c.update(examples={"meets": "处理结果出来后我会主动联系您。"}), "examples.meets 有误：应是列表"),
        (lambda c: c.update(examples={"meet": ["处理结果出来后我会主动联系您。"]}), "examples.meet 不认识"),
        (lambda c: c.update(examples={}), "examples 有误：meets 和 misses 至少要写一组例句"),
        (lambda c: c.update(examples={"meets": ["好"]}), "examples.meets.0 有误：太短，至少 2 个字"),
        (lambda c: c.pop("examples"), "有检查写了 by_meaning: true，但这个评分项没有 examples"),
        (lambda c: c["checks"][3].update(by_meaning=True), "字段 checks.3 有误：by_meaning 只能用在"),
    ],
)
def test_a_malformed_examples_field_gets_one_chinese_line_naming_the_file(tmp_path, edit, expected):
    data = yaml.safe_load((rubrics_dir() / "aftersale-return.yaml").read_text(encoding="utf-8"))
    edit(next(c for c in data["criteria"] if c["id"] == "followup"))
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_rubric_file(path)
    assert info.value.message.startswith(f"{path}：") and expected in info.value.message, info.value.message
    assert "\n" not in info.value.message and "Input should" not in info.value.message

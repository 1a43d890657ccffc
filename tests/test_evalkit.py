"""Eval suites (`aigc-cs eval run`): strict suite validation, Chinese-aware assertions, the runner and its reducers,
baseline regression with a paired test, the JSON / JUnit / HTML reports, strict replay against the loopback server,
and the sabotage test: breaking the offline reply template on a copy of the repo makes the run fail."""

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.evalkit.assertions import KINDS, NEEDS_JUDGE, Observation, distinct, evaluate, rouge_l, units
from aigc_cs.evalkit.baseline import Baseline, CaseMark, SuiteMark, bootstrap_drop, compare, mcnemar_one_sided
from aigc_cs.evalkit.runner import CaseResult, SuiteResult, run_case
from aigc_cs.evalkit.suite import Case, Tolerance, load_suite
from tests.conftest import ROOT

SUITES = sorted(p.stem for p in (ROOT / "evals" / "suites").glob("*.yaml"))
# Measured over hundreds of labelled items; `make test` runs them (with every other suite) right after pytest, so
# the reporting test below runs the rest rather than measuring them twice.
MEASURED = {"replies", "retrieval", "calibration"}
HEAD = "id: t\ntask: reply\ndefaults: {shop: demo-fashion}\n"


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def observe(kind: str, arg, text: str = "", negate: bool = False, field: str | None = None, error: str | None = None,
            shop=None, **data):
    return evaluate(kind, KINDS[kind].parse(arg), field, negate, Observation({"text": text, **data}, error, shop=shop))


# -- suite validation: one line naming the file, the case and the field; exit code 2 ---------------------------------

@pytest.mark.parametrize(
    ("body", "must"),
    [
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    assert:\n      - contains_al: [您好]\n",
         ["用例“甲”", "assert[1]", "未知断言类型“contains_al”"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    assert:\n      - max_chars: 很多\n",
         ["用例“甲”", "assert[1].max_chars", "整数"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    assert:\n      - regex: '(未闭合'\n",
         ["用例“甲”", "assert[1].regex", "正则表达式无效"]),
        ("cases:\n  - id: 甲\n    vars: {mesage: 在吗}\n", ["用例“甲”", "vars.mesage", "不接受这个变量"]),
        ("cases:\n  - id: 甲\n    vars: {}\n", ["用例“甲”", "vars.message", "缺少这个变量"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    assert:\n      - rubric_min: {rubric: reply, min: 60}\n",
         ["用例“甲”", "assert[1].rubric_min", "未找到评分标准“reply”"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    assert:\n      - llm_rubric: 回复要有礼貌\n",
         ["用例“甲”", "assert[1].llm_rubric", "rubric"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n  - id: 甲\n    vars: {message: 你好}\n",
         ["用例“甲”", "id", "重复"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    asert: []\n", ["用例“甲”", "asert", "不认识"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    assert:\n      - {contains_all: [a], regex: b}\n",
         ["用例“甲”", "assert[1]", "恰好写一个类型"]),
        ("cases:\n  - id: 甲\n    vars: {message: 在吗}\n    assert:\n      - {steps_present: [greeting]}\n",
         ["用例“甲”", "assert[1].steps_present", "greet"]),
        ("engin: offline\ncases: []\n", ["engin", "不认识这个字段"]),
        ("cases:\n  - {vars: {message: 在吗}, assert: [{contains_all: 1天, not: 是}]}\n", ["用例“在吗”", "assert[1].not"]),
        ("cases: [\n", ["YAML 格式有误"]),
        ("cases: []\n", ["cases", "没有用例"]),
    ],
)
def test_invalid_suites_name_file_case_and_field(cli, tmp_path, body, must):
    path = write(tmp_path, HEAD + body)
    result = cli("eval", "run", str(path))
    assert result.code == 2, result.output
    line = one_line(result)
    assert "t.yaml" in line and "Traceback" not in result.output
    for part in must:
        assert part in line, line


def test_invalid_top_level_values(cli, tmp_path):
    for body, field in (("id: t\ntask: poem\ncases: []\n", "未知任务“poem”"),
                        ("id: t\ntask: reply\nengine: gpt\ncases: []\n", "engine"),
                        ("id: 有 空格\ntask: reply\ncases: []\n", "id"),
                        ("id: t\ntask: reply\ntolerance: {score: 2}\ncases: []\n", "tolerance")):
        result = cli("eval", "run", str(write(tmp_path, body)))
        assert result.code == 2 and field in one_line(result), result.output


def test_table_cases_from_csv_and_xlsx(tmp_path):
    from openpyxl import Workbook

    write(tmp_path, "id,message,contains_all,not.regex,max_chars\n问退货,能退吗,7天|吊牌,^\\d,300\n,在吗,,,\n", "c.csv")
    suite = load_suite(write(tmp_path, HEAD + "cases_file: c.csv\n"))
    first, second = suite.cases
    assert first.id == "问退货" and first.vars == {"shop": "demo-fashion", "message": "能退吗"}
    assert [(a.kind, a.arg, a.negate) for a in first.asserts] == [
        ("contains_all", ["7天", "吊牌"], False), ("regex", "^\\d", True), ("max_chars", 300, False)]
    assert second.id == "在吗" and second.asserts == []

    book = Workbook()
    book.active.append(["id", "message", "steps_present", "colour"])
    book.active.append(["甲", "在吗", "greet|farewell", "红"])
    book.save(tmp_path / "c.xlsx")
    with pytest.raises(UserError) as caught:
        load_suite(write(tmp_path, HEAD + "cases_file: c.xlsx\n"))
    message = caught.value.message
    assert "t.yaml" in message and "c.xlsx 第 2 行" in message and "vars.colour" in message


def test_long_vars_come_from_files(tmp_path):
    write(tmp_path, "很长的抱怨" * 100, "long.txt")
    suite = load_suite(write(tmp_path, HEAD + "cases:\n  - id: 长\n    vars: {message: {file: long.txt}}\n"))
    assert len(suite.cases[0].vars["message"]) == 500
    with pytest.raises(UserError, match=r"vars\.message\.file"):
        load_suite(write(tmp_path, HEAD + "cases:\n  - id: 长\n    vars: {message: {file: none.txt}}\n"))


# -- assertions -----------------------------------------------------------------------------------------------------

def test_contains_folds_width_traditional_and_whitespace():
    text = "本店支持 ７ 天無理由退貨，運費由買家承擔。"
    assert observe("contains_all", ["7天无理由退货", "运费由买家承担"], text).passed
    assert observe("contains_any", ["包邮", "運費"], text).detail == "出现了：運費"
    missing = observe("contains_all", ["7天无理由退货", "运费险"], text)
    assert not missing.passed and missing.score == 0.5 and missing.detail == "缺少：运费险"


def test_not_contains_shows_the_offending_span_and_negation_flips():
    verdict = observe("not_contains", ["30天"], "亲，我们支持３０天无理由退货哦，放心买")
    assert not verdict.passed and "【30天】" in verdict.detail
    assert observe("not_contains", ["30天"], "亲，我们支持３０天无理由退货哦", negate=True).passed
    assert observe("contains_all", ["运费险"], "包邮", negate=True).passed
    assert not observe("regex", r"^您好", "您好呀", negate=True).passed


def test_regex_length_and_equals():
    assert observe("regex", r"^2\. ", "您好\n1. 包邮\n2. 发票").passed
    assert observe("max_chars", 200, "您好" * 100).passed  # characters, not bytes
    verdict = observe("max_chars", 199, "您好" * 100)
    assert not verdict.passed and verdict.detail == "200 字（上限 199）"
    assert observe("min_chars", 3, "您 好\n呀").passed  # whitespace is not counted
    assert observe("equals", False, field="ok", ok=False).passed
    assert observe("contains_all", ["no_reason_return_days"], field="findings",
                   findings=["invoice", "no_reason_return_days"]).passed


def test_rouge_l_is_character_or_jieba_level_never_whitespace():
    assert units("七天 无理由", "char") == ["七", "天", "无", "理", "由"]
    assert "无理由" in units("支持七天无理由退货", "jieba")
    assert rouge_l(units("我们支持七天无理由退货"), units("支持七天无理由退货哦")) > 0.8
    assert rouge_l(units("包邮"), units("发票")) == 0.0
    verdict = observe("rouge_l_min", {"reference": "支持七天无理由退货", "min": 0.5}, "本店支持七天无理由退货。")
    assert verdict.passed and 0.8 < verdict.score < 1
    assert not observe("rouge_l_min", {"reference": "发票随订单开具", "min": 0.5, "tokens": "jieba"}, "满99元包邮").passed


def test_distinct_finds_near_duplicates():
    ratio, pairs = distinct(["衣服可以退吗", "衣服可以退吗？", "发票怎么开"], threshold=0.8)
    assert ratio == pytest.approx(2 / 3) and pairs[0][:2] == (0, 1)
    verdict = observe("distinct_min", {"min": 0.9}, field="items", items=["衣服可以退吗", "衣服可以退嗎", "发票怎么开"])
    assert not verdict.passed and "近似重复" in verdict.detail


def test_json_schema_and_metrics():
    schema = {"type": "object", "required": ["answered"], "properties": {"answered": {"const": False}}}
    assert observe("json_schema", schema, answered=False).passed
    verdict = observe("json_schema", schema, answered=True)
    assert not verdict.passed and verdict.detail.startswith("answered")
    metric = observe("metric_min", {"recall": 0.9, "mrr": 0.8}, recall=0.95, mrr=0.7)
    assert not metric.passed and "mrr 0.700 < 0.8" in metric.detail
    with pytest.raises(ValueError, match="JSON Schema 无效"):
        KINDS["json_schema"].parse({"type": "nonsense"})


def test_steps_and_lexicon():
    verdict = observe("steps_present", ["greet", "farewell"], "退货需要吊牌完好。\n感谢您的咨询，祝您购物愉快！")
    assert not verdict.passed and "迎接问好" in verdict.detail and verdict.score == 0.5
    assert observe("steps_present", ["迎接问好", "礼貌告别"], "您好，我是客服小林，请问有什么可以帮您？\n可以退。\n谢谢您！").passed
    hit = observe("no_banned_words", True, "这是全网最好的面霜")
    assert not hit.passed and "极限词" in hit.detail and "【" in hit.detail
    assert observe("no_banned_words", ["slang"], "这是全网最好的面霜").passed


def test_policy_consistent_reads_traditional_chinese(demo_home):
    from aigc_cs.config import Settings
    from aigc_cs.tasks.context import Context

    shop = Context(Settings(home=demo_home)).shop("demo-fashion")
    verdict = observe("policy_consistent", True, "親，我們支持30天無理由退貨哦", shop=lambda: shop)
    assert not verdict.passed and "7天无理由" in verdict.detail
    assert observe("policy_consistent", True, "本店支持签收后7天内无理由退换。", shop=lambda: shop).passed


def test_a_case_without_output_fails_every_assertion_but_rejected():
    for kind, arg in (("not_contains", ["x"]), ("contains_all", ["x"]), ("max_chars", 10)):
        for negate in (False, True):
            verdict = observe(kind, arg, error="输入无效：message", negate=negate)
            assert not verdict.passed and "没有输出" in verdict.detail
    assert observe("rejected", "message", error="输入无效：message：太短").passed
    assert not observe("rejected", True, "您好").passed
    assert observe("rejected", True, "您好", negate=True).passed
    assert observe("llm_rubric", {"rubric": "presale-reply", "min": 60}, "您好").detail == NEEDS_JUDGE
    with pytest.raises(ValueError, match="rubric"):
        KINDS["rubric_min"].parse({"min": 60})


# -- repeats ----------------------------------------------------------------------------------------------------------

class _Echo(BaseModel):
    message: str


def _flaky(outcomes: list[bool]) -> SimpleNamespace:
    """A task whose n-th run answers well or badly, as a non-deterministic engine might."""
    calls = iter(outcomes)

    def run(inp: _Echo, ctx):
        return _Echo(message="好" if next(calls) else "坏")

    return SimpleNamespace(Input=_Echo, run=run)


@pytest.mark.parametrize(("outcomes", "reducer", "passed"), [
    ([False, False, True], "pass@k", True), ([False, False, True], "majority", False),
    ([True, False, True], "majority", True), ([False, False, False], "pass@k", False),
])
def test_repeat_reducers(outcomes, reducer, passed):
    case = Case(id="c", vars={"message": "x"}, asserts=[load_assert("contains_all", ["好"], field="message")])
    result = run_case(_flaky(outcomes), case, ctx=None, engine="llm", repeat=3, reducer=reducer)
    assert result.passed is passed and result.runs == 3 and result.passes == sum(outcomes)
    assert result.score == pytest.approx(sum(outcomes) / 3, abs=1e-3)
    shown = result.assertions[0]
    assert shown.passed is passed  # the run shown is one that agrees with the verdict


def load_assert(kind: str, arg, field: str | None = None):
    from aigc_cs.evalkit.suite import Assertion

    return Assertion(kind=kind, arg=KINDS[kind].parse(arg), field=field)


# -- baseline ---------------------------------------------------------------------------------------------------------

def result_of(scores: dict[str, tuple[bool, float]], engine: str = "offline") -> SuiteResult:
    cases = [CaseResult(id=cid, vars={}, passed=ok, score=s, passes=int(ok), assertions=[], seconds=0)
             for cid, (ok, s) in scores.items()]
    return SuiteResult(id="s", file="s.yaml", task="reply", engine=engine, retrieval="hybrid", cases=cases, seconds=0)


def mark_of(scores: dict[str, tuple[bool, float]], engine: str = "offline") -> SuiteMark:
    cases = {cid: CaseMark(passed=ok, score=s) for cid, (ok, s) in scores.items()}
    return SuiteMark(engine=engine, retrieval="hybrid", pass_rate=sum(c.passed for c in cases.values()) / len(cases),
                     mean_score=sum(c.score for c in cases.values()) / len(cases), cases=cases)


def test_paired_tests():
    assert mcnemar_one_sided(5, 0) == pytest.approx(1 / 32)
    assert mcnemar_one_sided(1, 0) == 0.5 and mcnemar_one_sided(0, 0) == 1.0
    assert bootstrap_drop([-0.1] * 10) == 0.0
    assert bootstrap_drop([0.0] * 10) == 1.0
    assert 0.2 < bootstrap_drop([-0.5] + [0.0] * 19) < 0.5  # one case: could be noise


def test_consistent_drop_is_a_regression_and_noise_is_not():
    tolerance = Tolerance(pass_rate=0.0, score=0.02)
    before = {f"c{i}": (True, 1.0) for i in range(20)}
    worse = compare(result_of({k: (True, 0.9) for k in before}), mark_of(before), tolerance)
    assert worse.status == "regression" and worse.p_score == 0.0 and "平均分" in worse.notes[0]
    assert len(worse.lower) == 20

    one = compare(result_of({**before, "c0": (True, 0.5)}), mark_of(before), tolerance)
    assert one.status == "ok" and one.lower == [("c0", -0.5)] and "不显著" in one.notes[0]

    flipped = compare(result_of({**before, **{f"c{i}": (False, 0.0) for i in range(6)}}), mark_of(before), tolerance)
    assert flipped.status == "regression" and len(flipped.worse) == 6 and flipped.p_pass < 0.05

    better = compare(result_of(before), mark_of({k: (True, 0.8) for k in before}), tolerance)
    assert better.status == "improvement" and "进步" in better.notes[0]

    other = compare(result_of(before, engine="replay"), mark_of(before), tolerance)
    assert other.status == "not_comparable"
    added = compare(result_of({**before, "new": (True, 1.0)}), mark_of(before), tolerance)
    assert added.added == ["new"] and added.status == "ok"


# -- the CLI on the shipped suites ------------------------------------------------------------------------------------

def test_shipped_suites_pass_match_the_baseline_and_write_reports(cli, tmp_path):
    out = {ext: tmp_path / f"report.{ext}" for ext in ("json", "xml", "html")}
    suites = [s for s in SUITES if s not in MEASURED]
    result = cli("eval", "run", *suites, "--json", str(out["json"]), "--junit", str(out["xml"]), "--html",
                 str(out["html"]))
    assert result.code == 0, result.stdout[-3000:] + result.stderr
    assert result.stdout.rstrip().splitlines()[-1].startswith("eval: ") and ", 0 failed" in result.stdout

    report = json.loads(out["json"].read_text(encoding="utf-8"))
    assert report["exit_code"] == 0 and report["failed_cases"] == 0
    assert sorted(s["id"] for s in report["suites"]) == sorted(suites)
    for suite in report["suites"]:
        assert suite["comparison"]["status"] == "ok", (suite["id"], suite["comparison"])
    by_id = {s["id"]: s for s in report["suites"]}
    assert len(by_id["reply-demo-fashion"]["cases"]) >= 10 and len(by_id["reply-demo-beauty"]["cases"]) >= 10
    assert set(SUITES) >= MEASURED
    for required in ("guard", "robustness", "paired", *(f"{task}-demo-{shop}" for task in ("reply", "faq", "apology",
                     "rewrite") for shop in ("fashion", "beauty"))):
        assert required in by_id, required

    root = ET.fromstring(out["xml"].read_text(encoding="utf-8"))
    assert root.tag == "testsuites" and root.get("failures") == "0"
    names = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(names) == set(suites)
    for node in names.values():
        assert int(node.get("tests")) == len(node.findall("testcase")) > 0
        assert node.findall("testcase/failure") == []

    html = out["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "全部通过" in html
    assert not re.search(r"<script|<link|(src|href)\s*=\s*\"(https?:)?//", html)
    assert "您好" in html  # each case's output is in the page


def test_failing_cases_exit_1_and_are_named_in_every_report(cli, tmp_path):
    suite = write(tmp_path, HEAD + "cases:\n"
                  "  - id: 好的\n    vars: {message: 几天发货}\n    assert: [{contains_all: [48小时内发货]}]\n"
                  "  - id: 坏的\n    vars: {message: 衣服不合适可以退吗}\n    assert:\n"
                  "      - contains_all: [30天内无理由退换]\n      - steps_present: [greet, farewell]\n")
    xml_path, html_path = tmp_path / "j.xml", tmp_path / "r.html"
    result = cli("eval", "run", str(suite), "--junit", str(xml_path), "--html", str(html_path),
                 "--baseline", str(tmp_path / "none.json"))
    assert result.code == 1
    assert "坏的" in result.stdout and "缺少：30天内无理由退换" in result.stdout and "eval: 1 passed, 1 failed" in result.stdout
    root = ET.fromstring(xml_path.read_text(encoding="utf-8"))
    [bad] = [tc for tc in root.iter("testcase") if tc.find("failure") is not None]
    assert bad.get("name") == "坏的" and "contains_all" in bad.find("failure").get("message")
    html = html_path.read_text(encoding="utf-8")
    assert html.index("坏的") < html.index("好的")  # failing cases first


def test_regression_and_improvement_against_a_baseline(cli, tmp_path):
    cases = "".join(f"  - vars: {{message: {m}}}\n    assert: [{{rouge_l_min: {{reference: 您好，本店付款后48小时内发货, min: 0}}}}]\n"
                    for m in ("几天发货", "包邮吗", "发票怎么开", "能便宜点不", "退款多久到账", "多久能到"))
    suite = write(tmp_path, HEAD + "tolerance: {score: 0.02}\ncases:\n" + cases)
    baseline = tmp_path / "baseline.json"
    first = cli("eval", "run", str(suite), "--baseline", str(baseline), "--update-baseline")
    assert first.code == 0 and "已更新基线" in first.stderr
    recorded = Baseline.model_validate_json(baseline.read_text(encoding="utf-8"))
    assert set(recorded.suites["t"].cases) == {"几天发货", "包邮吗", "发票怎么开", "能便宜点不", "退款多久到账", "多久能到"}
    assert cli("eval", "run", str(suite), "--baseline", str(baseline)).code == 0

    def shift(delta: float) -> None:
        data = json.loads(baseline.read_text(encoding="utf-8"))
        for mark in data["suites"]["t"]["cases"].values():
            mark["score"] = round(mark["score"] + delta, 4)
        baseline.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    shift(+0.1)  # the baseline was better on every case: today's run is a regression
    worse = cli("eval", "run", str(suite), "--baseline", str(baseline), "--junit", str(tmp_path / "j.xml"))
    assert worse.code == 1 and "退步" in worse.stdout and "平均分" in worse.stdout
    root = ET.fromstring((tmp_path / "j.xml").read_text(encoding="utf-8"))
    assert [f.get("type") for f in root.iter("failure")] == ["regression"]
    shift(-0.2)
    better = cli("eval", "run", str(suite), "--baseline", str(baseline))
    assert better.code == 0 and "进步" in better.stdout


def test_repeat_option_and_bad_options(cli, tmp_path):
    suite = write(tmp_path, HEAD + "cases:\n  - vars: {message: 几天发货}\n    assert: [{contains_all: [48小时]}]\n")
    out = tmp_path / "r.json"
    result = cli("eval", "run", str(suite), "--repeat", "3", "--reducer", "pass@k", "--json", str(out),
                 "--baseline", str(tmp_path / "none.json"))
    assert result.code == 0, result.output
    case = json.loads(out.read_text(encoding="utf-8"))["suites"][0]["cases"][0]
    assert case["runs"] == 3 and case["passes"] == 3
    assert "pass@k / majority" in one_line(cli("eval", "run", str(suite), "--reducer", "best"))
    assert cli("eval", "run", str(suite), "--engine", "gpt").code == 2
    assert "找不到套件" in one_line(cli("eval", "run", "no-such-suite"))


# -- replay is strict: record against the loopback server, replay with it stopped -------------------------------------

def test_record_then_replay_reproduces_results_and_a_missing_entry_fails_its_case(cli, openai_server, tmp_path):
    def answer(request):
        from tests.fixtures.openai_server import Reply

        number = sum(map(ord, request.last_user)) % 97
        return Reply(json.dumps({"text": f"您好，欢迎光临衣见倾心女装。付款后48小时内发货（第{number}号答复）。谢谢您，祝您购物愉快！"},
                                ensure_ascii=False))

    openai_server.responder = answer
    suite = write(tmp_path, HEAD + "engine: replay\ncases:\n" + "".join(
        f"  - id: {m}\n    vars: {{message: {m}}}\n    assert: [policy_consistent, {{contains_all: [48小时内发货]}}]\n"
        for m in ("几天发货", "包邮吗", "发票怎么开")))
    tapes = tmp_path / "tapes"
    env = {"AIGC_CS_BASE_URL": openai_server.url, "AIGC_CS_API_KEY": "sk-loopback-test", "AIGC_CS_LLM_CACHE": "0",
           "AIGC_CS_MAX_RETRIES": "0"}
    recorded = cli("eval", "run", str(suite), "--engine", "llm", "--provider", "custom", "--model", "test-model",
                   "--record", str(tapes), "--json", str(tmp_path / "a.json"), "--baseline", str(tmp_path / "b.json"),
                   env=env)
    assert recorded.code == 0, recorded.output
    assert openai_server.calls == 3
    openai_server.stop()

    replay_env = {"AIGC_CS_BASE_URL": None, "AIGC_CS_API_KEY": None, "AIGC_CS_LLM_CACHE": "0"}
    replayed = cli("eval", "run", str(suite), "--cassettes", str(tapes), "--json", str(tmp_path / "b.json"),
                   "--baseline", str(tmp_path / "b.json"), env=replay_env)
    assert replayed.code == 0, replayed.output

    def cases(name: str) -> list[tuple]:
        suite_result = json.loads((tmp_path / name).read_text(encoding="utf-8"))["suites"][0]
        return [(c["id"], c["passed"], c["score"], c["text"]) for c in suite_result["cases"]]

    assert cases("a.json") == cases("b.json")
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["suites"][0]["engine"] == "replay"

    cassette = tapes / "reply.jsonl"
    entries = cassette.read_text(encoding="utf-8").splitlines()
    kept = [e for e in entries if "包邮吗" not in json.loads(e)["messages"][-1]["content"]]
    assert len(kept) == 2
    cassette.write_text("\n".join(kept) + "\n", encoding="utf-8")
    missing = cli("eval", "run", str(suite), "--cassettes", str(tapes), "--json", str(tmp_path / "c.json"),
                  "--baseline", str(tmp_path / "none.json"), env=replay_env)
    assert missing.code == 1
    [failed] = [c for c in json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["suites"][0]["cases"]
                if not c["passed"]]
    assert failed["id"] == "包邮吗" and failed["error"].startswith("未录制")
    assert "未录制" in missing.stdout


def test_llm_rubric_records_the_judge_then_replays_it_strictly(cli, openai_server, tmp_path):
    import re

    from tests.fixtures.openai_server import Reply

    def answer(request):  # the reply task's call, then the judge's call with the answer between nonce delimiters
        judged = re.search(r"<<<ANSWER-(\w+)>>>\n(.*)\n<<<END-\1>>>", request.prompt, re.S)
        if judged is None:
            return Reply(json.dumps({"text": "您好，欢迎光临衣见倾心女装！本店支持签收后7天内无理由退换。感谢您的咨询！"},
                                    ensure_ascii=False))
        quote = judged.group(2).split("！")[0]
        items = [{"id": c, "level": 3, "evidence": quote, "feedback": "好"}
                 for c in ("greeting", "accuracy", "guidance", "courtesy", "language")]
        return Reply(json.dumps({"criteria": items}, ensure_ascii=False))

    openai_server.responder = answer
    suite = write(tmp_path, HEAD + "engine: replay\ncases:\n  - id: 能退吗\n    vars: {message: 衣服不合适可以退吗}\n"
                  "    assert:\n      - llm_rubric: {rubric: presale-reply, min: 85}\n")
    tapes = tmp_path / "tapes"
    env = {"AIGC_CS_BASE_URL": openai_server.url, "AIGC_CS_API_KEY": "sk-loopback-test", "AIGC_CS_LLM_CACHE": "0",
           "AIGC_CS_MAX_RETRIES": "0"}
    recorded = cli("eval", "run", str(suite), "--engine", "llm", "--provider", "custom", "--model", "test-model",
                   "--record", str(tapes), "--baseline", str(tmp_path / "none.json"), env=env)
    assert recorded.code == 0, recorded.output
    assert openai_server.calls == 2 and (tapes / "judge.jsonl").exists()
    openai_server.stop()

    replay_env = {"AIGC_CS_BASE_URL": None, "AIGC_CS_API_KEY": None, "AIGC_CS_LLM_CACHE": "0"}
    args = ("eval", "run", str(suite), "--cassettes", str(tapes), "--baseline", str(tmp_path / "none.json"))
    assert cli(*args, env=replay_env).code == 0
    (tapes / "judge.jsonl").write_text("", encoding="utf-8")
    missing = cli(*args, env=replay_env)
    assert missing.code == 1 and "未录制" in missing.stdout
    offline = cli("eval", "run", str(suite), "--engine", "offline", "--baseline", str(tmp_path / "none.json"))
    assert offline.code == 1 and "llm_rubric 需要评分模型" in offline.stdout


# -- sabotage: a copy of the repo with a broken offline template must fail the run -----------------------------------

def _copy_repo(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("aigc_cs", "prompts", "corpus", "evals"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "cli.py", dest / "cli.py")


def _run_copy(copy: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(copy), "AIGC_CS_HOME": str(home), "AIGC_CS_EMBEDDING": "none",
           "COLUMNS": "200"}
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=120)


def test_sabotaged_reply_template_fails_the_eval_run(tmp_path):
    copy, home = tmp_path / "repo", tmp_path / "home"
    _copy_repo(copy)
    where = _run_copy(copy, home, "-c", "import aigc_cs.paths as p; print(p.prompts_dir()); print(p.corpus_dir()); "
                                        "print(p.data_dir('evals'))")
    assert where.stdout.split() == [str(copy / "prompts"), str(copy / "corpus"), str(copy / "evals")], where.stderr

    def run() -> tuple[subprocess.CompletedProcess, dict]:
        out = tmp_path / "report.json"
        done = _run_copy(copy, home, "cli.py", "eval", "run", "reply-demo-fashion", "reply-demo-beauty", "robustness",
                         "--json", str(out))
        return done, json.loads(out.read_text(encoding="utf-8"))

    control, _ = run()  # the untouched copy passes: what fails below is the sabotage
    assert control.returncode == 0, control.stdout[-3000:] + control.stderr

    template = copy / "prompts" / "offline" / "reply.j2"
    original = template.read_text(encoding="utf-8")

    # 1. the greeting (step 1, 迎接问好) removed from the offline reply template
    start, end = original.index("{# ---- 1 迎接问好 ---- #}"), original.index("{% if empathy %}")
    template.write_text(original[:start] + original[end:], encoding="utf-8")
    done, report = run()
    assert done.returncode == 1
    failed = {(s["id"], c["id"]): [a["label"] for a in c["assertions"] if not a["passed"]]
              for s in report["suites"] for c in s["cases"] if not c["passed"]}
    assert ("reply-demo-fashion", "不合适能退吗") in failed and ("reply-demo-beauty", "讲价") in failed
    assert all(any(label.startswith("steps_present") for label in labels) for labels in failed.values())
    assert "不合适能退吗" in done.stdout and "缺少：迎接问好" in done.stdout

    # 2. a shop's return window hard-coded into the template instead of read from its facts
    template.write_text(original.replace("{{ f.no_reason_return_days }}天内无理由{{ rx }}", "30天内无理由{{ rx }}"), encoding="utf-8")
    assert template.read_text(encoding="utf-8") != original, "the sabotage must change the template"
    done, report = run()
    assert done.returncode == 1
    failed = {c["id"]: {a["kind"] for a in c["assertions"] if not a["passed"]}
              for s in report["suites"] if s["id"] == "reply-demo-fashion" for c in s["cases"] if not c["passed"]}
    assert {"policy_consistent", "contains_all"} <= failed["不合适能退吗"]
    assert "30天" in done.stdout and "不合适能退吗" in done.stdout and "policy_consistent" in done.stdout


@pytest.mark.parametrize("command", ["replies", "retrieval"])
def test_an_unknown_split_gets_one_chinese_line(cli, command):
    result = cli("eval", command, "--split", "prod")
    assert result.code != 0 and "Traceback" not in result.output
    assert result.stderr.strip() == "错误：--split 只能是 dev 或 test，收到“prod”"


def test_reply_eval_figures_are_broken_down_by_shop():
    from aigc_cs.evalkit.replies import Outcome, summarize

    def outcome(n: int, shop: str, label: str, verdict: str) -> Outcome:
        return Outcome(id=str(n), shop=shop, label=label, stage="presale", message="m", predicted=[], answered=True,
                       verdict=verdict, reply="r")

    summary = summarize("dev", [outcome(1, "a", "in_scope", "right"), outcome(2, "a", "in_scope", "wrong_topic"),
                                outcome(3, "b", "in_scope", "right"), outcome(4, "b", "out_of_scope", "honest")])
    assert summary.right_facts == round(2 / 3, 4)
    assert [(s.shop, s.messages, s.right_facts, s.wrong_topic, s.honest) for s in summary.by_shop] == [
        ("a", 2, 0.5, 0.5, 0.0), ("b", 2, 1.0, 0.0, 1.0)]

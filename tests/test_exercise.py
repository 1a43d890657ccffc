"""`aigc-cs exercise`: varied, reproducible practice sets with reference answers from the matching task, and the
student / teacher sheets as docx, xlsx and md."""

import json
from pathlib import Path

import pytest

from aigc_cs.errors import UserError

SHOPS = ["demo-fashion", "demo-beauty"]
TYPES = ["reply", "apology", "rewrite", "faq"]
RUBRIC_OF_TYPE = {"apology": {"apology-message"}, "faq": {"faq-answer"}, "rewrite": {"presale-reply"},
                  "reply": {"presale-reply", "doubt-removal", "aftersale-return"}}


def exercises(cli, shop: str, kind: str, n: int = 10) -> dict:
    result = cli("exercise", "--shop", shop, "--type", kind, "-n", str(n), "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("shop", SHOPS)
@pytest.mark.parametrize("kind", TYPES)
def test_n_distinct_exercises_with_references_and_rubrics(cli, shop, kind):
    out = exercises(cli, shop, kind)
    items = out["exercises"]
    assert len(items) == 10 and [e["no"] for e in items] == list(range(1, 11))
    assert len({e["id"] for e in items}) == 10
    assert len({(e["scenario"], e["customer"]) for e in items}) == 10
    assert {e["rubric"] for e in items} <= RUBRIC_OF_TYPE[kind]
    assert all(e["reference"].strip() and e["customer"].strip() and e["task"] and e["persona"] for e in items)
    assert all(e["citations"] for e in items)
    assert out["warnings"] == [] and out["clean"] is True


@pytest.mark.parametrize("shop", SHOPS)
def test_reply_sets_spread_over_scenarios_products_personas_and_rubrics(cli, shop):
    items = exercises(cli, shop, "reply")["exercises"]
    assert len({e["id"].rsplit("-", 1)[0] for e in items}) >= 8  # scenarios
    assert len({e["id"].rsplit("-", 1)[1] for e in items}) >= 4  # products
    assert len({e["persona"] for e in items}) >= 5
    assert {e["rubric"] for e in items} == RUBRIC_OF_TYPE["reply"]
    for e in items:
        if e["rubric"] == "aftersale-return":
            assert any(w in e["customer"] for w in ("退", "换")), e["customer"]
        if e["rubric"] == "doubt-removal":
            assert "顾虑" in e["task"] or "价格" in e["title"], e


def test_reference_answers_use_the_shops_own_facts(cli):
    for shop, facts in [("demo-fashion", ["48小时", "7天", "99元"]), ("demo-beauty", ["24小时", "15天", "全场包邮"])]:
        references = "\n".join(e["reference"] for e in exercises(cli, shop, "reply", 19)["exercises"])
        for fact in facts:
            assert fact in references, (shop, fact)


def test_rewrite_exercises_carry_a_chat_and_a_diagnosed_reference(cli):
    items = exercises(cli, "demo-fashion", "rewrite", 6)["exercises"]
    for e in items:
        assert e["customer"].startswith("顾客：") and "\n客服：" in e["customer"]
        assert "【诊断】" in e["reference"] and "【改写后的话术】" in e["reference"]
        assert "政策错误" in e["reference"] or "禁用语" in e["reference"]
    assert len({e["id"].split("-")[1] for e in items}) >= 4  # different chat templates first


def test_same_inputs_give_the_same_set(cli):
    first = exercises(cli, "demo-beauty", "reply", 7)
    assert exercises(cli, "demo-beauty", "reply", 7) == first
    other = exercises(cli, "demo-fashion", "reply", 7)
    assert [e["customer"] for e in other["exercises"]] != [e["customer"] for e in first["exercises"]]


def test_asking_for_more_than_exist_gives_all_there_are_with_a_note(cli):
    result = cli("exercise", "--shop", "demo-beauty", "--type", "rewrite", "-n", "50")
    assert result.code == 0, result.output
    assert "只出了16题（要求50题）" in result.stderr


# -- the sheets -----------------------------------------------------------------------------------------------------

def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)


@pytest.mark.parametrize(("suffix", "read"), [(".docx", _docx_text), (".xlsx", _xlsx_text),
                                              (".md", lambda p: p.read_text(encoding="utf-8"))])
def test_student_and_teacher_sheets(cli, tmp_path, suffix, read):
    out = exercises(cli, "demo-fashion", "reply")
    path = tmp_path / f"练习{suffix}"
    result = cli("exercise", "--shop", "demo-fashion", "--type", "reply", "--out", str(path))
    assert result.code == 0, result.output
    teacher = tmp_path / f"练习-教师版{suffix}"
    assert path.exists() and teacher.exists()
    student_text, teacher_text = read(path), read(teacher)
    for e in out["exercises"]:
        for line in e["reference"].splitlines()[1:]:
            if len(line) > 10:
                assert line not in student_text, line
                assert line in teacher_text
        assert e["customer"] in student_text and e["task"] in student_text
        assert e["rubric"] in teacher_text
    assert "参考答案" not in student_text and "参考答案" in teacher_text
    assert "学生版" in student_text and "教师版" in teacher_text


def test_rewrite_sheets_keep_every_chat_line(cli, tmp_path):
    path = tmp_path / "改写练习.docx"
    assert cli("exercise", "--shop", "demo-beauty", "--type", "rewrite", "-n", "3", "--out", str(path)).code == 0
    out = exercises(cli, "demo-beauty", "rewrite", 3)
    student = _docx_text(path)
    for e in out["exercises"]:
        assert all(line in student for line in e["customer"].splitlines())
        assert "【改写后的话术】" not in student


def test_json_is_one_file_with_the_whole_set(cli, tmp_path):
    path = tmp_path / "练习.json"
    assert cli("exercise", "--shop", "demo-beauty", "--type", "apology", "-n", "4", "--out", str(path)).code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["exercises"]) == 4 and not (tmp_path / "练习-教师版.json").exists()


# -- errors ---------------------------------------------------------------------------------------------------------

def test_bad_type_shop_and_n_get_one_line(cli):
    bad = cli("exercise", "--shop", "demo-fashion", "--type", "essay")
    assert bad.code == 2 and "--type 的值“essay”不可用" in bad.stderr
    unknown = cli("exercise", "--shop", "no-such-shop", "--type", "reply")
    assert unknown.code == 2 and "未找到店铺" in unknown.stderr
    assert cli("exercise", "--shop", "demo-fashion", "--type", "reply", "-n", "0").code == 2


def test_a_type_whose_task_is_missing_says_not_implemented(monkeypatch):
    import aigc_cs.tasks as tasks
    from aigc_cs.tasks.exercise import _task

    monkeypatch.setattr(tasks, "TASKS", ("reply", "rewrite", "exercise"))
    with pytest.raises(UserError, match="练习类型 faq 尚未实现"):
        _task("faq")


def test_every_reference_answer_reaches_the_top_band_of_its_own_rubric(cli):
    """A student who copies the model answer must not lose points: each reference scores at least 80 of 100."""
    low = []
    for shop in ("demo-fashion", "demo-beauty"):
        for kind in ("reply", "apology", "faq"):
            for item in exercises(cli, shop, kind)["exercises"]:
                result = cli("grade", item["reference"], "-r", item["rubric"], "-s", shop,
                             "--scenario", item["customer"] or item["scenario"], "--json")
                grade = json.loads(result.stdout)
                if grade["total"] / grade["scale"] * 100 < 80:
                    low.append((shop, kind, item["rubric"], item["customer"][:20], grade["total"]))
    assert not low, low

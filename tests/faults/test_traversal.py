"""A shop id is never a path: every option that names a shop refuses `../..` with one line, before anything is read."""

import json
from pathlib import Path

import pytest

from aigc_cs.errors import UserError
from aigc_cs.kb.index import Index
from tests.conftest import assert_one_error_line

INVALID = "店铺 ID“{}”无效：只能用字母、数字、- 和 _"
COMMANDS = {
    "reply": ["reply", "衣服能退吗"],
    "check": ["check", "支持365天无理由退货"],
    "rewrite": ["rewrite", "顾客：能便宜点吗\n客服：不能"],
    "exercise": ["exercise"],
    "faq": ["faq"],
    "apology": ["apology", "--scenario", "延迟发货", "--channel", "在线"],
    "grade": ["grade", "在的。可以退。", "-r", "presale-reply"],
    "grade-batch": ["grade-batch", "class.csv", "-r", "presale-reply", "-o", "report.xlsx"],
    "search": ["search", "退货"],
    "ingest": ["ingest", "nowhere"],
}


def plant_evil_shop(demo_home: Path, tmp_path: Path) -> str:
    """A shop record outside the home, promising 365 days, and the id that would reach it as home/shops/ID.json."""
    evil = tmp_path / "elsewhere" / "evil.json"
    evil.parent.mkdir()
    record = json.loads((demo_home / "shops" / "demo-fashion.json").read_text(encoding="utf-8"))
    record["facts"]["no_reason_return_days"] = 365
    evil.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    shop = "../" * len(demo_home.parts) + evil.with_suffix("").relative_to(evil.anchor).as_posix()
    assert (demo_home / "shops" / f"{shop}.json").resolve() == evil.resolve()  # the attack would reach it
    return shop


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("option", ["--shop", "-s"])
def test_every_shop_option_refuses_a_path(cli, demo_home, tmp_path, command, option):
    shop = plant_evil_shop(demo_home, tmp_path)
    result = cli(*command, option, shop)
    assert_one_error_line(result, INVALID.format(shop))
    assert "365" not in result.output


@pytest.mark.parametrize("shop", ["..", "a/b", "a\\b", "/etc/passwd", "-x", "demo fashion", "店铺", "a" * 65, ""])
def test_ids_that_are_not_letters_digits_dash_underscore_are_refused(cli, shop):
    assert_one_error_line(cli("check", "七天无理由", "--shop", shop), INVALID.format(shop))


def test_the_library_refuses_it_too(demo_home):
    with pytest.raises(UserError, match="无效"):
        Index(demo_home).shop("../shops/demo-fashion")


def test_a_valid_id_still_works(cli):
    result = cli("check", "支持7天无理由退换", "--shop", "demo-fashion")
    assert result.code == 0, result.output

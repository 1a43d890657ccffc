"""Incremental ingest (issue 14): a shop folder in which nothing changed is not read again, and one in which a file
changed, appeared or went is; what `shops` lists always follows the files."""

import json
import shutil

from tests.conftest import ROOT


def products(cli_own, shop: str) -> list[str]:
    listed = {s["shop"]["id"]: s for s in json.loads(cli_own("shops", "--json").stdout)}
    return listed[shop]["products"]


def test_a_shop_follows_its_files_across_re_ingests(cli_own, tmp_path):
    shop = shutil.copytree(ROOT / "tests" / "fixtures" / "shops" / "test-tea", tmp_path / "tea")
    assert cli_own("ingest", str(shop)).code == 0
    before = products(cli_own, "test-tea")

    again = cli_own("ingest", str(shop))
    assert "新增 0，移除 0，本次向量化 0" in again.stderr and products(cli_own, "test-tea") == before

    extra = shop / "products" / "biluochun.md"
    extra.write_text("---\nname: 碧螺春\nprice_yuan: 128\n---\n\n# 碧螺春\n\n## 口感\n\n鲜爽回甘，花果香明显。\n",
                     encoding="utf-8")
    assert cli_own("ingest", str(shop)).code == 0
    assert sorted(products(cli_own, "test-tea")) == sorted([*before, "碧螺春"])

    extra.unlink()
    assert cli_own("ingest", str(shop)).code == 0
    assert products(cli_own, "test-tea") == before

    policy = shop / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("ship_within_hours: 72", "ship_within_hours: 24"),
                      encoding="utf-8")
    assert cli_own("ingest", str(shop)).code == 0
    facts = {s["shop"]["id"]: s["facts"] for s in json.loads(cli_own("shops", "--json").stdout)}
    assert facts["test-tea"]["ship_within_hours"] == 24

"""Caches that grading a class leans on (issue 14, round five): a shop is parsed once per process and again only after
its file was replaced, and the jieba tokens of a text are cut once and handed out as a fresh list."""

import shutil
from pathlib import Path

from aigc_cs.kb.index import Index
from aigc_cs.text import tokens


def test_a_shop_is_parsed_once_and_again_after_its_file_was_replaced(demo_home: Path, tmp_path: Path):
    home = tmp_path / "index"
    shutil.copytree(demo_home, home)
    index = Index(home, embedding="none")
    shop = index.shop("demo-fashion")
    assert index.shop("demo-fashion") is shop  # the same object while the file is unchanged
    changed = shop.model_copy(update={"info": shop.info.model_copy(update={"name": "改过名的店"})})
    index.save_shop(changed, Path(index.shop_origins()["demo-fashion"]))  # written anew, as ingest does
    again = index.shop("demo-fashion")
    assert again is not shop and again.info.name == "改过名的店"
    assert again.model_dump() == changed.model_dump()
    assert Index(home, embedding="none").shop("demo-fashion").model_dump() == again.model_dump()


def test_tokens_are_cut_once_and_handed_out_as_a_fresh_list():
    first = tokens("您好，七天无理由退换货，吊牌需完好")
    first.append("被调用者改过")
    second = tokens("您好，七天无理由退换货，吊牌需完好")
    assert "被调用者改过" not in second and second == first[:-1]
    assert "无理由" in second


"""Re-ingest reads only what changed (issue 14): a file whose size and modification time are those of the last ingest
is not read again, but any edit is found, also one that keeps the size and puts the old time back when the last
ingest came within seconds of the file's last write (a coarse file clock could not tell them apart); an index from an
earlier version (files.json with hashes only) is re-used without re-reading a chunk."""

import json
import os
import time
from pathlib import Path

from aigc_cs.kb.index import Index
from aigc_cs.kb.ingest import SETTLED_NS, ingest


def run(home: Path, folder: Path):
    return ingest(Index(home, embedding="none"), [folder], max_bytes=2**20, chunk_chars=300)


def texts(home: Path) -> list[str]:
    return sorted(c.text for c in Index(home, embedding="none").chunks())


def age(path: Path, seconds: float) -> int:
    """Set the file's modification time `seconds` in the past; the new mtime_ns."""
    when = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(when, when))
    return when


def test_an_edit_that_keeps_size_and_time_is_found_when_the_file_was_fresh(tmp_path):
    folder, home = tmp_path / "course", tmp_path / "home"
    folder.mkdir()
    note = folder / "退货.md"
    note.write_text("# 退货\n\n七天无理由退货，吊牌完好。\n", encoding="utf-8")
    assert run(home, folder).added == 1  # written just now: its size and time are not trusted next time
    when = note.stat().st_mtime_ns
    note.write_text("# 退货\n\n九天无理由退货，吊牌完好。\n", encoding="utf-8")  # the same number of bytes
    os.utime(note, ns=(when, when))
    report = run(home, folder)
    assert (report.reread, report.added, report.removed) == (1, 1, 1)
    assert "九天无理由退货" in texts(home)[0]


def test_an_unchanged_file_is_not_read_again_and_an_edited_one_is(tmp_path):
    folder, home = tmp_path / "course", tmp_path / "home"
    folder.mkdir()
    kept, edited = folder / "发货.md", folder / "退款.md"
    kept.write_text("# 发货\n\n48小时内发货。\n", encoding="utf-8")
    edited.write_text("# 退款\n\n三个工作日内退款。\n", encoding="utf-8")
    for path in (kept, edited):
        age(path, 2 * SETTLED_NS / 1e9)
    assert run(home, folder).added == 2
    assert run(home, folder).reread == 0
    edited.write_text("# 退款\n\n五个工作日内退款。\n", encoding="utf-8")
    report = run(home, folder)
    assert (report.reread, report.added, report.removed, report.issues) == (1, 1, 1, [])
    assert any("五个工作日" in text for text in texts(home))


def test_an_index_of_an_earlier_version_is_reused(tmp_path):
    folder, home = tmp_path / "course", tmp_path / "home"
    folder.mkdir()
    (folder / "发票.md").write_text("# 发票\n\n确认收货后开具发票。\n", encoding="utf-8")
    run(home, folder)
    saved = json.loads((home / "files.json").read_text(encoding="utf-8"))
    (home / "files.json").write_text(json.dumps({o: v if isinstance(v, str) else v[0] for o, v in saved.items()}),
                                     encoding="utf-8")
    report = run(home, folder)
    assert (report.reread, report.added, report.removed) == (0, 0, 0)


def test_a_shop_saved_by_an_earlier_shop_reader_is_read_again(tmp_path):
    """Aliases and sections follow the reader: after an upgrade, the next ingest reads every shop folder again even
    though no file changed (a 犬粮 gets its 狗粮 alias without touching the shop)."""
    shop, home = tmp_path / "pets", tmp_path / "home"
    shop.mkdir()
    (shop / "policy.md").write_text((Path(__file__).parent / "fixtures" / "shops" / "owner-style" / "policy.md").read_text(encoding="utf-8")
                                    .replace("owner-style", "pets"), encoding="utf-8")
    (shop / "products").mkdir()
    (shop / "products" / "dog-food.md").write_text("# 牛肉全价犬粮（2kg）\n\n- 保质期：18个月\n", encoding="utf-8")
    run(home, shop)
    record = home / "shops" / "pets.json"
    saved = json.loads(record.read_text(encoding="utf-8"))
    saved["reader"] = "an-earlier-reader"
    saved["products"][0]["aliases"] = []  # what that reader derived
    record.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    run(home, shop)
    assert "狗粮" in Index(home, embedding="none").shop("pets").products[0].aliases


def test_files_of_an_index_made_by_an_earlier_file_reader_are_read_again(tmp_path, monkeypatch):
    """A file read another way (a Markdown table now read out row by row) is read again after an upgrade, though its
    bytes, size and time are the same: its hash is tagged with the reader (`loaders.LOADER`)."""
    import aigc_cs.kb.ingest as ingest_module

    folder, home = tmp_path / "course", tmp_path / "home"
    folder.mkdir()
    note = folder / "尺码.md"
    note.write_text("# 尺码\n\n| 尺码 | 胸围 |\n|---|---|\n| M | 96cm |\n", encoding="utf-8")
    age(note, 60)
    monkeypatch.setattr(ingest_module, "LOADER", "loader-1")  # the index an earlier version made
    run(home, folder)
    monkeypatch.undo()
    assert run(home, folder).reread == 1
    assert any("M胸围96cm" in t for t in texts(home))
    assert run(home, folder).reread == 0  # and once only

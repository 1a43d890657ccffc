"""Ingest under faults (issue 10, item 5): the vector store is reconciled with Chroma's own ids, never with a record of
what was written. A kill in the middle of writing vectors, a deleted `chroma/` folder and ids nobody indexed are
reported by `kb status` and repaired by the next `ingest` in one line; a reader during an ingest waits for it instead of
failing; a full disk inside Chroma is one line, and the ingest goes on where it stopped once there is room."""

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock, Timeout

from aigc_cs.kb.index import Index
from tests.conftest import ROOT, _invoke, assert_one_error_line

REPAIRED = "向量库（Chroma）与索引不一致"
WARM_FILES = 70  # more than one batch of vectors (reconcile.EMBED_BATCH), all of them in the vector cache
COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"


def warm_docs(folder: Path) -> Path:
    """Notes whose vectors are cached once per machine: the first batch written to Chroma needs no embedding."""
    folder.mkdir(parents=True)
    for n in range(WARM_FILES):
        (folder / f"a-{n:03d}.md").write_text(f"# 笔记{n}\n\n第{n}条课堂笔记：接待顾客要先问候，再确认需求，第{n}步记下要点。",
                                             encoding="utf-8")
    return folder


def fresh_docs(folder: Path, n: int) -> list[str]:
    """Notes nobody has embedded before (random text), each a chunk that takes the model real time; their texts."""
    rng = random.Random()
    texts = ["".join(rng.choice(COMMON) for _ in range(120)) for _ in range(n)]
    for i, text in enumerate(texts):
        (folder / f"b-{i:03d}.md").write_text(f"# 随记{i}\n\n{text}", encoding="utf-8")
    return texts


def chroma_rows(home: Path) -> int:
    """How many vectors the embedded Chroma has committed, read from its SQLite file without opening Chroma."""
    try:
        with sqlite3.connect(f"file:{home / 'chroma' / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=10) as db:
            return db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def start_ingest(home: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "AIGC_CS_HOME": str(home), "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "ingest", str(folder)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def listed(home: Path) -> set[str]:
    return {c["id"] for c in json.loads((home / "chunks.json").read_text(encoding="utf-8"))}


def status(home: Path) -> dict:
    result = _invoke(home, ["kb", "status", "--json"])
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def assert_in_step(home: Path) -> None:
    now = status(home)
    assert now["vectors"] == now["chunks"] == len(listed(home)) and now["vector_problem"] is None, now


def test_a_kill_while_vectors_are_written_is_reported_and_repaired(cli_own, own_home, tmp_path):
    docs = warm_docs(tmp_path / "notes")
    assert _invoke(tmp_path / "warm", ["ingest", str(docs)]).code == 0  # caches the notes' vectors
    texts = fresh_docs(docs, 30)
    before = chroma_rows(own_home)
    proc = start_ingest(own_home, docs)
    deadline = time.monotonic() + 300
    while proc.poll() is None and chroma_rows(own_home) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"the ingest ended before the kill: {proc.stderr.read()}"

    held, before_ids = Index(own_home).vector_ids(), listed(own_home)
    assert held - before_ids, "killed with vectors in Chroma that the index does not list yet"
    problem = status(own_home)["vector_problem"]
    assert problem and "运行 aigc-cs ingest 修复" in problem
    found = cli_own("search", "接待顾客要先问候", "--json", "-k", "3")  # the old index still answers, no warning
    assert found.code == 0 and not found.stderr.strip(), found.output

    again = cli_own("ingest", str(docs))
    assert again.code == 0, again.output
    [line] = [line for line in again.stderr.splitlines() if REPAIRED in line]
    assert f"导入前多出 {len(held - before_ids)} 个向量、缺少 0 个；已修复，现在 {len(listed(own_home))} 个片段都有向量" in line
    assert_in_step(own_home)
    hits = json.loads(cli_own("search", texts[-1], "--json", "-k", "1", env={"AIGC_CS_RETRIEVAL": "dense"}).stdout)
    assert hits[0]["source"] == f"notes/b-{len(texts) - 1:03d}.md"  # the last note, embedded after the kill


def test_a_deleted_chroma_folder_is_refilled_from_the_vector_cache(cli_own, own_home):
    chunks = len(listed(own_home))
    shutil.rmtree(own_home / "chroma")
    gone = status(own_home)
    assert gone["vectors"] == 0 and f"{chunks} 个片段没有向量" in gone["vector_problem"]
    result = cli_own("ingest")
    assert result.code == 0, result.output
    [line] = [line for line in result.stderr.splitlines() if REPAIRED in line]
    assert f"导入前多出 0 个向量、缺少 {chunks} 个；已修复" in line
    assert f"本次向量化 {chunks}）" in result.stderr
    assert_in_step(own_home)
    again = cli_own("ingest")
    assert REPAIRED not in again.stderr and "本次向量化 0）" in again.stderr


def test_vectors_nobody_indexed_are_deleted(cli_own, own_home):
    index = Index(own_home)
    with index.locked():
        index.collection.add(ids=["stray-1", "stray-2", "stray-3"], embeddings=[[0.1] * 384] * 3,
                             documents=["孤儿向量"] * 3, metadatas=[{"shop": "*", "doc_type": "course"}] * 3)
    problem = status(own_home)["vector_problem"]
    assert "3 个向量不属于任何片段，0 个片段没有向量" in problem
    result = cli_own("ingest")
    assert result.code == 0, result.output
    assert "导入前多出 3 个向量、缺少 0 个；已修复" in result.stderr
    assert "stray-1" not in Index(own_home).vector_ids()
    assert_in_step(own_home)


def test_a_deleted_dense_matrix_is_written_again_by_the_next_search(cli_own, own_home):
    (own_home / "dense.npz").unlink()
    found = cli_own("search", "衣服小了能换吗", "--shop", "demo-fashion", "--json", env={"AIGC_CS_RETRIEVAL": "dense"})
    assert found.code == 0 and json.loads(found.stdout) and not found.stderr.strip(), found.output
    assert (own_home / "dense.npz").exists()
    assert_in_step(own_home)


def lock_is_held(home: Path) -> bool:
    lock = FileLock(str(home / ".lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def test_readers_during_an_ingest_wait_or_answer_but_never_fail(own_home, tmp_path):
    docs = tmp_path / "notes"
    docs.mkdir()
    fresh_docs(docs, 20)
    proc = start_ingest(own_home, docs)
    deadline = time.monotonic() + 120
    while not lock_is_held(own_home) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    searches = [_invoke(own_home, ["search", "退货运费谁出", "--json"]) for _ in range(3)]
    during = status(own_home)  # waits for the ingest to finish
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    for found in searches:
        assert found.code == 0 and json.loads(found.stdout) and "内部错误" not in found.output, found.output
    assert during["vectors"] == during["chunks"] == len(listed(own_home)) and during["vector_problem"] is None


@pytest.fixture
def small_disk(tmp_path):
    """A 700 KB tmpfs: room for the shop records, not for Chroma's vectors. Needs root (mount)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(folder)],
                                           capture_output=True).returncode:
        pytest.skip("mounting a small tmpfs needs root")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_full_disk_inside_chroma_is_one_line_and_the_ingest_resumes(small_disk):
    from tests.conftest import Result, run_entry_point

    home = small_disk / "home"
    env = {"AIGC_CS_HOME": str(home)}
    done = run_entry_point(["ingest"], ROOT, env, timeout=600)
    full = Result(done.returncode, done.stdout, done.stderr)
    assert_one_error_line(full, f"{home / 'chroma'}：磁盘空间不足，向量没有写完。腾出空间后重新运行 aigc-cs ingest 即可接着导入")
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    again = run_entry_point(["ingest"], ROOT, env, timeout=600)
    assert again.returncode == 0 and "导入完成" in again.stderr, again.stderr
    assert_in_step(home)
    found = run_entry_point(["search", "衣服不合适可以退吗", "--shop", "demo-fashion", "--json"], ROOT, env)
    assert found.returncode == 0 and json.loads(found.stdout) and not found.stderr.strip(), found.stderr

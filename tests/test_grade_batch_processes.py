"""A large class graded with the rules scorer is spread over forked processes (after the first answer readied
everything): the journal, the HTML report and every cell of the XLSX report are the same as when one process grades
it all, in class order, and --resume after that grades nothing again."""

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from aigc_cs.grading import batch
from tests.conftest import run_entry_point

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ["您好，支持7天无理由退换，吊牌需完好。感谢您的咨询！", "在的。可以退。", "亲，我们支持30天无理由退货哦",
           "您好！可以退欵的，满99包由。谢谢"]


def _grade(klass: Path, out: Path, home: Path, one_process: bool, *extra: str):
    env = {"AIGC_CS_HOME": str(home)}
    if one_process:
        env["OMP_NUM_THREADS"] = "2"  # the embedding engine's OpenMP threads do not survive a fork: one process
    result = run_entry_point(["grade-batch", str(klass), "-r", "presale-reply", "-s", "demo-fashion", "--scenario",
                              "衣服不合适可以退吗", "-o", str(out), "--html", str(out.with_suffix(".html")), *extra],
                             cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def _cells(path: Path) -> dict:
    return {(ws.title, c.coordinate): (c.value, c.style) for ws in load_workbook(path).worksheets
            for row in ws.iter_rows() for c in row}


@pytest.mark.skipif(batch.fork_processes() < 2, reason="needs fork and two CPUs")
def test_a_class_graded_in_several_processes_gets_the_reports_of_one_process(demo_home, tmp_path):
    klass = tmp_path / "班级.csv"
    students = batch.FORK_FROM + 40
    klass.write_text("学号,姓名,答案\n" + "".join(f"S{i:03d},学生{i},{ANSWERS[i % len(ANSWERS)]}{i}\n"
                                                for i in range(students)), encoding="utf-8")
    alone, spread = tmp_path / "one" / "报告.xlsx", tmp_path / "many" / "报告.xlsx"
    for out in (alone, spread):
        out.parent.mkdir()
        _grade(klass, out, demo_home, one_process=out is alone)
    journal = batch.journal_path
    assert journal(spread).read_bytes() == journal(alone).read_bytes()
    assert len(journal(spread).read_text(encoding="utf-8").splitlines()) == students + 1
    assert spread.with_suffix(".html").read_bytes() == alone.with_suffix(".html").read_bytes()
    assert _cells(spread) == _cells(alone)
    again = _grade(klass, spread, demo_home, False, "--resume")
    assert f"已评 {students} 人" in again.stdout
    assert journal(spread).read_bytes() == journal(alone).read_bytes()


def test_one_process_grades_where_the_embedding_engine_runs_several_threads(monkeypatch):
    monkeypatch.setitem(os.environ, "OMP_NUM_THREADS", "4")
    assert batch.fork_processes() == 1

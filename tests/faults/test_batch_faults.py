"""Batch grading under faults: a failed student is journaled as retryable and `--resume` retries them; the run exits
non-zero with one summary line; the teacher's overrides survive a kill during the report write and a damaged report;
reports are replaced in one step."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from aigc_cs.files import replacing
from tests.conftest import ROOT
from tests.fixtures.openai_server import Reply

SCENARIO = "衣服不合适可以退吗"
ANSWERS = ["您好，本店支持签收后7天内无理由退换，吊牌完好即可，有问题随时找我！", "在的。可以退。", "亲，我们支持30天无理由退货哦"]
KEY = "sk-right-key-1234"
VERDICT = json.dumps({"criteria": [{"id": c, "level": 1, "evidence": "", "feedback": "继续加油"}
                                   for c in ("greeting", "accuracy", "guidance", "courtesy", "language")]})


def write_class(path: Path, n: int) -> Path:
    rows = ["学号,姓名,答案"] + [f"S{i:03d},学生{i},{ANSWERS[i % len(ANSWERS)]}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def batch_args(klass: Path, out: Path, *extra: str) -> list[str]:
    return ["grade-batch", str(klass), "-r", "presale-reply", "-s", "demo-fashion", "--scenario", SCENARIO,
            "-o", str(out), *extra]


def judge_env(server, key: str) -> dict[str, str]:
    return {"AIGC_CS_PROVIDER": "custom", "AIGC_CS_BASE_URL": server.url, "AIGC_CS_MODEL": "judge-test",
            "AIGC_CS_API_KEY": key, "AIGC_CS_TIMEOUT_S": "5", "AIGC_CS_MAX_RETRIES": "0", "AIGC_CS_LLM_CACHE": "0"}


def journal(out: Path) -> list[dict]:
    """The journaled students (the first line is the setup the class was graded with)."""
    path = out.with_name(out.name + ".progress.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def sheet_rows(out: Path, sheet: int | str = 0) -> list[tuple]:
    book = load_workbook(out)
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    return [tuple(row) for row in ws.iter_rows(min_row=2, values_only=True)]


def assert_failed_summary(result, failed: int) -> None:
    assert result.code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert f"{failed} 名学生评分失败" in lines[0] and "--resume" in lines[0]


def test_wrong_key_is_retried_after_the_fix(cli_own, openai_server, tmp_path):
    openai_server.responder = lambda req: (Reply(VERDICT) if req.headers.get("authorization") == f"Bearer {KEY}"
                                           else Reply(status=401))
    klass, out = write_class(tmp_path / "class.csv", 6), tmp_path / "report.xlsx"
    wrong = cli_own(*batch_args(klass, out, "--scorer", "judge"), env=judge_env(openai_server, "sk-wrong-0000"))
    assert_failed_summary(wrong, 6)
    assert "密钥无效" in wrong.stderr and "sk-wrong" not in wrong.output
    assert all(entry["retry"] and entry["error"] for entry in journal(out))
    fixed = cli_own(*batch_args(klass, out, "--scorer", "judge", "--resume"), env=judge_env(openai_server, KEY))
    assert fixed.code == 0, fixed.output
    assert [e["sid"] for e in journal(out)] == [f"S{i:03d}" for i in range(6)]
    assert not any(e["retry"] for e in journal(out))
    assert all(row[-1] is None and row[-5] is not None for row in sheet_rows(out))  # no error, a total


def test_shop_removed_mid_batch_is_retried_after_re_ingest(cli_own, openai_server, own_home, tmp_path):
    record = own_home / "shops" / "demo-fashion.json"
    aside = tmp_path / "demo-fashion.json"

    def respond(request) -> Reply:
        if openai_server.calls == 3:  # the index loses the shop while the class is being graded
            shutil.move(record, aside)
        return Reply(VERDICT)

    openai_server.responder = respond
    klass, out = write_class(tmp_path / "class.csv", 8), tmp_path / "report.xlsx"
    env = judge_env(openai_server, KEY)
    first = cli_own(*batch_args(klass, out, "--scorer", "judge"), env=env)
    failed = [e["sid"] for e in journal(out) if e["retry"]]
    assert failed == [f"S{i:03d}" for i in range(8 - len(failed), 8)] and len(failed) >= 5
    assert_failed_summary(first, len(failed))
    assert "未找到店铺" in first.stderr
    shutil.move(aside, record)  # re-ingested
    calls = openai_server.calls
    again = cli_own(*batch_args(klass, out, "--scorer", "judge", "--resume"), env=env)
    assert again.code == 0, again.output
    assert openai_server.calls == calls + len(failed)  # only the failed ones are graded again
    assert len(journal(out)) == 8 and not any(e["retry"] for e in journal(out))


def set_overrides(out: Path, scores: dict[int, tuple[float | None, str]]) -> None:
    """The teacher types into the 教师复核 sheet (row 2 is the first student)."""
    book = load_workbook(out)
    for row, (score, note) in scores.items():
        book["教师复核"][f"D{row}"], book["教师复核"][f"E{row}"] = score, note
    book.save(out)


def finals(out: Path) -> dict[str, float]:
    """学号 -> 最终总分 of the 成绩 sheet."""
    return {row[0]: row[-4] for row in sheet_rows(out)}


def test_overrides_survive_a_kill_during_the_report_write(cli_own, own_home, tmp_path):
    klass, out = write_class(tmp_path / "class.csv", 150), tmp_path / "report.xlsx"
    assert cli_own(*batch_args(klass, out)).code == 0
    set_overrides(out, {2: (88, "态度很好"), 5: (61, "补交说明"), 9: (0, "抄袭")})
    env = {**os.environ, "AIGC_CS_HOME": str(own_home), "COLUMNS": "200"}
    command = [sys.executable, "-c", "from cli import main; main()", *batch_args(klass, out, "--resume")]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while proc.poll() is None and time.time() < deadline and not list(tmp_path.glob(".report.xlsx.????????.tmp")):
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        pytest.skip("the report was written before the kill could land")
    assert sheet_rows(out, "教师复核")[0][3:] == (88, "态度很好")  # the old report, whole
    logged = out.with_name("report.xlsx.overrides.jsonl").read_text(encoding="utf-8")
    assert all(sid in logged for sid in ("S000", "S003", "S007")), "journaled before the report was written"
    out.write_bytes(out.read_bytes()[:2048])  # worse: a report cut short, as an in-place rewrite would leave it
    again = cli_own(*batch_args(klass, out, "--resume"))
    assert again.code == 0, again.output
    assert {"S000": 88, "S003": 61, "S007": 0}.items() <= finals(out).items()
    review = {row[0]: (row[3], row[4]) for row in sheet_rows(out, "教师复核")}
    assert review["S000"] == (88, "态度很好") and review["S007"] == (0, "抄袭")
    assert not list(tmp_path.glob(".report.xlsx.????????.tmp"))[1:], "at most the killed run's temporary file is left"


def test_a_cleared_override_is_journaled_and_gone(cli_own, tmp_path):
    klass, out = write_class(tmp_path / "class.csv", 3), tmp_path / "report.xlsx"
    assert cli_own(*batch_args(klass, out)).code == 0
    set_overrides(out, {2: (90, "好"), 3: (50, "")})
    assert cli_own(*batch_args(klass, out, "--resume")).code == 0
    set_overrides(out, {2: (None, "")})
    assert cli_own(*batch_args(klass, out, "--resume")).code == 0
    assert finals(out)["S000"] != 90 and finals(out)["S001"] == 50
    log = [json.loads(line) for line in out.with_name("report.xlsx.overrides.jsonl").read_text("utf-8").splitlines()]
    assert [(e["学号"], e["教师总分"]) for e in log] == [("S000", 90), ("S001", 50), ("S000", None)]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    report = tmp_path / "report.xlsx"
    report.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(report) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed")
    assert report.read_bytes() == b"old" and list(tmp_path.iterdir()) == [report]


def test_an_unwritable_report_folder_gets_one_line(cli_own, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    klass = write_class(tmp_path / "class.csv", 2)
    result = cli_own(*batch_args(klass, blocker / "report.xlsx"))
    assert result.code == 2 and "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert "无法写入" in line and str(blocker) in line

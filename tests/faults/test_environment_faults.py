"""Environment faults and oversized inputs end in one Chinese line, never the generic internal error: an unreadable
file is skipped while the rest is imported, a read-only index folder and a broken setting are named, a Big5 file is
read as Big5, a huge `check` text and an absurd policy fact are refused."""

import os
import shutil
import time
from pathlib import Path

import pytest

from aigc_cs.paths import corpus_dir
from tests.conftest import assert_one_error_line

GOOD = "# 会员积分\n\n会员每消费一元积一分，积分可在下单时抵扣现金。\n"


def unreadable_file(path: Path) -> Path:
    """A file at `path` that reading fails on. A normal user gets a file with mode 000; root, whom file modes do not
    stop, gets a link to a write-only file of /sys (reading it fails with EACCES even for root)."""
    if os.geteuid() != 0:
        path.write_text(GOOD, encoding="utf-8")
        path.chmod(0)
        return path
    for target in [*Path("/sys/devices").glob("pci*/*/rescan"), Path("/sys/class/zram-control/hot_remove")]:
        try:
            target.read_bytes()
        except PermissionError:
            path.symlink_to(target)
            return path
        except OSError:
            continue
    pytest.skip("running as root, and no write-only /sys file to stand in for an unreadable file")


def read_only_folder(tmp_path: Path) -> Path:
    """An existing folder that nothing can be written into: mode 555 for a normal user; for root, /sys/kernel."""
    folder = tmp_path / "read-only" if os.geteuid() != 0 else Path("/sys/kernel")
    if os.geteuid() != 0:
        folder.mkdir()
        folder.chmod(0o555)
    try:
        (folder / ".probe").write_text("")
    except OSError:
        return folder
    pytest.skip(f"running as root, and {folder} can be written")


def test_an_unreadable_file_is_skipped_and_the_rest_is_imported(cli_own, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "积分.md").write_text(GOOD, encoding="utf-8")
    bad = unreadable_file(docs / "坏文件.md")
    result = cli_own("ingest", str(docs))
    assert result.code == 1 and "Traceback" not in result.output and "内部错误" not in result.output, result.output
    skipped = [line for line in result.stderr.splitlines() if "跳过" in line]
    assert skipped == [f"跳过：{bad}：无法读取（没有读取权限），请检查文件权限后重试"], result.stderr
    assert "导入完成：1 个文件" in result.stderr
    hits = cli_own("search", "积分抵扣现金", "--json")
    assert "积分" in hits.stdout, hits.output


def test_a_read_only_index_folder_is_named(cli, tmp_path):
    home = read_only_folder(tmp_path)
    result = cli("ingest", str(corpus_dir() / "course"), env={"AIGC_CS_HOME": str(home)})
    assert_one_error_line(result, f"{home}：无法写入（没有写入权限）")
    assert "AIGC_CS_HOME" in result.stderr


@pytest.mark.parametrize(("env", "line"), [
    ({"AIGC_CS_MAX_FILE_MB": "abc"}, "环境变量 AIGC_CS_MAX_FILE_MB 的值“abc”不可用：应为数字"),
    ({"AIGC_CS_CHUNK_CHARS": "0"}, "环境变量 AIGC_CS_CHUNK_CHARS 的值“0”不可用：应不小于 50"),
    ({"AIGC_CS_ENGINE": "gpt"}, "环境变量 AIGC_CS_ENGINE 的值“gpt”不可用：只能是 'offline', 'llm', 'replay'"),
])
@pytest.mark.parametrize("command", [["ingest"], ["check", "您好", "-s", "demo-fashion"]], ids=["ingest", "check"])
def test_a_bad_setting_in_the_environment_is_named(cli, env, line, command):
    assert_one_error_line(cli(*command, env=env), line)


@pytest.mark.parametrize(("toml", "line"), [
    ("engine = \"offline\"\nchunk_chars = 3 3\n", "aigc-cs.toml：设置文件第 2 行格式有误"),
    ("chunk_chars = \"多\"\n", "aigc-cs.toml 里的 chunk_chars 的值“多”不可用：应为整数"),
    ("model = \"模型\"\n".encode("gbk"), "aigc-cs.toml：设置文件不是 UTF-8 编码"),
])
def test_a_broken_settings_file_is_named(cli, tmp_path, monkeypatch, toml, line):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "aigc-cs.toml").write_bytes(toml.encode() if isinstance(toml, str) else toml)
    assert_one_error_line(cli("check", "您好", "-s", "demo-fashion"), line)


def test_a_self_looping_symlink_as_the_ingest_root_gets_one_line(cli_own, tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert_one_error_line(cli_own("ingest", str(loop)), f"{loop}：符号链接指向自己")


def test_a_huge_check_text_is_refused_fast_in_one_line(cli, tmp_path):
    big = tmp_path / "话术.txt"
    big.write_text("亲，我们支持30天无理由退货哦。" * 22_000, encoding="utf-8")  # 352,000 characters
    started = time.perf_counter()
    assert_one_error_line(cli("check", f"@{big}", "-s", "demo-fashion"), "话术太长（超过 5000 字，上限 5000 字）")
    assert_one_error_line(cli("check", "-", "-s", "demo-fashion", input=big.read_bytes()), "话术太长（超过 5000 字")
    typed = "亲" * 5001
    assert_one_error_line(cli("check", typed, "-s", "demo-fashion"), "话术太长（5001 字，上限 5000 字）")
    assert time.perf_counter() - started < 10


def test_a_big5_file_is_read_as_big5(cli, tmp_path):
    claim = tmp_path / "話術.txt"
    claim.write_bytes("親，我們支援30天無理由退貨喔，運費由我們承擔。".encode("big5"))
    result = cli("check", f"@{claim}", "-s", "demo-fashion")
    assert result.code == 1, result.output
    assert "“30天无理由”与店铺政策不符" in result.stdout and "7天无理由退换" in result.stdout  # not mojibake


def test_a_big5_file_is_indexed_readably(cli_own, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "會員.md").write_bytes("# 會員積分\n\n會員每消費一元積一分，積分可在下單時抵扣現金。\n".encode("big5"))
    assert cli_own("ingest", str(docs)).code == 0
    hits = cli_own("search", "会员积分抵扣现金", "--json", "-k", "3")
    assert "會員每消費一元積一分" in hits.stdout, hits.output


def test_an_absurd_policy_fact_is_refused_naming_the_field(cli_own, tmp_path):
    shop = tmp_path / "demo-fashion"
    shutil.copytree(corpus_dir() / "shops" / "demo-fashion", shop)
    policy = shop / "policy.md"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("ship_within_hours: 48", "ship_within_hours: " + "1" + "0" * 26), encoding="utf-8")
    result = cli_own("ingest", str(shop))
    assert result.code == 1 and "Traceback" not in result.output, result.output
    named = [line for line in result.stderr.splitlines() if "ship_within_hours" in line]
    assert len(named) == 1 and "应不超过 720 小时" in named[0], result.stderr

"""`aigc-cs replies`: a chat export answered line by line into a JSONL file that an interrupted run resumes."""

import json
from pathlib import Path

MESSAGES = ["在吗", "能便宜点吗", "", "物流三天没动了", "精华开了能放多久"]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_each_message_of_a_chat_export_is_answered_and_written_as_its_own_line(cli, tmp_path):
    messages = tmp_path / "聊天记录.txt"
    messages.write_text("\n".join(MESSAGES), encoding="gbk")  # an export saved on Windows
    out = tmp_path / "回复.jsonl"
    result = cli("replies", str(messages), "--shop", "demo-beauty", "-o", str(out))
    assert result.code == 0, result.output
    lines = _lines(out)
    assert [(d["n"], d["message"]) for d in lines] == list(enumerate([m for m in MESSAGES if m], 1))
    assert lines[0]["reply"]["intents"] == ["smalltalk"] and lines[1]["reply"]["intents"] == ["bargain"]
    assert lines[2]["reply"]["answered"] is False and not any(d["error"] for d in lines)
    assert f"已回复 4 条（其中 {sum(not d['reply']['answered'] for d in lines)} 条如实说明" in result.stdout


def test_an_interrupted_run_resumes_without_answering_a_line_twice(cli, tmp_path):
    messages = tmp_path / "msgs.txt"
    messages.write_text("\n".join(MESSAGES), encoding="utf-8")
    out = tmp_path / "replies.jsonl"
    assert cli("replies", str(messages), "--shop", "demo-beauty", "-o", str(out)).code == 0
    first = _lines(out)[0]
    first["reply"]["text"] = "（上次回好的）"  # a mark: a line answered again would lose it
    cut = json.dumps(_lines(out)[1], ensure_ascii=False)[:40]  # the run was killed while writing line 2
    out.write_text(json.dumps(first, ensure_ascii=False) + "\n" + cut, encoding="utf-8")

    again = cli("replies", str(messages), "--shop", "demo-beauty", "-o", str(out))
    assert again.code != 0 and "--resume" in again.output and out.read_text(encoding="utf-8").endswith(cut)
    resumed = cli("replies", str(messages), "--shop", "demo-beauty", "-o", str(out), "--resume")
    assert resumed.code == 0, resumed.output
    lines = _lines(out)
    assert [d["n"] for d in lines] == [1, 2, 3, 4] and lines[0]["reply"]["text"] == "（上次回好的）"


def test_resuming_with_another_file_or_shop_is_refused(cli, tmp_path):
    messages = tmp_path / "msgs.txt"
    messages.write_text("\n".join(MESSAGES), encoding="utf-8")
    out = tmp_path / "replies.jsonl"
    assert cli("replies", str(messages), "--shop", "demo-beauty", "-o", str(out)).code == 0
    before = out.read_text(encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("这件有S码吗\n", encoding="utf-8")
    for args in ([str(other), "--shop", "demo-beauty"], [str(messages), "--shop", "demo-fashion"]):
        result = cli("replies", *args, "-o", str(out), "--resume")
        assert result.code != 0 and "另一份消息文件或另一家店铺" in result.output
    assert out.read_text(encoding="utf-8") == before


def test_bad_input_gets_one_line_and_writes_nothing(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    for args, said in (([str(empty), "--shop", "demo-beauty"], "没有顾客消息"),
                       ([str(tmp_path / "none.txt"), "--shop", "demo-beauty"], "不存在"),
                       ([str(empty), "--shop", "demo-beauty", "-o", str(tmp_path / "r.md")], ".jsonl")):
        result = cli("replies", *args, *([] if "-o" in args else ["-o", str(out)]))
        assert result.code != 0 and said in result.output and "Traceback" not in result.output
    huge = tmp_path / "huge.txt"
    huge.write_text("能便宜点吗\n" * 400_000, encoding="utf-8")  # far past what one run takes: refused unread
    binary = tmp_path / "export.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    for path, said in ((huge, "文件太大"), (binary, "不支持")):
        result = cli("replies", str(path), "--shop", "demo-beauty", "-o", str(out))
        assert result.code != 0 and said in result.output and str(path) in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    messages = tmp_path / "msgs.txt"
    messages.write_text("在吗\n", encoding="utf-8")
    missing = cli("replies", str(messages), "--shop", "no-such-shop", "-o", str(out))
    assert missing.code != 0 and "no-such-shop" in missing.output
    assert not out.exists()


def test_a_line_the_model_fails_under_strict_is_recorded_and_answered_again_on_resume(cli, tmp_path, openai_server):
    """Against the loopback OpenAI-protocol server: junk twice for the first message fails that line only; the key is
    never written; --resume asks the model again for that line alone."""
    from tests.test_llm import FAKE_KEY, GOOD, LLM, llm_env

    messages = tmp_path / "msgs.txt"
    messages.write_text("衣服不合适可以退吗\n能开发票吗\n", encoding="utf-8")
    out = tmp_path / "replies.jsonl"
    args = ("replies", str(messages), "--shop", "demo-fashion", "-o", str(out), *LLM, "--strict")
    openai_server.reply("不是 JSON", times=2)
    openai_server.reply(GOOD)
    first = cli(*args, env=llm_env(openai_server))
    assert first.code == 1 and "第 1 条没有回复" in first.output and "--resume" in first.output
    lines = _lines(out)
    assert lines[0]["error"] and lines[0]["reply"] is None and lines[1]["reply"]["engine"].startswith("llm")
    assert FAKE_KEY not in out.read_text(encoding="utf-8") + first.output
    openai_server.reply(GOOD)
    calls = openai_server.calls
    again = cli(*args, "--resume", env=llm_env(openai_server))
    assert again.code == 0, again.output
    assert openai_server.calls == calls + 1  # only the failed line went to the model again
    assert [(d["n"], bool(d["reply"])) for d in _lines(out)] == [(1, True), (2, True)]


def test_with_a_model_several_lines_are_answered_at_once_and_written_in_order(cli, openai_server, tmp_path):
    """--concurrency 3: the first line alone (it loads the shop), then three at a time; each line keeps its own reply."""
    import re

    from tests.test_llm import LLM, llm_env

    def answer(request):
        asked = re.search(r"<<<(.+?)>>>", request.last_user).group(1)
        return openai_server.Reply(json.dumps({"text": f"您好，关于“{asked}”我帮您核实后马上答复您。"}, ensure_ascii=False),
                                   delay=1.5)

    openai_server.responder = answer
    asked = ["能便宜点吗", "物流三天没动了", "精华开了能放多久", "几天能发货", "包邮吗"]
    messages = tmp_path / "msgs.txt"
    messages.write_text("\n".join(asked), encoding="utf-8")
    out = tmp_path / "replies.jsonl"
    result = cli("replies", str(messages), "--shop", "demo-beauty", "-o", str(out), *LLM, "--concurrency", "3",
                 env=llm_env(openai_server))
    assert result.code == 0, result.output
    lines = _lines(out)
    assert [d["message"] for d in lines] == asked
    assert all(f"“{d['message']}”" in d["reply"]["text"] for d in lines), [d["reply"]["text"] for d in lines]
    starts = sorted(r.time for r in openai_server.requests)
    assert len(starts) == len(asked)
    assert starts[1] - starts[0] >= 1.5, "the first line is answered before the others start"
    in_flight = max(sum(1 for s in starts if first <= s < first + 1.5) for first in starts[1:])
    assert 2 <= in_flight <= 3, starts  # overlapping calls, never more than the concurrency (no wall-clock budget)


def test_a_command_line_mistake_is_one_chinese_line_from_the_console_script(demo_home, tmp_path):
    """The installed `aigc-cs`: a value out of range, an unknown option or a missing one is one line that names it and
    points to --help (exit code 2), not the parser's English box."""
    from tests.conftest import run_entry_point

    messages = tmp_path / "msgs.txt"
    messages.write_text("在吗\n", encoding="utf-8")
    base = ["replies", str(messages), "-o", str(tmp_path / "r.jsonl")]
    for args, said in ((["--shop", "demo-beauty", "--concurrency", "0"], "--concurrency 的值不对"),
                       (["--shop", "demo-beauty", "--concurrency", "abc"], "--concurrency 的值不对"),
                       (["--shop", "demo-beauty", "--nope"], "没有 --nope 这个选项"),
                       ([], "缺少 --shop")):
        run = run_entry_point([*base, *args], tmp_path, env={"AIGC_CS_HOME": str(demo_home)})
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 2 and len(lines) == 1 and said in lines[0], run.stderr
        assert "aigc-cs replies --help" in lines[0] and "Traceback" not in run.stderr and not run.stdout
    assert not (tmp_path / "r.jsonl").exists()
    shown = run_entry_point(["kb"], tmp_path, env={"AIGC_CS_HOME": str(demo_home)})  # a group alone: its help
    assert "Usage" in shown.stdout + shown.stderr and "Traceback" not in shown.stderr

"""Model answers that must never pass as clean, and upstreams that must not hang a call, against the real loopback
OpenAI-protocol server: truncated JSON, a 200 with an HTML page or without choices, a slow-loris body, a long
retry-after. Each ends in the offline fallback with one warning line, or one error line under --strict."""

import json
import time

import pytest

from tests.fixtures.openai_server import Reply
from tests.test_llm import GOOD, reply

TRUNCATED = '{"text": "您好，本店支持签收后7天'
UNUSABLE = {
    "truncated JSON": (Reply(TRUNCATED), "被截断"),
    "HTML page": (Reply(body=b"<html><body><h1>502 Bad Gateway</h1></body></html>"), "网页（HTML）"),
    "cut-off body": (Reply(body=b'{"id": "x", "choices": [{"message": {"content": "{\\"text',
                           headers={"content-type": "application/json"}), "不完整或不是 JSON"),
    "no choices": (Reply(body={"id": "x", "object": "chat.completion", "model": "m"}), "没有回答"),
    "empty choices": (Reply(body={"id": "x", "object": "chat.completion", "model": "m", "choices": []}), "没有回答"),
}
CASES = [pytest.param(answer, why, id=name) for name, (answer, why) in UNUSABLE.items()]


def warning_lines(result) -> list[str]:
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if "检查未通过" in line]


@pytest.mark.parametrize(("answer", "why"), CASES)
def test_an_unusable_answer_falls_back_offline_with_one_line(cli, openai_server, answer, why):
    openai_server.default = answer
    result = reply(cli, openai_server, "--json")
    assert result.code == 1, result.output
    out = json.loads(result.stdout)
    assert out["engine"] == "offline" and not out["clean"] and out["text"] != "您好，本店支持签收后7天"
    [line] = warning_lines(result)
    assert why in line and "已改用离线引擎" in line


@pytest.mark.parametrize(("answer", "why"), CASES)
def test_strict_fails_with_one_line(cli, openai_server, answer, why):
    openai_server.default = answer
    result = reply(cli, openai_server, "--strict")
    assert result.code == 2 and "Traceback" not in result.output, result.output
    [line] = result.stderr.strip().splitlines()
    assert why in line and "--strict" in line


def test_truncated_json_is_a_repair_case(cli, openai_server):
    openai_server.reply(TRUNCATED)
    openai_server.reply(GOOD)
    result = reply(cli, openai_server, "--json")
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["text"] == json.loads(GOOD)["text"]
    assert "被截断" in openai_server.requests[1].last_user  # the repair round says what was wrong


@pytest.mark.parametrize("upstream", [
    pytest.param(Reply(GOOD, trickle=1.0), id="slow-loris body, one byte a second"),
    pytest.param(Reply(status=429, headers={"retry-after": "30"}), id="retry-after longer than the deadline"),
    pytest.param(Reply(status=503, headers={"retry-after-ms": "20000"}), id="503 with a long retry-after-ms"),
])
def test_a_call_ends_by_its_total_deadline(cli, openai_server, upstream):
    openai_server.default = upstream
    started = time.monotonic()
    result = reply(cli, openai_server, "--json", env={"AIGC_CS_TIMEOUT_S": "2", "AIGC_CS_MAX_RETRIES": "3"})
    elapsed = time.monotonic() - started
    # the upstream would take 20 s or more: ending well before shows the deadline (a margin for a busy machine)
    assert elapsed < 12, f"took {elapsed:.1f} s with AIGC_CS_TIMEOUT_S=2"
    assert result.code == 1 and json.loads(result.stdout)["engine"] == "offline"
    assert len(warning_lines(result)) == 1


def test_a_slow_but_steady_answer_within_the_deadline_is_used(cli, openai_server):
    body = {"id": "x", "object": "chat.completion", "created": 1, "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": GOOD}, "finish_reason": "stop"}]}
    openai_server.default = Reply(body=json.dumps(body, ensure_ascii=False).encode(), trickle=0.001,
                                  headers={"content-type": "application/json"})
    result = reply(cli, openai_server, "--json", env={"AIGC_CS_TIMEOUT_S": "30"})
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["text"] == json.loads(GOOD)["text"]

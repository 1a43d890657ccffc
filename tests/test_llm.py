"""The LLM engine against a real loopback OpenAI-protocol server: prompt, JSON, repair, fallback, retries, timeouts,
keys, cache, record/replay, concurrency, the guard on model output, and `aigc-cs providers`."""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from aigc_cs.llm.engine import EngineConfig, generate
from aigc_cs.llm.providers import PROVIDERS
from tests.conftest import ROOT

FAKE_KEY = "sk-loopback-3f9c2a7e5b1d-SECRET"
MESSAGE = "衣服不合适可以退吗"
LLM = ("--engine", "llm", "--provider", "custom", "--model", "test-model")
GOOD = json.dumps({"text": "您好，感谢您光临衣见倾心女装。尺码不合适没关系，签收后7天内吊牌完好、未穿着未洗涤就可以申请无理由退换。"
                           "个人原因退换的寄回运费由您承担，订单赠送了运费险可以理赔。有其他问题随时找我，祝您购物愉快！"},
                  ensure_ascii=False)
ALL_KEY_ENVS = ("OPENAI_API_KEY", "DEEPSEEK_API_KEY", "MOONSHOT_API_KEY", "ARK_API_KEY", "DASHSCOPE_API_KEY",
                "QIANFAN_API_KEY", "ZHIPUAI_API_KEY", "AIGC_CS_API_KEY")


def llm_env(server, **extra: str | None) -> dict[str, str | None]:
    """The fake key and the loopback base_url; no disk cache unless a test asks (the shared index stays untouched)."""
    env: dict[str, str | None] = {k: None for k in ALL_KEY_ENVS}
    env.update({"AIGC_CS_BASE_URL": server.url, "AIGC_CS_API_KEY": FAKE_KEY, "AIGC_CS_LLM_CACHE": "0",
                "AIGC_CS_TIMEOUT_S": "10", "AIGC_CS_MAX_RETRIES": "2"})
    env.update(extra)
    return env


def reply(cli, server, *extra: str, env: dict | None = None, message: str = MESSAGE):
    return cli("reply", message, "--shop", "demo-fashion", *LLM, *extra, env={**llm_env(server), **(env or {})})


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# -- the prompt and a valid answer ----------------------------------------------------------------------------------
def test_prompt_carries_passages_facts_and_the_message(cli, openai_server):
    openai_server.reply(GOOD)
    result = reply(cli, openai_server)
    assert result.code == 0, result.output
    [request] = openai_server.requests
    body = request.json
    assert body["model"] == "test-model" and body["response_format"] == {"type": "json_object"}
    assert request.headers["authorization"] == f"Bearer {FAKE_KEY}"
    system, user = body["messages"]
    assert system["role"] == "system" and "只使用" in system["content"] and "JSON" in system["content"]
    assert "7天无理由" in user["content"]  # the shop's facts (demo-fashion)
    assert "满99元包邮" in user["content"]
    assert "出处：corpus/shops/demo-fashion/policy.md · 衣见倾心女装店铺政策 > 七天无理由退换" in user["content"]  # passages
    assert "签收后7天内" in user["content"]  # the passage text itself
    assert f"<<<{MESSAGE}>>>" in user["content"]


def test_valid_json_answer_becomes_the_reply(cli, openai_server):
    openai_server.reply(GOOD)
    result = cli("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "llm", "--json",
                 env=llm_env(openai_server, AIGC_CS_API_KEY=None, OPENAI_API_KEY=FAKE_KEY))  # preset openai + base_url
    assert result.code == 0, result.output
    out = json.loads(result.stdout)
    assert out["text"] == json.loads(GOOD)["text"]
    assert out["engine"] == f"llm:openai/{PROVIDERS['openai'].model}" and out["clean"] is True
    assert {"source": "corpus/shops/demo-fashion/policy.md", "section": "七天无理由退换"} in out["citations"]
    assert openai_server.requests[0].json["model"] == PROVIDERS["openai"].model


def test_fenced_json_is_accepted(cli, openai_server):
    openai_server.reply(f"```json\n{GOOD}\n```")
    result = reply(cli, openai_server, "--json")
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["text"].startswith("您好，感谢您光临")
    assert openai_server.calls == 1


# -- repair, then fallback --------------------------------------------------------------------------------------
def test_malformed_json_is_repaired_in_a_second_round(cli, openai_server):
    openai_server.reply("好的亲，可以退哦")  # not JSON
    openai_server.reply(GOOD)
    result = reply(cli, openai_server, "--json")
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["text"] == json.loads(GOOD)["text"]
    first, second = openai_server.requests
    assert len(first.messages) == 2 and len(second.messages) == 4
    assert second.messages[:2] == first.messages
    assert second.messages[2] == {"role": "assistant", "content": "好的亲，可以退哦"}
    assert "不是合法的 JSON" in second.last_user and '"text"' in second.last_user  # the error and the schema


def test_wrong_fields_are_reported_to_the_repair_round(cli, openai_server):
    openai_server.reply('{"reply": "您好"}')
    openai_server.reply(GOOD)
    assert reply(cli, openai_server).code == 0
    assert "字段 text" in openai_server.requests[1].last_user and "Field required" in openai_server.requests[1].last_user


def test_still_malformed_falls_back_to_offline_with_a_warning(cli, openai_server):
    openai_server.reply("不是 JSON")
    openai_server.reply('{"text": ""}')
    result = reply(cli, openai_server, "--json")
    assert result.code == 1  # an output with a warning is never presented as clean
    out = json.loads(result.stdout)
    assert out["engine"] == "offline" and out["clean"] is False
    assert "7天内无理由退换" in out["text"]  # the offline composer's grounded reply
    assert any("两次都无法解析" in w and "已改用离线引擎" in w for w in out["warnings"])
    assert "两次都无法解析" in result.stderr
    assert openai_server.calls == 2


def test_strict_fails_with_one_line_instead_of_falling_back(cli, openai_server):
    openai_server.reply("不是 JSON", times=2)
    result = reply(cli, openai_server, "--strict")
    assert result.code != 0
    assert result.stdout == ""
    [line] = lines(result.stderr)
    assert "两次都无法解析" in line and "--strict" in line and "Traceback" not in result.output


# -- HTTP trouble ---------------------------------------------------------------------------------------------------
def test_rate_limit_is_retried_then_succeeds(cli, openai_server):
    openai_server.reply("slow down", status=429, headers={"retry-after-ms": "30"})
    openai_server.reply(GOOD)
    start = time.monotonic()
    result = reply(cli, openai_server, "--json")
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["engine"] == "llm:custom/test-model"
    assert openai_server.calls == 2
    assert openai_server.requests[1].headers["x-stainless-retry-count"] == "1"
    assert openai_server.requests[1].time - openai_server.requests[0].time >= 0.025  # waited as the server asked
    assert time.monotonic() - start < 5


def test_server_errors_past_the_retries_fall_back(cli, openai_server):
    openai_server.reply(status=503, headers={"retry-after-ms": "5"}, times=3)
    result = reply(cli, openai_server, "--json", env={"AIGC_CS_MAX_RETRIES": "2"})
    assert result.code == 1
    out = json.loads(result.stdout)
    assert out["engine"] == "offline"
    assert any("HTTP 503" in w and "重试 2 次" in w for w in out["warnings"])
    assert openai_server.calls == 3


def test_timeout_falls_back_with_a_warning(cli, openai_server):
    openai_server.reply(GOOD, delay=5)
    start = time.monotonic()
    result = reply(cli, openai_server, "--json", env={"AIGC_CS_TIMEOUT_S": "0.3", "AIGC_CS_MAX_RETRIES": "0"})
    elapsed = time.monotonic() - start
    assert result.code == 1
    out = json.loads(result.stdout)
    assert out["engine"] == "offline" and "7天内无理由退换" in out["text"]
    assert any("0.3 秒内没有回复" in w and "已改用离线引擎" in w for w in out["warnings"])
    assert elapsed < 4.5  # the server would have taken 5 s: the client gave up at its timeout (not a speed budget)


def test_unreachable_server_falls_back(cli, openai_server):
    url = openai_server.url
    openai_server.stop()
    result = reply(cli, openai_server, "--json", env={"AIGC_CS_BASE_URL": url, "AIGC_CS_MAX_RETRIES": "0"})
    assert result.code == 1
    assert any("连不上大模型接口" in w for w in json.loads(result.stdout)["warnings"])


# -- keys ---------------------------------------------------------------------------------------------------------
def test_wrong_key_gives_one_clear_line_and_never_shows_the_key(cli, openai_server):
    openai_server.reply(f"Incorrect API key provided: {FAKE_KEY}", status=401)
    result = cli("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "llm", "--provider", "deepseek",
                 env=llm_env(openai_server, AIGC_CS_API_KEY=None, DEEPSEEK_API_KEY=FAKE_KEY))
    assert result.code == 2
    assert result.stdout == ""
    [line] = lines(result.stderr)
    assert "密钥无效" in line and "DEEPSEEK_API_KEY" in line and "401" in line
    assert "Traceback" not in result.output and FAKE_KEY not in result.output
    assert openai_server.calls == 1  # a 401 is not retried


def test_no_key_names_the_env_var(cli, openai_server):
    for provider, env_var in (("openai", "OPENAI_API_KEY"), ("deepseek", "DEEPSEEK_API_KEY"), ("qwen", "DASHSCOPE_API_KEY"),
                              ("custom", "AIGC_CS_API_KEY")):
        result = cli("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "llm", "--provider", provider,
                     "--model", "m", env=llm_env(openai_server, AIGC_CS_API_KEY=None))
        assert result.code == 2, result.output
        [line] = lines(result.stderr)
        assert env_var in line and "API Key" in line, line
    assert openai_server.calls == 0


def test_no_key_in_a_real_process_gives_one_line(tmp_path, demo_home):
    from tests.conftest import run_entry_point

    env = {k: "" for k in ALL_KEY_ENVS} | {"AIGC_CS_HOME": str(demo_home), "AIGC_CS_LLM_CACHE": "0", "AIGC_CS_EMBEDDING": "none",
                                            "AIGC_CS_PROVIDER": "moonshot"}
    proc = run_entry_point(["reply", MESSAGE, "--shop", "demo-fashion", "--engine", "llm"], cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert proc.stdout == ""
    [line] = lines(proc.stderr)
    assert "MOONSHOT_API_KEY" in line


def test_unknown_provider_and_custom_without_base_url(cli, openai_server):
    result = cli("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "llm", "--provider", "gemini",
                 env=llm_env(openai_server))
    assert result.code == 2 and "未知的大模型服务商" in result.stderr and "deepseek" in result.stderr
    result = cli("reply", MESSAGE, "--shop", "demo-fashion", *LLM, env=llm_env(openai_server, AIGC_CS_BASE_URL=None))
    assert result.code == 2 and "AIGC_CS_BASE_URL" in result.stderr


# -- the guard still runs ---------------------------------------------------------------------------------------
def test_guard_checks_llm_output(cli, openai_server):
    openai_server.reply(json.dumps({"text": "亲，我们支持30天无理由退货"}, ensure_ascii=False))
    result = reply(cli, openai_server)
    assert result.code == 1
    assert "亲，我们支持30天无理由退货" in result.stdout
    assert "30天无理由" in result.stderr and "7天无理由" in result.stderr  # the contradiction, and the true fact


# -- cache, record, replay --------------------------------------------------------------------------------------
def test_warm_cache_makes_no_call(cli_own, openai_server, own_home):
    openai_server.reply(GOOD)
    env = llm_env(openai_server, AIGC_CS_LLM_CACHE="1")
    first = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM, env=env)
    second = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM, env=env)
    assert first.code == 0 and second.code == 0, second.output
    assert second.stdout == first.stdout
    assert openai_server.calls == 1
    files = list((own_home / "llm-cache").glob("*/*.json"))
    assert len(files) == 1 and FAKE_KEY not in files[0].read_text(encoding="utf-8")
    # a different model is a different key
    openai_server.reply(GOOD)
    third = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM[:-1], "other-model", env=env)
    assert third.code == 0 and openai_server.calls == 2


def test_record_then_replay_with_the_server_stopped(cli_own, openai_server, tmp_path):
    tapes = tmp_path / "tapes"
    openai_server.reply("先聊聊")  # forces a repair round, so the cassette holds both exchanges
    openai_server.reply(GOOD)
    env = llm_env(openai_server, AIGC_CS_LLM_CACHE="1")
    recorded = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM, "--record", str(tapes), env=env)
    recorded_json = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM, "--record", str(tapes), "--json", env=env)
    assert recorded.code == 0 and recorded_json.code == 0, recorded.output
    assert openai_server.calls == 2  # the second run came from the disk cache

    cassette = tapes / "reply.jsonl"
    entries = [json.loads(line) for line in cassette.read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 2  # each exchange once
    assert set(entries[0]) >= {"key", "task", "provider", "model", "messages", "response", "usage"}
    assert entries[0]["provider"] == "custom" and entries[0]["model"] == "test-model"
    assert entries[1]["response"] == GOOD and entries[0]["usage"]["prompt_tokens"] > 0
    assert FAKE_KEY not in cassette.read_text(encoding="utf-8")

    openai_server.stop()
    replay_env = {**llm_env(openai_server, AIGC_CS_LLM_CACHE="1"), "AIGC_CS_API_KEY": None, "AIGC_CS_BASE_URL": None}
    replayed = cli_own("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "replay", "--cassettes", str(tapes),
                       env=replay_env)
    replayed_json = cli_own("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "replay", "--cassettes", str(tapes),
                            "--json", env=replay_env)
    assert replayed.code == 0, replayed.output
    # identical bytes, except that the header rule names the engine that produced it
    head_recorded, body_recorded = recorded.stdout.split("\n", 1)
    head_replayed, body_replayed = replayed.stdout.split("\n", 1)
    assert body_replayed.encode() == body_recorded.encode()
    assert "引擎：llm:custom/test-model" in head_recorded and "引擎：replay:custom/test-model" in head_replayed
    a, b = json.loads(recorded_json.stdout), json.loads(replayed_json.stdout)
    assert a.pop("engine") == "llm:custom/test-model" and b.pop("engine") == "replay:custom/test-model"
    assert a == b


def test_replay_miss_is_a_clear_error_never_a_call(cli_own, openai_server, tmp_path):
    tapes = tmp_path / "tapes"
    openai_server.reply(GOOD)
    env = llm_env(openai_server)
    assert cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM, "--record", str(tapes), env=env).code == 0
    replay = ("--engine", "replay", "--cassettes", str(tapes))
    ok = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *replay, "--provider", "custom", "--model", "test-model",
                 env=env)
    assert ok.code == 0, ok.output

    (tapes / "reply.jsonl").write_text("", encoding="utf-8")  # the entry deleted
    result = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *replay, env=env)
    assert result.code == 2 and result.stdout == ""
    [line] = lines(result.stderr)
    assert "未录制" in line and "reply" in line and MESSAGE in line and "--record" in line
    other = cli_own("reply", "能便宜点吗", "--shop", "demo-fashion", *replay, env={**env, "AIGC_CS_CASSETTES": "x"})
    assert other.code == 2 and "未录制" in other.stderr
    assert openai_server.calls == 1  # never a silent call


def test_replay_matches_the_recorded_model_only_when_asked(cli_own, openai_server, tmp_path):
    tapes = tmp_path / "tapes"
    openai_server.reply(GOOD)
    env = llm_env(openai_server)
    assert cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM, "--record", str(tapes), env=env).code == 0
    replay = ("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "replay", "--cassettes", str(tapes))
    anymodel = cli_own(*replay, "--json", env=env)  # no model chosen: whatever was recorded
    assert anymodel.code == 0 and json.loads(anymodel.stdout)["engine"] == "replay:custom/test-model"
    wrong = cli_own(*replay, "--provider", "custom", "--model", "another", env=env)
    assert wrong.code == 2 and "未录制" in wrong.stderr and "another" in wrong.stderr


def test_a_recorded_fallback_replays_as_the_same_fallback(cli_own, openai_server, tmp_path):
    tapes = tmp_path / "tapes"
    openai_server.reply("不是 JSON", times=2)
    env = llm_env(openai_server)
    recorded = cli_own("reply", MESSAGE, "--shop", "demo-fashion", *LLM, "--record", str(tapes), "--json", env=env)
    assert recorded.code == 1 and json.loads(recorded.stdout)["engine"] == "offline"
    openai_server.stop()
    replayed = cli_own("reply", MESSAGE, "--shop", "demo-fashion", "--engine", "replay", "--cassettes", str(tapes),
                       "--json", env=env)
    assert replayed.code == 1

    def without_usage(stdout: str) -> dict:  # the recording run spent tokens, the replay spends none
        return {k: v for k, v in json.loads(stdout).items() if k != "usage"}

    assert without_usage(replayed.stdout) == without_usage(recorded.stdout)
    assert json.loads(recorded.stdout)["usage"]["calls"] == 2
    assert json.loads(replayed.stdout)["usage"]["calls"] == 0, "a replay makes no call"


# -- library level: usage, concurrency -------------------------------------------------------------------------------
def _reply_variables(message: str) -> tuple[dict, object]:
    from aigc_cs.kb.shops import read_shop
    from aigc_cs.paths import corpus_dir
    from aigc_cs.tasks.reply import ReplyDraft

    shop, _ = read_shop(corpus_dir() / "shops" / "demo-fashion", corpus_dir().parent, 2**20)
    return {"message": message, "shop": shop, "product": None, "passages": []}, ReplyDraft


def test_usage_is_summed_over_the_repair_round(openai_server, monkeypatch):
    monkeypatch.setenv("AIGC_CS_API_KEY", FAKE_KEY)
    openai_server.reply("oops", usage={"prompt_tokens": 100, "completion_tokens": 7})
    openai_server.reply(GOOD, usage={"prompt_tokens": 130, "completion_tokens": 50})
    variables, schema = _reply_variables(MESSAGE)
    config = EngineConfig(kind="llm", provider="custom", model="m", base_url=openai_server.url)
    gen = generate("reply", variables, schema, lambda: schema(text="离线"), config)
    assert gen.engine == "llm:custom/m" and gen.warnings == []
    assert gen.usage.model_dump() == {"prompt_tokens": 230, "completion_tokens": 57, "calls": 2, "cached": 0}


def test_a_task_without_llm_prompts_is_a_clear_error(openai_server, monkeypatch):
    from aigc_cs.errors import UserError
    from aigc_cs.tasks.reply import ReplyDraft

    monkeypatch.setenv("AIGC_CS_API_KEY", FAKE_KEY)
    config = EngineConfig(kind="llm", provider="custom", model="m", base_url=openai_server.url)
    with pytest.raises(UserError, match=r"prompts/no-such-task\.system\.j2"):
        generate("no-such-task", {}, ReplyDraft, lambda: ReplyDraft(text="x"), config)
    assert openai_server.calls == 0


def test_concurrent_generations_keep_their_own_answers(openai_server, monkeypatch, tmp_path):
    from aigc_cs.llm.batch import map_concurrent

    monkeypatch.setenv("AIGC_CS_API_KEY", FAKE_KEY)

    lock, in_flight, most = threading.Lock(), [0], [0]

    def echo(request):  # answer each request with its own customer message, slowly, counting those in flight
        customer = request.last_user.split("<<<")[1].split(">>>")[0]
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.2)
        with lock:
            in_flight[0] -= 1
        return openai_server.Reply(json.dumps({"text": f"回复：{customer}"}, ensure_ascii=False))

    openai_server.responder = echo
    config = EngineConfig(kind="llm", provider="custom", model="m", base_url=openai_server.url,
                          cache=tmp_path / "cache", record=tmp_path / "tapes")
    messages = [f"第{i}号顾客：这件衣服有{i}号码吗" for i in range(24)]

    def one(message: str) -> str:
        variables, schema = _reply_variables(message)
        return generate("reply", variables, schema, lambda: schema(text="离线"), config).output.text

    texts = map_concurrent(one, messages, concurrency=8)
    assert texts == [f"回复：{m}" for m in messages]
    assert 2 <= most[0] <= 8, most[0]  # requests overlapped, never more than the concurrency (no wall-clock budget)
    lines_ = (tmp_path / "tapes" / "reply.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines_) == 24 and all(json.loads(line)["response"].startswith('{"text"') for line in lines_)
    assert len(list((tmp_path / "cache").glob("*/*.json"))) == 24
    start = time.monotonic()
    assert map_concurrent(one, messages, concurrency=8) == texts  # warm
    assert time.monotonic() - start < 1.0 and openai_server.calls == 24


# -- streaming: the fixture's SSE mode through the real clients ------------------------------------------------------
def test_fixture_streams_through_the_openai_client(openai_server):
    import openai

    content = '{"text": "您好，支持7天无理由退换"}'
    openai_server.reply(content)
    client = openai.OpenAI(base_url=openai_server.url, api_key=FAKE_KEY, max_retries=0)
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True,
                                            stream_options={"include_usage": True})
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == content
    assert len(chunks) > 3 and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == len(content)
    assert openai_server.requests[0].stream is True


def test_fixture_streams_through_langchain(openai_server):
    from langchain_openai import ChatOpenAI

    openai_server.reply("分块到达的回答")
    llm = ChatOpenAI(base_url=openai_server.url, api_key=FAKE_KEY, model="m", max_retries=0, use_responses_api=False)
    assert "".join(chunk.content for chunk in llm.stream("hi")) == "分块到达的回答"


def test_fixture_reports_unscripted_calls_loudly(openai_server):
    import openai

    client = openai.OpenAI(base_url=openai_server.url, api_key=FAKE_KEY, max_retries=0)
    with pytest.raises(openai.InternalServerError, match="no scripted response"):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])


# -- providers ---------------------------------------------------------------------------------------------------
def test_providers_lists_every_preset_and_which_keys_are_set(cli):
    env = {k: None for k in ALL_KEY_ENVS} | {"DEEPSEEK_API_KEY": FAKE_KEY, "AIGC_CS_PROVIDER": "deepseek"}
    result = cli("providers", env=env)
    assert result.code == 0, result.output
    for preset in ("openai", "deepseek", "moonshot", "doubao", "qwen", "ernie", "zhipu", "ollama", "custom"):
        assert preset in result.stdout
    assert "DEEPSEEK_API_KEY" in result.stdout and "已设置" in result.stdout and "未设置" in result.stdout
    assert FAKE_KEY not in result.output
    rows = {r["id"]: r for r in json.loads(cli("providers", "--json", env=env).stdout)}
    assert len(rows) == 9
    assert rows["deepseek"]["key"] == "已设置" and rows["deepseek"]["current"] is True
    assert rows["openai"]["key"] == "未设置" and rows["ollama"]["key"] == "不需要"
    assert rows["qwen"]["base_url"] == "https://dashscope.aliyuncs.com/compatible-mode/v1"
    assert rows["custom"]["base_url"] is None and rows["custom"]["key_env"] == "AIGC_CS_API_KEY"
    assert FAKE_KEY not in json.dumps(rows)


def test_help_and_providers_do_not_import_the_llm_stack():
    code = ("import sys; from typer.testing import CliRunner; from cli import app; "
            "r = CliRunner().invoke(app, ['providers']); assert r.exit_code == 0, r.output; "
            "print([m for m in ('langchain_openai', 'openai', 'langchain_core') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cassette_lines_are_reviewable(tmp_path, openai_server, monkeypatch):
    monkeypatch.setenv("AIGC_CS_API_KEY", FAKE_KEY)
    openai_server.reply(GOOD)
    variables, schema = _reply_variables(MESSAGE)
    config = EngineConfig(kind="llm", provider="custom", model="m", base_url=openai_server.url, record=tmp_path)
    generate("reply", variables, schema, lambda: schema(text="离线"), config)
    raw = (tmp_path / "reply.jsonl").read_text(encoding="utf-8")
    assert "衣见倾心女装" in raw  # Chinese kept readable, not \\u-escaped
    entry = json.loads(raw)
    assert [m["role"] for m in entry["messages"]] == ["system", "user"]
    assert Path(tmp_path / "reply.jsonl").read_text(encoding="utf-8").count("\n") == 1

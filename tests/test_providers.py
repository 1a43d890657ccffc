"""`aigc-cs providers --check` asks an endpoint's /models whether the preset's model is served (against the loopback
OpenAI-protocol server, which lists the one model "loopback"); a chat call answered 404 is one line that suggests
--model; the presets name the providers' current models."""

import json

from tests.conftest import assert_one_error_line

KEY = "sk-loopback-providers-7d1e"
NO_KEYS = {k: None for k in ("OPENAI_API_KEY", "DEEPSEEK_API_KEY", "MOONSHOT_API_KEY", "ARK_API_KEY",
                             "DASHSCOPE_API_KEY", "QIANFAN_API_KEY", "ZHIPUAI_API_KEY", "AIGC_CS_API_KEY")}


def custom(server, model: str) -> dict[str, str | None]:
    return NO_KEYS | {"AIGC_CS_PROVIDER": "custom", "AIGC_CS_BASE_URL": server.url, "AIGC_CS_MODEL": model,
                      "AIGC_CS_API_KEY": KEY, "AIGC_CS_TIMEOUT_S": "5", "AIGC_CS_MAX_RETRIES": "0"}


def test_a_served_model_is_confirmed(cli, openai_server):
    result = cli("providers", "--check", "--provider", "custom", env=custom(openai_server, "loopback"))
    assert result.code == 0, result.output
    assert "✓ 接口提供模型 loopback" in result.stdout and KEY not in result.output


def test_a_model_the_endpoint_does_not_serve_names_what_it_does_and_suggests_model(cli, openai_server):
    result = cli("providers", "--check", "--provider", "custom", "--json", env=custom(openai_server, "deepseek-chat"))
    assert result.code == 1, result.output
    [row] = json.loads(result.stdout)
    assert row["served"] is False and row["models"] == ["loopback"] and row["model"] == "deepseek-chat"
    table = cli("providers", "--check", "--provider", "custom", env=custom(openai_server, "deepseek-chat"))
    assert table.code == 1 and "没有模型 deepseek-chat" in table.stdout and "--model" in table.stdout


def test_checking_every_preset_skips_the_unconfigured_ones(cli, openai_server):
    result = cli("providers", "--check", "--json", env=custom(openai_server, "loopback"))
    assert result.code == 0, result.output
    rows = {r["provider"]: r for r in json.loads(result.stdout)}
    assert rows["custom"]["served"] is True
    assert rows["deepseek"]["skipped"] and "DEEPSEEK_API_KEY" in rows["deepseek"]["problem"]
    assert rows["ollama"]["skipped"], "a local server that is not the configured provider is not asked"


def test_an_endpoint_that_cannot_be_reached_is_one_row(cli, openai_server):
    env = custom(openai_server, "loopback") | {"AIGC_CS_BASE_URL": "http://127.0.0.1:9/v1", "AIGC_CS_TIMEOUT_S": "2"}
    result = cli("providers", "--check", "--provider", "custom", env=env)
    assert result.code == 1 and "连不上 http://127.0.0.1:9/v1" in result.stdout and "Traceback" not in result.output


def test_a_chat_call_answered_404_is_one_line_suggesting_model(cli, openai_server):
    openai_server.reply(status=404, times=2)
    result = cli("reply", "衣服不合适可以退吗", "--shop", "demo-fashion", "--engine", "llm",
                 env=custom(openai_server, "deepseek-chat"))
    assert_one_error_line(result, "HTTP 404")
    assert "没有模型 deepseek-chat" in result.stderr and "--model" in result.stderr
    assert "providers --check" in result.stderr


def test_presets_name_the_providers_current_models(cli):
    rows = {r["id"]: r for r in json.loads(cli("providers", "--json", env=NO_KEYS).stdout)}
    assert rows["deepseek"]["default_model"] == "deepseek-v4-flash" and "deepseek-v4-pro" in rows["deepseek"]["note"]
    retired = {"gpt-4o-mini", "deepseek-chat", "moonshot-v1-8k", "doubao-1-5-pro-32k-250115", "glm-4-flash"}
    assert not retired & {r["default_model"] for r in rows.values()}


def test_checking_an_unknown_preset_is_one_line_naming_the_known_ones(cli):
    result = cli("providers", "--check", "--provider", "nope")
    assert_one_error_line(result, "未知的大模型服务商“nope”")
    assert "deepseek" in result.stderr

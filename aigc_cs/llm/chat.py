"""The ``llm`` and ``replay`` engines: prompt → OpenAI-compatible chat model (JSON mode) → pydantic → one repair round.

`complete()` renders ``prompts/<task>.system.j2`` and ``prompts/<task>.user.j2``, asks langchain-openai's
``ChatOpenAI`` for a JSON object (JSON mode: what ``with_structured_output(schema, method="json_mode",
include_raw=True)`` does, without its per-call thread pool: ``bind(response_format=json_object)``), parses it strictly
(LangChain's markdown-fence handling, but never its partial-JSON completion: a cut-off answer is not an answer),
validates it with `schema`, and when it does not validate sends the raw output and the error back once. Each call
has a total deadline (`aigc_cs.llm.http`); a 200 whose body is no completion counts as a failed call. If that fails too, or the service times out / keeps answering 429 or 5xx, it returns the task's ``offline()`` result with a visible warning; under
``config.strict`` it raises `UserError` instead. A wrong key (401), a missing model (404) and other refusals are
configuration problems: always a `UserError`, one line, naming the env var or setting.

Every exchange goes through `aigc_cs.llm.cassettes.ExchangeCache` (LangChain's cache interface): the on-disk cache, the
``--record`` recorder and the ``replay`` engine. The only shared state is a small table of chat clients (one per task,
endpoint and settings) behind a lock, all sending through one HTTP connection pool per process (`aigc_cs.llm.http`);
clients and caches are stateless per call, so tasks may call `complete()` from many threads at once
(`aigc_cs.llm.batch.map_concurrent`). `prepare()` builds a task's client and compiles its prompts before a batch
starts, so that its first calls do not wait behind one another's imports.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.llm import providers
from aigc_cs.llm.cassettes import SOURCE, ExchangeCache
from aigc_cs.llm.engine import EngineConfig, Generation, Usage
from aigc_cs.llm.templates import render

T = TypeVar("T", bound=BaseModel)
REPLAY_URL = "http://replay.invalid/v1"  # the replay engine's client never connects anywhere
_CLIENTS: dict[str, tuple[Any, ExchangeCache]] = {}
_CLIENTS_LOCK = threading.Lock()


class _Failed(Exception):
    """The model could not give a usable answer; `reason` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def schema_json(schema: type[BaseModel]) -> str:
    return json.dumps(schema.model_json_schema(), ensure_ascii=False)


def prompt_messages(task: str, variables: dict[str, Any], schema: type[BaseModel]) -> list[tuple[str, str]]:
    """The system and user messages of `task`, rendered from its templates."""
    from jinja2 import TemplateNotFound

    try:
        system = render(f"{task}.system.j2", **variables)
        user = render(f"{task}.user.j2", **variables)
    except TemplateNotFound as exc:
        raise UserError(f"任务 {task} 还没有大模型提示词 prompts/{exc.name}：请先用 --engine offline，"
                        f"或补上 prompts/{task}.system.j2 和 prompts/{task}.user.j2") from None
    if "JSON" not in system and "JSON" not in user:  # JSON mode needs the word, and the model needs the shape
        system += f"\n只输出一个 JSON 对象，符合这个 JSON Schema：{schema_json(schema)}"
    return [("system", system), ("human", user)]


def parse(text: str, schema: type[T]) -> tuple[T | None, str | None]:
    """(`text` as a `schema` instance, None) or (None, why not in one short line). Only complete JSON counts."""
    from langchain_core.utils.json import parse_json_markdown

    if not text.strip():
        return None, "输出是空的"
    try:
        data = parse_json_markdown(text, parser=lambda body: json.loads(body, strict=False))
    except ValueError:
        return None, "输出不是合法的 JSON（可能不完整、被截断）"
    try:
        return schema.model_validate(data), None
    except ValidationError as exc:
        parts = []
        for error in exc.errors()[:4]:
            field = ".".join(str(p) for p in error["loc"]) or "（整体）"
            parts.append(f"字段 {field}：{error['msg']}")
        return None, "；".join(parts)


def _endpoint(config: EngineConfig) -> tuple[providers.Endpoint, bool]:
    """(where to call, whether a replay may match any recorded model)."""
    if config.kind == "replay":
        p = providers.get(config.provider)
        model = (config.model or "").strip() or p.model or "default"
        return providers.Endpoint(p, REPLAY_URL, model, "replay"), not (config.model or "").strip()
    return providers.resolve(config.provider, config.model, config.base_url), False


def _content(message: Any) -> str:
    content = getattr(message, "content", "")
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")


def _client(task: str, endpoint: providers.Endpoint, any_model: bool, config: EngineConfig) -> tuple[Any, ExchangeCache]:
    """A JSON-mode chat model for `task` and its cache, built once per task, endpoint and settings, then shared."""
    from langchain_openai import ChatOpenAI

    from aigc_cs.llm.http import client

    replay = config.kind == "replay"
    ident = json.dumps([task, endpoint.provider.id, endpoint.base_url, endpoint.model, any_model,
                        hashlib.sha256(endpoint.api_key.encode()).hexdigest(),
                        config.model_dump(mode="json", exclude={"strict"})], sort_keys=True, default=str)
    with _CLIENTS_LOCK:
        found = _CLIENTS.get(ident)
        if found is None:
            cache = ExchangeCache(task=task, provider=endpoint.provider.id, model=endpoint.model, mode=config.kind,
                                  disk=config.cache, record=config.record, cassettes=config.cassettes,
                                  match_any_model=any_model)
            llm = ChatOpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key, model=endpoint.model,
                             timeout=config.timeout_s, max_retries=0 if replay else config.max_retries,
                             temperature=config.temperature, cache=cache, use_responses_api=False,
                             http_client=client())
            if len(_CLIENTS) >= 64:
                _CLIENTS.clear()
            found = _CLIENTS[ident] = (llm.bind(response_format={"type": "json_object"}), cache)
        return found


def prepare(task: str, config: EngineConfig) -> None:
    """Do now what the first call of `task` would do once: import the client libraries, build the chat model and
    compile the prompts. A missing key or an unknown provider is reported here, before any work is done."""
    from jinja2 import TemplateNotFound
    from langchain_core.messages import HumanMessage  # noqa: F401  (imported by every call)
    from langchain_core.utils.json import parse_json_markdown  # noqa: F401

    from aigc_cs.llm.templates import environment

    endpoint, any_model = _endpoint(config)
    json_llm, _ = _client(task, endpoint, any_model, config)
    for name in (f"{task}.system.j2", f"{task}.user.j2", "_repair.j2"):
        with contextlib.suppress(TemplateNotFound):  # a missing prompt is reported by the call, in its words
            environment().get_template(name)
    if config.kind == "llm":
        _rehearse(json_llm, endpoint)


def _rehearse(json_llm: Any, endpoint: providers.Endpoint) -> None:
    """One call through the whole client stack, answered in memory and never cached: the first call's one-off work
    (LangChain's callbacks, openai's request and response types) is done here, not by every call of a batch's first
    round at once."""
    import openai
    from langchain_core.messages import HumanMessage, SystemMessage

    from aigc_cs.llm.http import answering

    answer = {"id": "rehearsal", "object": "chat.completion", "created": 0, "model": endpoint.model,
              "choices": [{"index": 0, "message": {"role": "assistant", "content": "{}"}, "finish_reason": "stop"}],
              "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    root = openai.OpenAI(base_url=endpoint.base_url, api_key="rehearsal", max_retries=0,
                         http_client=answering(answer))
    model = json_llm.bound.model_copy(update={"cache": False, "root_client": root, "client": root.chat.completions})
    model.bind(**json_llm.kwargs).invoke([SystemMessage(content="JSON"), HumanMessage(content="{}")])


def complete(task: str, variables: dict[str, Any], schema: type[T], offline: Callable[[], T],
             config: EngineConfig) -> Generation[T]:
    """One `schema` instance for `task` from the configured model (see the module docstring)."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    endpoint, any_model = _endpoint(config)
    json_llm, cache = _client(task, endpoint, any_model, config)
    roles = {"system": SystemMessage, "human": HumanMessage}
    messages = [roles[role](content=text) for role, text in prompt_messages(task, variables, schema)]
    usage = Usage()
    label = f"{config.kind}:{endpoint.name}"
    recorded: dict[str, str] = {}  # replay without a chosen model: the provider/model the cassette was recorded with

    def ask(conversation: list) -> tuple[T | None, str, str | None]:
        raw = _invoke(json_llm, conversation, endpoint, config)
        meta = getattr(raw, "response_metadata", None) or {}
        if meta.get(SOURCE):
            usage.cached += 1
            if meta[SOURCE] == "cassette":
                recorded.setdefault("name", f"{meta.get('provider', endpoint.provider.id)}/{meta.get('model_name', endpoint.model)}")
        else:
            tokens = getattr(raw, "usage_metadata", None) or {}
            usage.calls += 1
            usage.prompt_tokens += int(tokens.get("input_tokens", 0))
            usage.completion_tokens += int(tokens.get("output_tokens", 0))
        text = _content(raw)
        output, error = parse(text, schema)
        return output, text, error

    try:
        output, text, error = ask(messages)
        if output is None:
            repair = render("_repair.j2", error=error, schema=schema_json(schema))
            second = [*messages, AIMessage(content=text), HumanMessage(content=repair)]
            output, text, error = ask(second)
            if output is None:
                cache.forget(_plain(messages))
                cache.forget(_plain(second))
                raise _Failed(f"大模型（{recorded.get('name', endpoint.name)}）的输出两次都无法解析为要求的 JSON（{error}）")
    except _Failed as failure:  # a replayed run falls back exactly as the recorded run did; only a miss is an error
        if config.strict:
            raise UserError(f"{failure.reason}，已按 --strict 停止；去掉 --strict 可改用离线引擎") from None
        return Generation[schema](output=offline(), engine="offline",  # type: ignore[valid-type]
                                  warnings=[f"{failure.reason}，本条已改用离线引擎"], usage=usage)
    if any_model and recorded:
        label = f"replay:{recorded['name']}"
    return Generation[schema](output=output, engine=label, usage=usage)  # type: ignore[valid-type]


def _plain(messages: list) -> list[dict[str, str]]:
    roles = {"system": "system", "human": "user", "ai": "assistant"}
    return [{"role": roles.get(m.type, m.type), "content": _content(m)} for m in messages]


def _scrub(text: str, key: str) -> str:
    text = " ".join(str(text).split())
    if key and len(key) >= 4:
        text = text.replace(key, "***")
    return text[:160] + ("…" if len(text) > 160 else "")


def _invoke(json_llm: Any, conversation: list, endpoint: providers.Endpoint, config: EngineConfig) -> dict:
    """Call the model once (the client retries 429/5xx itself); map its errors to `_Failed` or `UserError`."""
    import openai

    from aigc_cs.llm.http import UnusableResponse, deadline

    p, name = endpoint.provider, endpoint.name
    env = p.key_env or "（该服务商不需要密钥）"
    retried = f"重试 {config.max_retries} 次后仍失败"
    try:
        with deadline(config.timeout_s):
            return json_llm.invoke(conversation)
    except UnusableResponse as exc:
        raise _Failed(f"大模型接口 {endpoint.base_url}（{name}）{exc.reason}；请检查 AIGC_CS_BASE_URL 是否指向"
                      " OpenAI 兼容接口") from None
    except openai.AuthenticationError:
        raise UserError(f"密钥无效：{p.label}（{endpoint.base_url}）拒绝了环境变量 {env} 里的 API Key（HTTP 401），"
                        f"请检查 {env} 是否填对、是否过期后重新设置") from None
    except openai.PermissionDeniedError:
        raise UserError(f"没有权限（HTTP 403）：环境变量 {env} 的 API Key 不能调用模型 {endpoint.model}，"
                        "请在服务商控制台开通该模型，或用 --model 换一个") from None
    except openai.NotFoundError:
        raise UserError(providers.model_missing(endpoint)) from None
    except openai.RateLimitError:
        raise _Failed(f"大模型（{name}）限流（HTTP 429），{retried}；可稍后再试或调低 --concurrency") from None
    except openai.InternalServerError as exc:
        raise _Failed(f"大模型服务（{name}）出错（HTTP {exc.status_code}），{retried}") from None
    except openai.APIStatusError as exc:
        detail = _scrub(getattr(exc, "message", "") or "", endpoint.api_key)
        if exc.status_code in (408, 409) or exc.status_code >= 500:
            raise _Failed(f"大模型服务（{name}）出错（HTTP {exc.status_code}），{retried}") from None
        raise UserError(f"大模型服务拒绝了请求（HTTP {exc.status_code}）：{detail}；请检查 --model 和服务商设置") from None
    except openai.APITimeoutError:
        raise _Failed(f"大模型（{name}）在 {config.timeout_s:g} 秒内没有回复完（每次调用的总时限，含连接、读取和重试，"
                      "见 AIGC_CS_TIMEOUT_S）") from None
    except openai.APIConnectionError:
        raise _Failed(f"连不上大模型接口 {endpoint.base_url}（{name}），请检查网络或 AIGC_CS_BASE_URL") from None
    except openai.OpenAIError as exc:  # e.g. the answer was cut off (finish_reason=length)
        raise _Failed(f"大模型（{name}）调用失败：{_scrub(type(exc).__name__ + ' ' + str(exc), endpoint.api_key)}") from None

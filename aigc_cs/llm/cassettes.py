"""Response cache, recorder and replayer, plugged into LangChain's cache interface (`BaseCache`).

One `ExchangeCache` serves one task's calls to one model. LangChain hands it the serialized messages; it keys them
by model + messages (``exchange_key``), so that the base_url, the timeout and the key never change a key.

- disk cache (``llm`` engine): one JSON file per exchange under the cache folder; a warm rerun makes no HTTP call.
- recorder (``--record DIR``): every exchange the run sees, fresh or from the disk cache, is appended once to
  ``DIR/<task>.jsonl``: one reviewable line with key, task, provider, model, messages, response and usage.
- replayer (``--engine replay --cassettes DIR``): answers only from ``DIR/<task>.jsonl``; a miss raises `ReplayMiss`
  (a `UserError`) from inside the lookup, so the model is never called.

Everything here is thread-safe: files are written atomically (disk cache) or appended under a per-file lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration

from aigc_cs.errors import UserError

_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
_INDEXES: dict[Path, tuple[tuple[int, int], dict[str, dict], dict[str, list[dict]]]] = {}
SOURCE = "aigc_cs_source"  # response_metadata key telling where an answer came from: "cache" or "cassette"


class ReplayMiss(UserError):
    """A replay found no recording for an exchange."""


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path.resolve(), threading.Lock())


def messages_from_prompt(prompt: str) -> list[dict[str, str]]:
    """LangChain's serialized message list (``dumps(messages)``) as plain ``[{role, content}]``."""
    out = []
    for item in json.loads(prompt):
        kwargs = item.get("kwargs", {}) if isinstance(item, dict) else {}
        role = _ROLES.get(kwargs.get("type", ""), kwargs.get("type", "user"))
        content = kwargs.get("content", "")
        if isinstance(content, list):
            content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
        out.append({"role": role, "content": content})
    return out


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]


def exchange_key(model: str, messages: list[dict[str, str]]) -> str:
    return _digest({"model": model, "messages": messages})


def messages_key(messages: list[dict[str, str]]) -> str:
    return _digest({"messages": messages})


def cassette_path(folder: Path, task: str) -> Path:
    return Path(folder) / f"{task}.jsonl"


def _load(path: Path) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    """Entries of a cassette by key and by messages-only key; re-read only when the file changed."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}, {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _INDEXES.get(path)
    if cached and cached[0] == stamp:
        return cached[1], cached[2]
    by_key: dict[str, dict] = {}
    by_messages: dict[str, list[dict]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            messages = entry["messages"]
            key = exchange_key(entry["model"], messages)
            str(entry["response"])
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{path} 第 {number} 行不是有效的录制（需要 JSON 对象，含 model、messages、response），"
                            "请修正或删除这一行后重新录制") from None
        by_key[key] = entry
        by_messages.setdefault(messages_key(messages), []).append(entry)
    _INDEXES[path] = (stamp, by_key, by_messages)
    return by_key, by_messages


def _remember(path: Path, entry: dict) -> None:
    """Add a just-appended entry to the index, so that a long recording is not re-read after every line."""
    stat = path.stat()
    _, by_key, by_messages = _INDEXES.get(path) or ((0, 0), {}, {})
    by_key[entry["key"]] = entry
    by_messages.setdefault(messages_key(entry["messages"]), []).append(entry)
    _INDEXES[path] = ((stat.st_mtime_ns, stat.st_size), by_key, by_messages)


def _excerpt(messages: list[dict[str, str]]) -> str:
    """The message a reader recognises: the customer's words if the prompt fences them, else the user prompt's end."""
    users = [m["content"] for m in messages if m["role"] == "user"]
    text = users[-1] if users else ""
    fenced = re.findall(r"<<<(.*?)>>>", users[0] if users else "", flags=re.S)
    if fenced and len(users) == 1:
        text = fenced[-1]
    elif len(users) > 1:
        text = "修正 JSON 的第二轮请求：" + text
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:40] + "…"


class ExchangeCache(BaseCache):
    """See the module docstring. `mode` is "llm" (disk cache + optional recorder) or "replay"."""

    def __init__(self, *, task: str, provider: str, model: str, mode: str, disk: Path | None = None,
                 record: Path | None = None, cassettes: Path | None = None, match_any_model: bool = False) -> None:
        self.task, self.provider, self.model, self.mode = task, provider, model, mode
        self.disk = Path(disk) if disk and mode == "llm" else None
        self.record = cassette_path(record, task) if record and mode == "llm" else None
        self.cassettes = Path(cassettes) if cassettes is not None else None
        self.match_any_model = match_any_model  # replay: no model was chosen, so any recorded model will do

    # -- BaseCache -------------------------------------------------------------------------------------------
    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        messages = messages_from_prompt(prompt)
        key = exchange_key(self.model, messages)
        if self.mode == "replay":
            entry = self._replayed(key, messages)
            return [self._generation(entry, "cassette")]
        entry = self._read_disk(key)
        if entry is None:
            return None
        if self.record is not None:
            self._append(entry)
        return [self._generation(entry, "cache")]

    def update(self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE) -> None:
        if self.mode != "llm" or not return_val:
            return
        messages = messages_from_prompt(prompt)
        generation = return_val[0]
        message = getattr(generation, "message", None)
        usage = getattr(message, "usage_metadata", None) or {}
        entry = {"key": exchange_key(self.model, messages), "task": self.task, "provider": self.provider,
                 "model": self.model, "messages": messages, "response": generation.text,
                 "usage": {"prompt_tokens": int(usage.get("input_tokens", 0)),
                           "completion_tokens": int(usage.get("output_tokens", 0))}}
        self._write_disk(entry)
        if self.record is not None:
            self._append(entry)

    def clear(self, **kwargs: Any) -> None:
        """Empty the disk cache (never the cassettes)."""
        if self.disk is not None and self.disk.is_dir():
            for path in self.disk.glob("*/*.json"):
                with contextlib.suppress(OSError):
                    path.unlink()

    # -- pieces ----------------------------------------------------------------------------------------------
    def forget(self, messages: list[dict[str, str]]) -> None:
        """Drop one exchange from the disk cache, e.g. an answer that failed validation twice."""
        if self.disk is not None:
            with contextlib.suppress(OSError):
                self._disk_path(exchange_key(self.model, messages)).unlink()

    def _generation(self, entry: dict, source: str) -> ChatGeneration:
        usage = entry.get("usage") or {}
        prompt_tokens, completion_tokens = int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
        message = AIMessage(content=entry["response"],
                            response_metadata={SOURCE: source, "provider": entry.get("provider", self.provider),
                                               "model_name": entry.get("model", self.model)},
                            usage_metadata={"input_tokens": prompt_tokens, "output_tokens": completion_tokens,
                                            "total_tokens": prompt_tokens + completion_tokens})
        return ChatGeneration(message=message)

    def _disk_path(self, key: str) -> Path:
        assert self.disk is not None
        return self.disk / key[:2] / f"{key}.json"

    def _read_disk(self, key: str) -> dict | None:
        if self.disk is None:
            return None
        try:
            entry = json.loads(self._disk_path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and "response" in entry else None

    def _write_disk(self, entry: dict) -> None:
        if self.disk is None:
            return
        path = self._disk_path(entry["key"])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written is only a slower rerun
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)

    def _append(self, entry: dict) -> None:
        assert self.record is not None
        path = self.record
        with _lock(path):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                by_key, _ = _load(path)
                if entry["key"] in by_key:
                    return
                entry = {**entry, "task": self.task}
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
                _remember(path, entry)
            except OSError as exc:
                raise UserError(f"无法写入录制文件 {path}：{exc.strerror or exc}；请检查 --record 目录是否可写") from None

    def _replayed(self, key: str, messages: list[dict[str, str]]) -> dict:
        path = cassette_path(self.cassettes or Path("."), self.task)
        with _lock(path):
            by_key, by_messages = _load(path)
        entry = by_key.get(key)
        if entry is None and self.match_any_model:
            candidates = by_messages.get(messages_key(messages), [])
            entry = candidates[-1] if candidates else None
        if entry is not None:
            return entry
        where = f"{path}（文件不存在）" if not path.is_file() else str(path)
        model = "任一模型" if self.match_any_model else f"模型 {self.model}"
        raise ReplayMiss(f"未录制：任务 {self.task} 的这条消息“{_excerpt(messages)}”（{model}，key {key[:12]}）在 {where} 里没有录制；"
                         f"请先用 --engine llm --record {self.cassettes or '目录'} 录制")

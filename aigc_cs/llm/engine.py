"""The engine every task goes through: `generate(task, variables, schema, offline, config)`.

- ``offline``: the task's own composer (``offline()``), deterministic, no network.
- ``llm``: renders ``prompts/<task>.system.j2`` and ``prompts/<task>.user.j2`` with `variables`, asks an
  OpenAI-compatible model for JSON matching `schema`, validates, repairs once, then falls back to ``offline()``
  with a visible warning (or fails under ``strict``).
- ``replay``: like ``llm``, answered from recorded cassettes; a missing recording is an error, never a call.

A batch calls `prepare(task, config)` once before it starts its calls (see `aigc_cs.llm.chat.prepare`).
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

EngineKind = Literal["offline", "llm", "replay"]
T = TypeVar("T", bound=BaseModel)


class EngineConfig(BaseModel):
    kind: EngineKind = "offline"
    provider: str = "openai"
    model: str | None = None
    base_url: str | None = None
    strict: bool = False
    record: Path | None = None  # write exchanges as JSONL cassettes into this folder
    cassettes: Path | None = None  # read cassettes from this folder (replay)
    cache: Path | None = None  # on-disk response cache
    timeout_s: float = 60.0
    max_retries: int = 3
    temperature: float = 0.3


class Usage(BaseModel):
    """Token usage of one generation, summed over its calls (the first answer and a repair round)."""

    prompt_tokens: int = 0  # tokens of real calls only; answers from the cache or a cassette cost nothing
    completion_tokens: int = 0
    calls: int = 0  # HTTP calls made
    cached: int = 0  # answers taken from the disk cache or a cassette

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(**{k: getattr(self, k) + getattr(other, k) for k in type(self).model_fields})


def spent(usages: list[Usage]) -> Usage | None:
    """The usage a result reports: the sum over its generations, or None when no model was called."""
    total = sum(usages, Usage())
    return total if total.calls or total.cached else None


class Generation(BaseModel, Generic[T]):
    output: T
    engine: str  # "offline", "llm:deepseek/deepseek-chat", "replay:…"
    warnings: list[str] = []
    usage: Usage = Usage()


def generate(task: str, variables: dict[str, Any], schema: type[T], offline: Callable[[], T],
             config: EngineConfig) -> Generation[T]:
    """Produce one `schema` instance for `task` with the configured engine."""
    if config.kind == "offline":
        return Generation[schema](output=offline(), engine="offline")  # type: ignore[valid-type]
    from aigc_cs.llm.chat import complete

    return complete(task, variables, schema, offline, config)


def prepare(task: str, config: EngineConfig) -> None:
    """Ready `task`'s model client before a batch of `generate` calls; nothing to do offline."""
    if config.kind == "offline":
        return
    from aigc_cs.llm.chat import prepare as prepare_client

    prepare_client(task, config)

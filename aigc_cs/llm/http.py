"""The HTTP client under the chat model: a total deadline per model call, and no unusable answer let through.

`deadline(seconds)` bounds one model call, connect and read across all the client's retries: every attempt gets at
most the time left, a body that trickles in is cut when the time is up, a server's retry-after never waits past it,
and an attempt that starts too late fails at once (`openai.APITimeoutError`, which the client does not retry).
A 200 answer to a chat completion whose body is not an OpenAI completion (an HTML page from a proxy, a cut-off body,
no choices) raises `UnusableResponse` instead of reaching LangChain.

`client()` is one HTTP client per process: every chat model of every task sends through its connection pool, so a
batch keeps its connections open from one call to the next instead of connecting (and, over TLS, shaking hands) again.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

import httpx2 as httpx  # the HTTP library of the openai client (its fork of httpx)
import openai
from pydantic import BaseModel, Field, ValidationError

_DEADLINE: ContextVar[float | None] = ContextVar("aigc_cs_llm_deadline", default=None)
_RETRYABLE = (408, 409, 429)


class UnusableResponse(openai.OpenAIError):
    """HTTP 200, but the body is no chat completion; `reason` says what came back, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Choice(BaseModel):
    message: dict


class _Completion(BaseModel):
    choices: list[_Choice] = Field(min_length=1)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every request sent in this block (this thread) must be done within `seconds` from now, retries included."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


@cache
def client() -> httpx.Client:
    """openai's default HTTP client, sending through the deadline and body checks; one per process (see above)."""
    return openai.DefaultHttpxClient(transport=_Transport(httpx.HTTPTransport()))


def answering(body: dict) -> httpx.Client:
    """An HTTP client that never connects: it answers every request with `body` (HTTP 200), in memory."""
    return openai.DefaultHttpxClient(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)))


def _left(request: httpx.Request) -> float | None:
    end = _DEADLINE.get()
    if end is None:
        return None
    left = end - time.monotonic()
    if left <= 0:
        raise openai.APITimeoutError(request=request)
    return left


class _Transport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        left = _left(request)
        if left is not None:
            given = request.extensions.get("timeout") or {}
            request.extensions["timeout"] = {k: min(given.get(k) or left, left)
                                             for k in ("connect", "read", "write", "pool")}
        response = self._inner.handle_request(request)
        if left is not None and (response.status_code in _RETRYABLE or response.status_code >= 500):
            _cap_retry_after(response, request)
        completion = response.status_code == 200 and request.url.path.endswith("/chat/completions") \
            and "event-stream" not in response.headers.get("content-type", "")
        response.stream = _Body(response.stream, request, response.headers.get("content-type", ""), completion)
        return response

    def close(self) -> None:
        self._inner.close()


def _cap_retry_after(response: httpx.Response, request: httpx.Request) -> None:
    """A server's retry-after longer than the time left becomes the time left."""
    left = _left(request) or 0.0
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            wait = float(response.headers.get(name, "")) / scale
        except ValueError:
            continue
        if wait > left:
            response.headers["retry-after-ms"] = f"{left * 1000:.0f}"
        return


class _Body(httpx.SyncByteStream):
    """The response body, cut at the deadline; a chat completion's body is checked once it is complete."""

    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request, content_type: str, check: bool) -> None:
        self._inner, self._request, self._type, self._check = inner, request, content_type, check

    def __iter__(self) -> Iterator[bytes]:
        body = bytearray()
        for chunk in self._inner:
            _left(self._request)
            if self._check:
                body += chunk
            yield chunk
        if self._check:
            _completion(bytes(body), self._type)

    def close(self) -> None:
        self._inner.close()


def _completion(body: bytes, content_type: str) -> None:
    try:
        _Completion.model_validate_json(body)
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            kind = "网页（HTML）" if b"<html" in body[:512].lower() or "html" in content_type else "不完整或不是 JSON 的内容"
            raise UnusableResponse(f"返回了{kind}，不是大模型的回答（HTTP 200，{len(body)} 字节）") from None
        raise UnusableResponse("返回的 JSON 里没有回答（choices 为空或缺失）") from None

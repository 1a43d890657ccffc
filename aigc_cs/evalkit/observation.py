"""What an eval assertion reads and returns: the `Observation` of one case (its output, error, shop and documents)
and the `Verdict` of one check."""

import json
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

FIELD_PART = re.compile(r"(\w+)(?:\[(\w+)=([^\]]+)\])?")


class Verdict(BaseModel):
    passed: bool
    score: float
    detail: str


class Observation:
    """What one case produced, and what the assertions may look up: its shop and the index's documents."""

    def __init__(self, data: dict[str, Any], error: str | None = None, shop: Callable[[], Any] | None = None,
                 doc_type: Callable[[str], str | None] | None = None,
                 judge: Callable[[str, str], Any] | None = None) -> None:
        self.data = data
        self.error = error
        self.judge = judge  # grades a text with the LLM judge; None under the offline engine
        self._shop = shop
        self._doc_type = doc_type or (lambda source: None)

    @property
    def text(self) -> str:
        return str(self.data.get("text", ""))

    def get(self, field: str | None) -> Any:
        """A dotted field of the output ("text", "citations.section"); through a list, the field of each item.
        A list can be filtered by one of its items' fields: ``script[role=agent].text``."""
        value: Any = self.data
        for part in (field or "text").split("."):
            name, key, wanted = FIELD_PART.fullmatch(part).groups()  # type: ignore[union-attr]
            if isinstance(value, list):
                value = [item.get(name) if isinstance(item, dict) else None for item in value]
            elif isinstance(value, dict):
                value = value.get(name)
            else:
                return None
            if key is not None and isinstance(value, list):
                value = [item for item in value if isinstance(item, dict) and str(item.get(key)) == wanted]
        return value

    def shop(self):
        if self._shop is None:
            raise ValueError("这个用例没有店铺（vars.shop），无法核对政策")
        return self._shop()

    def doc_type(self, source: str) -> str | None:
        return self._doc_type(source)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)

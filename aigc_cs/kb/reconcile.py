"""Bring the vector store in step with the index: Chroma is asked for its own ids (never a record of what was
written), vectors of chunks that left the index are deleted, missing ones are added (from the vector cache when
present, else embedded now), and in embedded mode the in-process matrix (kb/dense.py) is written from the same
vectors. A kill at any point leaves Chroma with some of the writes; the next run finds them by asking Chroma.

A mismatch that this ingest did not cause (an earlier ingest was killed, `chroma/` was deleted, ids were added behind
the index's back) is reported in one line.
"""

import errno
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.files import write_text_atomic
from aigc_cs.kb.dense import Matrix
from aigc_cs.kb.index import MODEL_NAME, Index
from aigc_cs.kb.models import Chunk
from aigc_cs.kb.vector_cache import vectors

EMBED_BATCH = 64
IDS_PER_CALL = 1000  # ids in one Chroma delete or get
RECORD = "vectors.json"  # which model and store the last completed sync wrote to
Progress = Callable[[int, int], None]
_DISK_FULL = ("disk is full", "no space left", "os error 28")


class Synced(BaseModel):
    embedded: int = 0  # vectors written to the store in this run
    extra: int = 0  # ids the store had that the index did not list (before this run)
    missing: int = 0  # ids the index listed that the store lacked
    chunks: int = 0

    def mismatch(self) -> str | None:
        """The one line that reports a repaired mismatch, or None when the store was in step."""
        if not (self.extra or self.missing):
            return None
        return (f"向量库（Chroma）与索引不一致（上次导入可能被中断，或向量库被删除）：导入前多出 {self.extra} 个向量、"
                f"缺少 {self.missing} 个；已修复，现在 {self.chunks} 个片段都有向量")


def sync(index: Index, chunks: list[Chunk], previous: set[str], on_embed: Progress | None = None) -> Synced:
    """Make the store hold exactly the vectors of `chunks`. `previous` are the ids the index listed before this run;
    the caller holds the index lock."""
    model = index.embeddings
    if model is None:
        return Synced()
    with chroma_errors(index):
        collection = index.collection
        record = _record(index)
        have = set(collection.get(include=[])["ids"])
        if record.get("model") not in (None, MODEL_NAME):  # another model's vectors: none can stay
            _delete(collection, list(have))
            have = set()
        expected = previous if record.get("store") == index.store_name else have  # a new store is filled, not repaired
        wanted = {c.id for c in chunks}
        _delete(collection, list(have - wanted))
        fresh = _add(collection, model, [c for c in chunks if c.id not in have], on_embed)
        if index.chroma_url is None:
            _save_matrix(index, collection, chunks, fresh)
    write_text_atomic(index.home / RECORD, json.dumps({"model": MODEL_NAME, "store": index.store_name}))
    return Synced(embedded=len(fresh), extra=len(have - expected), missing=len(expected - have), chunks=len(chunks))


def _record(index: Index) -> dict:
    try:
        return json.loads((index.home / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _delete(collection, ids: list[str]) -> None:
    for start in range(0, len(ids), IDS_PER_CALL):
        collection.delete(ids=ids[start: start + IDS_PER_CALL])


def _add(collection, model, todo: list[Chunk], on_embed: Progress | None) -> dict[str, np.ndarray]:
    """Write the vectors of `todo` to the store, batch by batch (each batch is whole in the store or absent)."""
    fresh: dict[str, np.ndarray] = {}
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start: start + EMBED_BATCH]
        found = vectors("passage", [c.text for c in batch], model.passage)
        collection.add(ids=[c.id for c in batch], embeddings=found, metadatas=[c.metadata() for c in batch],
                       documents=[c.text for c in batch])
        fresh.update(zip([c.id for c in batch], found, strict=True))
        if on_embed:
            on_embed(start + len(batch), len(todo))
    return fresh


def _save_matrix(index: Index, collection, chunks: list[Chunk], fresh: dict[str, np.ndarray]) -> None:
    """The matrix of every chunk: rows of the last matrix, vectors written now, and any others read from Chroma."""
    old = index.matrix()
    if old is not None and not fresh and set(old.ids) == {c.id for c in chunks}:
        return
    rows = {**(old.rows() if old is not None else {}), **fresh}
    lacking = [c.id for c in chunks if c.id not in rows]
    for start in range(0, len(lacking), IDS_PER_CALL):
        got = collection.get(ids=lacking[start: start + IDS_PER_CALL], include=["embeddings"])
        rows.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
    Matrix.build(MODEL_NAME, chunks, rows).save(index.home)


@contextmanager
def chroma_errors(index: Index) -> Iterator[None]:
    """Chroma's own errors as one line: a full disk names the folder (the ingest can be run again once there is room,
    nothing done so far is lost); anything else says how to rebuild the store from the index."""
    from chromadb.errors import ChromaError

    try:
        yield
    except ChromaError as exc:
        where = index.chroma_url or index.home / "chroma"
        if any(sign in str(exc).lower() for sign in _DISK_FULL) or (index.chroma_url is None and _no_room(index.home)):
            raise UserError(f"{where}：磁盘空间不足，向量没有写完。腾出空间后重新运行 aigc-cs ingest 即可接着导入（已写入的"
                            "不会丢失），或用 AIGC_CS_HOME 换一个有空间的索引目录") from None
        repair = ("请查看那台 Chroma 服务器的日志" if index.chroma_url else
                  "删除这个文件夹后重新运行 aigc-cs ingest，向量会从缓存补回")
        raise UserError(f"{where}：向量库出错（{exc}）。{repair}") from None


def _no_room(folder: Path) -> bool:
    """True when `folder` cannot take another MiB: Chroma does not always say that the disk is full."""
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(bytes(2**20))
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return False

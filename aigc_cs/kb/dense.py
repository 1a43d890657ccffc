"""Dense search in process: every chunk's vector in one matrix, loaded once per process.

Chroma stays the store (ingest writes every vector there first, see kb/reconcile.py); this matrix is a copy of it
that ingest writes after Chroma is in step with the index. Asking Chroma with a shop/type `where` filter cost 17 ms
of a 32 ms hybrid search at 10k chunks; here the rows are grouped by (shop, type), so the rows a search may return
are a few contiguous slices and a search multiplies only those (about 1 ms at 10k chunks, a few µs for one shop).

File: ``<home>/dense.npz`` (uncompressed): the vectors (float32, one unit row per chunk), the chunk ids in row order,
each (shop, type) group's first and last row, and the embedding model's name. Replaced in one step.
"""

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from aigc_cs.files import replacing
from aigc_cs.kb.models import COMMON_SHOP, Chunk

FILE = "dense.npz"


class Matrix(BaseModel):
    """The vectors of an index's chunks, rows grouped by (shop, doc_type)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)
    model: str
    ids: list[str]
    vectors: np.ndarray
    groups: dict[tuple[str, str], tuple[int, int]]

    @classmethod
    def build(cls, model: str, chunks: list[Chunk], vectors: dict[str, np.ndarray]) -> "Matrix":
        """The matrix of `chunks` (each must have a vector in `vectors`), rows ordered by shop, type and id."""
        ordered = sorted(chunks, key=lambda c: (c.shop, c.doc_type, c.id))
        groups: dict[tuple[str, str], tuple[int, int]] = {}
        for row, chunk in enumerate(ordered):
            start = groups.get((chunk.shop, chunk.doc_type), (row, row))[0]
            groups[(chunk.shop, chunk.doc_type)] = (start, row + 1)
        matrix = np.stack([vectors[c.id] for c in ordered]) if ordered else np.empty((0, 0), dtype=np.float32)
        return cls(model=model, ids=[c.id for c in ordered], vectors=matrix.astype(np.float32, copy=False),
                   groups=groups)

    @classmethod
    def load(cls, home: Path) -> "Matrix | None":
        """The saved matrix, or None when there is none (or it cannot be read: ingest writes it anew)."""
        try:
            with np.load(home / FILE) as data:
                bounds = data["bounds"].tolist()
                groups = {(shop, kind): (int(a), int(b)) for shop, kind, (a, b)
                          in zip(data["shops"].tolist(), data["types"].tolist(), bounds, strict=True)}
                return cls(model=str(data["model"]), ids=data["ids"].tolist(), vectors=data["vectors"], groups=groups)
        except (OSError, ValueError, KeyError):
            return None

    def save(self, home: Path) -> None:
        keys = list(self.groups)
        with replacing(home / FILE) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, model=np.array(self.model), ids=np.array(self.ids, dtype=str), vectors=self.vectors,
                     shops=np.array([s for s, _ in keys], dtype=str), types=np.array([t for _, t in keys], dtype=str),
                     bounds=np.array([self.groups[k] for k in keys], dtype=np.int64).reshape(len(keys), 2))

    def rows(self) -> dict[str, np.ndarray]:
        """Chunk id -> its vector."""
        return dict(zip(self.ids, self.vectors, strict=True))

    def slices(self, shop: str | None, types: tuple[str, ...] | None) -> list[tuple[int, int]]:
        """The row ranges a search may return: the shop's chunks and the common ones, of the types."""
        return [bounds for (s, t), bounds in self.groups.items()
                if (shop is None or s in (shop, COMMON_SHOP)) and (types is None or t in types)]

    def search(self, query: np.ndarray, slices: list[tuple[int, int]], k: int) -> list[tuple[str, float]]:
        """The k rows of `slices` nearest to the unit vector `query` by cosine, best first."""
        if not slices or k <= 0:
            return []
        scores = np.concatenate([self.vectors[a:b] @ query for a, b in slices])
        rows = np.concatenate([np.arange(a, b) for a, b in slices])
        if len(scores) > k:
            top = np.argpartition(-scores, k - 1)[:k]
            scores, rows = scores[top], rows[top]
        order = np.lexsort((rows, -scores))
        return [(self.ids[r], float(s)) for r, s in zip(rows[order], scores[order], strict=True)]

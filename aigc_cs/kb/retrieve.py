"""Hybrid retrieval: BM25 over jieba tokens and dense e5 vectors in Chroma, fused by reciprocal rank."""

import numpy as np

from aigc_cs.config import RetrievalMode
from aigc_cs.kb.index import Index
from aigc_cs.kb.models import COMMON_SHOP, Chunk, Passage
from aigc_cs.text import search_tokens

RRF_K = 60
CANDIDATES = 20


class Retriever:
    """Query one index. Loaded once per process; a query costs a few milliseconds."""

    def __init__(self, index: Index, mode: RetrievalMode = "hybrid") -> None:
        self.index = index
        self.chunks: dict[str, Chunk] = {c.id: c for c in index.chunks()}
        self._bm25, self._bm25_ids = index.bm25()
        indexed = [self.chunks.get(cid) for cid in self._bm25_ids]
        self._known = np.array([c is not None for c in indexed], dtype=bool)
        self._shops = np.array([c.shop if c else "" for c in indexed])
        self._types = np.array([c.doc_type if c else "" for c in indexed])
        self._masks: dict[tuple[str | None, tuple[str, ...] | None], np.ndarray] = {}
        self.mode: RetrievalMode = mode
        if mode != "bm25" and index.vectors is None:
            self.mode = "bm25"
        self.warning = index.embedding_warning if mode != "bm25" else None

    def _mask(self, shop: str | None, types: list[str] | None) -> np.ndarray:
        """Which BM25 documents may answer: known chunks of the shop (or common to all) and of the types."""
        key = (shop, None if types is None else tuple(types))
        if key not in self._masks:
            mask = self._known.copy()
            if shop is not None:
                mask &= np.isin(self._shops, [shop, COMMON_SHOP])
            if types is not None:
                mask &= np.isin(self._types, list(types))
            self._masks[key] = mask
        return self._masks[key]

    def _lexical(self, query: str, shop: str | None, types: list[str] | None, k: int) -> list[tuple[str, float]]:
        """The k best BM25 matches among the allowed documents, best first; equal scores in index order."""
        if self._bm25 is None:
            return []
        scores = self._bm25.get_scores(search_tokens(query) or [query])
        found = np.flatnonzero(self._mask(shop, types) & (scores > 0))
        if len(found) > k > 0:
            top = np.argpartition(-scores[found], k - 1)[:k]
            found = found[scores[found] >= scores[found[top]].min()]  # ties with the k-th stay, in index order
        order = np.argsort(-scores[found], kind="stable")[:k]
        return [(self._bm25_ids[i], float(scores[i])) for i in found[order]]

    def _dense(self, query: str, shop: str | None, types: list[str] | None, k: int) -> list[tuple[str, float]]:
        conditions = []
        if shop is not None:
            conditions.append({"shop": {"$in": [shop, COMMON_SHOP]}})
        if types is not None:
            conditions.append({"doc_type": {"$in": list(types)}})
        where = {"$and": conditions} if len(conditions) > 1 else (conditions[0] if conditions else None)
        store = self.index.vectors
        if store is None or not self.chunks:
            return []
        hits = store.similarity_search_with_score(query, k=min(k, len(self.chunks)), filter=where)
        return [(doc.id, 1.0 - float(distance)) for doc, distance in hits if doc.id in self.chunks]

    def search(self, query: str, *, shop: str | None = None, types: list[str] | None = None,
               k: int = 5, mode: RetrievalMode | None = None, customer: bool = False) -> list[Passage]:
        """Ranked passages. `customer=True` reads the query as a customer's message and adds the written
        words of its intents to the keyword query; the dense query stays as typed."""
        from aigc_cs.kb.intents import expand

        mode = self.mode if mode is None or self.index.vectors is None else mode
        if not query.strip() or not self.chunks:
            return []
        keywords = expand(query, customer)
        if mode == "bm25":
            ranked = self._lexical(keywords, shop, types, k)
        elif mode == "dense":
            ranked = self._dense(query, shop, types, k)
        else:
            ranked = fuse([self._lexical(keywords, shop, types, CANDIDATES),
                           self._dense(query, shop, types, CANDIDATES)])[:k]
        return [self._passage(cid, score) for cid, score in ranked]

    def _passage(self, chunk_id: str, score: float) -> Passage:
        c = self.chunks[chunk_id]
        return Passage(text=c.text, shop=c.shop, doc_type=c.doc_type, source=c.source, section=c.section,
                       score=round(score, 4), chunk_id=c.id)


def fuse(rankings: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each list adds 1 / (60 + rank) to every id it ranks."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, (cid, _) in enumerate(ranking, 1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: -item[1])

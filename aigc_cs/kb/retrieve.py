"""Hybrid retrieval: BM25 over jieba tokens and dense e5 vectors in Chroma, fused by reciprocal rank."""

from collections.abc import Iterable

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
        self.mode: RetrievalMode = mode
        if mode != "bm25" and index.vectors is None:
            self.mode = "bm25"
        self.warning = index.embedding_warning if mode != "bm25" else None

    def _allowed(self, chunk: Chunk, shop: str | None, types: Iterable[str] | None) -> bool:
        if shop is not None and chunk.shop not in (shop, COMMON_SHOP):
            return False
        return types is None or chunk.doc_type in types

    def _lexical(self, query: str, shop: str | None, types: list[str] | None) -> list[tuple[str, float]]:
        if self._bm25 is None:
            return []
        scores = self._bm25.get_scores(search_tokens(query) or [query])
        ranked = sorted(
            ((cid, float(s)) for cid, s in zip(self._bm25_ids, scores, strict=True) if s > 0),
            key=lambda item: -item[1],
        )
        return [(cid, s) for cid, s in ranked if cid in self.chunks and self._allowed(self.chunks[cid], shop, types)]

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
            ranked = self._lexical(keywords, shop, types)[:k]
        elif mode == "dense":
            ranked = self._dense(query, shop, types, k)
        else:
            ranked = fuse([self._lexical(keywords, shop, types)[:CANDIDATES],
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

"""Hybrid retrieval: BM25 over jieba tokens and dense e5 vectors, fused by reciprocal rank. Dense search runs on the
in-process matrix of the embedded Chroma's vectors (kb/dense.py), or asks the Chroma server when one is set."""

import numpy as np

from aigc_cs.config import RetrievalMode
from aigc_cs.errors import UserError
from aigc_cs.kb.index import Index
from aigc_cs.kb.models import COMMON_SHOP, Chunk, Passage
from aigc_cs.text import normalize, search_tokens

RRF_K = 60
CANDIDATES = 20
Key = tuple[str | None, tuple[str, ...] | None]


class Retriever:
    """Query one index. Loaded once per process; a query costs a few milliseconds besides embedding it."""

    def __init__(self, index: Index, mode: RetrievalMode = "hybrid") -> None:
        self.index = index
        self._local = index.chroma_url is None and index.embeddings is not None  # dense search on the matrix
        self._load()
        if not self._consistent():  # an ingest is writing, or one was killed: wait for the writer, read again
            with index.settled():
                self._load()
        if self._local and self.matrix is None and self.chunks:  # made before dense.npz existed, or it was deleted
            self._rebuild()
        self._masks: dict[Key, np.ndarray] = {}
        self._has_dense = self.matrix is not None if self._local else index.embeddings is not None
        self.mode: RetrievalMode = mode if self._has_dense else "bm25"
        self.warning = None if mode == "bm25" else index.embedding_warning or self._vector_warning()

    def _load(self) -> None:
        self.chunks: dict[str, Chunk] = {c.id: c for c in self.index.chunks()}
        self._bm25, self._bm25_ids = self.index.bm25()
        self.matrix = self.index.matrix() if self._local else None
        indexed = [self.chunks.get(cid) for cid in self._bm25_ids]
        self._known = np.array([c is not None for c in indexed], dtype=bool)
        self._shops = np.array([c.shop if c else "" for c in indexed])
        self._types = np.array([c.doc_type if c else "" for c in indexed])

    def _rebuild(self) -> None:
        """Write the missing matrix once, from Chroma and the vector cache, as `aigc-cs ingest` would."""
        from aigc_cs.kb.ingest import sync_vectors

        try:
            sync_vectors(self.index)
        except (UserError, OSError):
            return  # a folder that cannot be written: the warning says to run ingest
        self._load()

    def _consistent(self) -> bool:
        """The chunks, the BM25 index and the vectors were all written by the same ingest."""
        ids = set(self.chunks)
        return (not ids or set(self._bm25_ids) == ids) and (
            not self._local or not ids or (self.matrix is not None and set(self.matrix.ids) == ids))

    def _vector_warning(self) -> str | None:
        if not self._local or not self.chunks:
            return None
        if self.matrix is None:
            return "向量索引（dense.npz）不存在或已损坏，本次只用 BM25 关键词检索；运行 aigc-cs ingest 重建（向量从缓存读取，很快）"
        lacking = len(set(self.chunks) - set(self.matrix.ids))
        if lacking:
            return (f"向量索引缺少 {lacking} 个片段的向量（上次导入可能被中断），这些片段只能按关键词找到；"
                    "运行 aigc-cs ingest 修复")
        return None

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
        if not self.chunks:
            return []
        if self.matrix is not None:
            from aigc_cs.kb.vector_cache import vectors

            vector = vectors("query", [query], self.index.embeddings.query)[0]
            hits = self.matrix.search(vector, self.matrix.slices(shop, None if types is None else tuple(types)), k)
            return [(cid, score) for cid, score in hits if cid in self.chunks]
        return self._server(query, shop, types, k)

    def _server(self, query: str, shop: str | None, types: list[str] | None, k: int) -> list[tuple[str, float]]:
        """Ask the Chroma server (AIGC_CS_CHROMA_URL), with the shop and types as a metadata filter."""
        conditions = []
        if shop is not None:
            conditions.append({"shop": {"$in": [shop, COMMON_SHOP]}})
        if types is not None:
            conditions.append({"doc_type": {"$in": list(types)}})
        where = {"$and": conditions} if len(conditions) > 1 else (conditions[0] if conditions else None)
        hits = self.index.vectors.similarity_search_with_score(query, k=min(k, len(self.chunks)), filter=where)
        return [(doc.id, 1.0 - float(distance)) for doc, distance in hits if doc.id in self.chunks]

    def search(self, query: str, *, shop: str | None = None, types: list[str] | None = None,
               k: int = 5, mode: RetrievalMode | None = None, customer: bool = False) -> list[Passage]:
        """Ranked passages. `customer=True` reads the query as a customer's message and adds the written
        words of its intents to the keyword query; the dense query stays as typed."""
        mode = mode if mode is not None and self._has_dense else self.mode  # no vectors: keywords answer every mode
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


SECTION_WORDS = {"material": "材质 成分 面料", "size": "规格 尺码", "suitable": "适合人群", "selling": "卖点 特点",
                 "care": "使用 保养", "related": "关联推荐 搭配"}


def expand(query: str, customer: bool) -> str:
    """The query plus the written words the documents use: synonyms of colloquial words, and for a
    customer's message, the topic and policy headings of its intents."""
    from aigc_cs.guard.lexicon import synonyms
    from aigc_cs.kb.intents import SMALLTALK, detect

    text = normalize(query)
    extra = [written for spoken, written in synonyms().items() if spoken in text]
    for intent in detect(query) if customer else []:
        if intent.id == SMALLTALK:
            continue
        extra.extend([intent.topic, *intent.cite])
        if intent.product:
            extra.append(SECTION_WORDS[intent.product])
    return " ".join([query, *extra])

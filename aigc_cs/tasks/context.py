"""What every task needs: settings, the index and a retriever, opened once and lazily."""

from functools import cached_property

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
        return Index(self.settings.home, self.settings.embedding)

    @cached_property
    def retriever(self):
        from aigc_cs.kb.retrieve import Retriever

        return Retriever(self.index, self.settings.retrieval)

    @cached_property
    def engine(self) -> EngineConfig:
        s = self.settings
        return EngineConfig(kind=s.engine, provider=s.provider, model=s.model, base_url=s.base_url, strict=s.strict,
                            record=s.record, cassettes=s.cassettes, cache=s.home / "llm-cache",
                            timeout_s=s.timeout_s, max_retries=s.max_retries)

    def shop(self, shop_id: str) -> Shop:
        return self.index.shop(shop_id)

"""What every task needs: settings, the index and a retriever, opened once and lazily."""

from functools import cached_property

from aigc_cs.config import Settings
from aigc_cs.kb.index import Index
from aigc_cs.kb.models import Shop


class Context:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def index(self) -> Index:
        return Index(self.settings.home, self.settings.embedding)

    @cached_property
    def retriever(self):
        from aigc_cs.kb.retrieve import Retriever

        return Retriever(self.index, self.settings.retrieval)

    def shop(self, shop_id: str) -> Shop:
        return self.index.shop(shop_id)

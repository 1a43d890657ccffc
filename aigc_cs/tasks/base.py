"""What every task result shares: text, citations, engine, warnings; the guard pass every output takes; and the
reader of a task's phrase book."""

from collections.abc import Callable
from functools import cache
from typing import TypeVar

from pydantic import BaseModel, Field, computed_field

from aigc_cs.export import Document, Section
from aigc_cs.guard.check import check_text
from aigc_cs.guard.lexicon import scan
from aigc_cs.kb.models import Citation, Shop
from aigc_cs.llm.engine import Usage
from aigc_cs.paths import corpus_yaml

B = TypeVar("B", bound=BaseModel)


class TaskResult(BaseModel):
    shop: str
    text: str
    citations: list[Citation]
    engine: str = "offline"
    warnings: list[str] = Field(default_factory=list, description="engine fallbacks, policy contradictions, banned words")
    usage: Usage | None = Field(default=None, description="token usage when a model wrote it")

    @computed_field
    @property
    def clean(self) -> bool:
        """An output with any warning is never presented as clean."""
        return not self.warnings

    def title(self) -> str:
        return f"{type(self).__name__.removesuffix('Output')} · {self.shop}"

    def to_document(self) -> Document:
        """The result as a document for .md/.docx/.xlsx; tasks with more structure override this."""
        sections = [Section(heading="正文", paragraphs=self.text.split("\n"))]
        sections.append(Section(heading="出处", paragraphs=[str(c) for c in self.citations] or ["（无）"]))
        sections.append(Section(heading="生成信息", paragraphs=[f"引擎：{self.engine}", *(f"警告：{w}" for w in self.warnings)]))
        return Document(title=self.title(), sections=sections)


def guard_warnings(text: str, shop: Shop) -> list[str]:
    """Policy contradictions and lexicon hits of a generated text, one readable line each."""
    return [v.message for v in check_text(text, shop).violations] + [h.message() for h in scan(text)]


def unique(citations: list[Citation]) -> list[Citation]:
    return list(dict.fromkeys(citations))


def phrase_book(model: type[B], name: str) -> Callable[[], B]:
    """The reader of a task's phrase book, a YAML file of the corpus (``phrasebook/remind.yaml``) checked as `model`;
    it reads the file once, on first use."""
    return cache(lambda: model.model_validate(corpus_yaml(name)))

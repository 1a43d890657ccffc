"""Retrieval quality over the labelled questions in evals/retrieval/*.yaml: recall@k and MRR."""

from pathlib import Path

import yaml
from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.kb.models import SHOP_DOC_TYPES
from aigc_cs.kb.retrieve import Retriever
from aigc_cs.paths import data_dir

CORPUS_PREFIX = "corpus/"
SEARCH_DEPTH = 10


class Relevant(BaseModel):
    source: str  # relative to corpus/
    section: str  # a heading on the chunk's heading path


class Question(BaseModel):
    q: str
    shop: str | None = None
    relevant: list[Relevant]


class RetrievalResult(BaseModel):
    mode: str
    k: int
    questions: int
    recall: float
    mrr: float
    misses: list[str]


def questions_dir() -> Path:
    return data_dir("evals") / "retrieval"


def load_questions(folder: Path | None = None) -> list[Question]:
    folder = folder or questions_dir()
    items: list[Question] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
            items.extend(Question.model_validate(item) for item in data)
        except (yaml.YAMLError, ValueError) as exc:
            raise UserError(f"{path}：标注问题格式有误（{type(exc).__name__}），每条需要 q 和 relevant") from None
    if not items:
        raise UserError(f"{folder}：没有找到标注问题（*.yaml）")
    return items


def _hit(source: str, section: str, label: Relevant) -> bool:
    return source.removeprefix(CORPUS_PREFIX) == label.source and label.section in section.split(" > ")


def evaluate(retriever: Retriever, questions: list[Question], mode: str, k: int = 3) -> RetrievalResult:
    hits, reciprocal, misses = 0, 0.0, []
    for question in questions:
        # A question with a shop is a customer's message: it is answered from that shop's own documents.
        types = SHOP_DOC_TYPES if question.shop else None
        passages = retriever.search(question.q, shop=question.shop, types=types, k=SEARCH_DEPTH,
                                    mode=mode, customer=bool(question.shop))  # type: ignore[arg-type]
        rank = next((i for i, p in enumerate(passages, 1)
                     if any(_hit(p.source, p.section, label) for label in question.relevant)), None)
        if rank is not None and rank <= k:
            hits += 1
        else:
            misses.append(question.q)
        reciprocal += 1.0 / rank if rank else 0.0
    n = len(questions)
    return RetrievalResult(mode=mode, k=k, questions=n, recall=round(hits / n, 4), mrr=round(reciprocal / n, 4),
                           misses=misses)

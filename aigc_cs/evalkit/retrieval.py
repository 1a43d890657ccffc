"""Retrieval quality over labelled questions: recall@k and MRR.

A split (`dev` or `test`) has two kinds of labelled questions: evals/retrieval/<split>/*.yaml (course and shop
questions, each naming the file and heading that answers it) and the in-scope customer messages of
evals/replies/<split>/*.yaml with their `sources`. The test split was written blind and is frozen.
"""

from pathlib import Path

import yaml
from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.kb.models import SHOP_DOC_TYPES
from aigc_cs.kb.retrieve import Retriever
from aigc_cs.paths import data_dir
from aigc_cs.yaml_safe import safe_load

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


def questions_dir(split: str = "dev") -> Path:
    return data_dir("evals") / "retrieval" / split


def _relevant(label: str, shop: str | None) -> Relevant:
    """"policy.md#包邮规则" of a shop, or "course/03-….md#尊重客户", as a file and heading to find."""
    path, _, heading = label.partition("#")
    return Relevant(source=f"shops/{shop}/{path}" if shop else path, section=heading)


def _question(item: dict) -> Question:
    if "q" in item:
        return Question.model_validate(item)
    return Question(q=item["question"], relevant=[_relevant(s, None) for s in item["sources"]])


def load_questions(split: str = "dev", folder: Path | None = None) -> list[Question]:
    folder = folder or questions_dir(split)
    items: list[Question] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = safe_load(path.read_text(encoding="utf-8")) or []
            items.extend(_question(item) for item in data)
        except (yaml.YAMLError, ValueError, KeyError) as exc:
            raise UserError(f"{path}：标注问题格式有误（{type(exc).__name__}），每条需要问题和出处") from None
    if folder == questions_dir(split):
        from aigc_cs.evalkit.replies import load_messages

        items.extend(Question(q=m.message, shop=m.shop, relevant=[_relevant(s, m.shop) for s in m.sources])
                     for m in load_messages(split) if m.label == "in_scope" and m.sources)
    if not items:
        raise UserError(f"{folder}：没有找到标注问题（*.yaml）")
    return items


def _hit(source: str, section: str, label: Relevant) -> bool:
    """The passage comes from the labelled file and, where the label names a heading, from that section."""
    return source.removeprefix(CORPUS_PREFIX) == label.source and (
        not label.section or label.section in section.split(" > "))


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

"""One semantic matcher: labelled example sentences → vectors from the bundled model, cached on disk →
how close a text is to each label.

Intents, answerability and the product names all use it, so there is one place to tune. Texts are embedded
with e5's "query: " prefix on both sides (a customer's message is compared with other messages). Thresholds
are fitted on dev splits and stored beside the data they judge, never here.
"""

import hashlib
import json
import os
from functools import cache
from pathlib import Path

import numpy as np

from aigc_cs.kb.e5 import encoder
from aigc_cs.kb.vector_cache import vectors

TOP = 2  # a label's score: the mean cosine of its TOP nearest examples


def embed(texts: list[str]) -> np.ndarray | None:
    """Unit vectors (one row per text), or None when the embedding model is switched off or missing. The same
    message is embedded once (intents, answerability, dense search, … share it: see `vector_cache`)."""
    model = encoder()
    if model is None:
        return None
    return vectors("query", texts, model.query) if texts else np.empty((0, 384), dtype=np.float32)


def cache_dir() -> Path:
    from aigc_cs.config import Settings

    return Settings().cache / "semantic"


class Matcher:
    """Scores texts against labelled examples. Vectors are computed once per set of examples and model,
    kept in ``<cache>/semantic/<name>-<digest>.npy`` (content-addressed, shared by every index and process)."""

    def __init__(self, name: str, examples: dict[str, list[str]], top: int = TOP) -> None:
        self.name = name
        self.top = top
        self.labels = list(examples)
        self._owner = np.array([i for i, label in enumerate(self.labels) for _ in examples[label]])
        self._texts = [text for label in self.labels for text in examples[label]]
        from aigc_cs.kb.index import MODEL_NAME

        self.digest = hashlib.sha1(json.dumps([MODEL_NAME, self.labels, self._texts], ensure_ascii=False)
                                   .encode()).hexdigest()[:16]
        self._vectors: np.ndarray | None = None

    @property
    def path(self) -> Path:
        return cache_dir() / f"{self.name}-{self.digest}.npy"

    def vectors(self) -> np.ndarray | None:
        if self._vectors is None:
            self._vectors = self._load()
        return self._vectors

    def _load(self) -> np.ndarray | None:
        path = self.path
        if path.exists():
            try:
                vectors = np.load(path)
                if vectors.shape[0] == len(self._texts):
                    return vectors
            except (OSError, ValueError):
                pass  # a damaged cache is rebuilt below
        model = encoder()
        if model is None:
            return None
        vectors = np.asarray(model.query(self._texts), dtype=np.float32).reshape(len(self._texts), -1)
        if vectors is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.{os.getpid()}.npy")
                np.save(tmp, vectors)
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only home still works, only slower
        return vectors

    def scores(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray | None:
        """(len(texts), len(labels)): each label's mean cosine over its `top` nearest examples."""
        examples = self.vectors()
        if examples is None or not texts:
            return None
        queries = embed(texts) if vectors is None else vectors
        if queries is None:
            return None
        sims = queries @ examples.T
        out = np.empty((len(texts), len(self.labels)), dtype=np.float32)
        for j in range(len(self.labels)):
            block = sims[:, self._owner == j]
            k = min(self.top, block.shape[1])
            out[:, j] = np.sort(block, axis=1)[:, -k:].mean(axis=1) if k else -1.0
        return out


@cache
def matcher(name: str, examples_json: str, top: int = TOP) -> Matcher:
    """One matcher per process for each set of examples (passed as JSON so that it can be cached)."""
    return Matcher(name, json.loads(examples_json), top)

"""A linear intent classifier over three kinds of features of a message: its e5 vector (meaning), its
character 1–3-grams weighted by tf-idf (spelling, typos, dialect) and the trigger words it contains.

Trained with scikit-learn's logistic regression on the example messages of corpus/phrasebook/intents.yaml
(once per change of the examples, at ingest or on first use) and stored as plain arrays in the cache, so that
answering a message needs only numpy: a reply does not pay for importing scikit-learn.
"""

import hashlib
import json
import math
import os
from collections import Counter
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from aigc_cs.text import normalize

DIM = 384  # multilingual-e5-small


class Params(BaseModel):
    """Feature weights and regularisation (fitted on the dev split, stored in intent-thresholds.yaml)."""

    embedding_weight: float = 3.0
    keyword_weight: float = 0.5
    c: float = 20.0


def ngrams(text: str, sizes: tuple[int, ...] = (1, 2, 3)) -> list[str]:
    """Character n-grams (1, 2 and 3 by default) of the normalised, lower-cased text, spaces squeezed."""
    text = " ".join(normalize(text).lower().split())
    return [text[i: i + n] for n in sizes for i in range(len(text) - n + 1) if text[i: i + n].strip()]


def tfidf(grams: list[str], vocab: dict[str, int], idf: np.ndarray) -> dict[int, float]:
    """One text's sublinear tf-idf weights by vocabulary column, L2-normalised (as scikit-learn's vectoriser)."""
    weights = {}
    for gram, count in Counter(grams).items():
        col = vocab.get(gram)
        if col is not None:
            weights[col] = (1.0 + math.log(count)) * float(idf[col])
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {col: w / norm for col, w in weights.items()} if norm else weights


class Model:
    def __init__(self, classes: list[str], vocab: dict[str, int], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, keywords: list[str], params: Params) -> None:
        self.classes, self.vocab, self.idf = classes, vocab, idf
        self.coef, self.intercept, self.keywords, self.params = coef, intercept, keywords, params

    def _tfidf(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.vocab)), dtype=np.float32)
        for row, text in enumerate(texts):
            for col, weight in tfidf(ngrams(text), self.vocab, self.idf).items():
                out[row, col] = weight
        return out

    def features(self, texts: list[str], vectors: np.ndarray | None, hits: list[set[str]]) -> np.ndarray:
        dense = vectors if vectors is not None else np.zeros((len(texts), DIM), dtype=np.float32)
        kw = np.array([[1.0 if k in h else 0.0 for k in self.keywords] for h in hits], dtype=np.float32)
        return np.hstack([dense * self.params.embedding_weight, self._tfidf(texts),
                          kw.reshape(len(texts), len(self.keywords)) * self.params.keyword_weight])

    def probabilities(self, texts: list[str], vectors: np.ndarray | None, hits: list[set[str]]) -> np.ndarray:
        logits = self.features(texts, vectors, hits) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.npz")
        np.savez(tmp, idf=self.idf, coef=self.coef, intercept=self.intercept,
                 meta=np.array(json.dumps({"classes": self.classes, "vocab": self.vocab, "keywords": self.keywords,
                                           "params": self.params.model_dump()}, ensure_ascii=False)))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "Model":
        with np.load(path) as data:
            meta = json.loads(str(data["meta"]))
            return cls(meta["classes"], meta["vocab"], data["idf"], data["coef"], data["intercept"],
                       meta["keywords"], Params.model_validate(meta["params"]))


def train(examples: dict[str, list[str]], vectors: np.ndarray | None, hits: list[set[str]], keywords: list[str],
          params: Params) -> Model:
    """Fit the classifier on labelled examples (rows of `vectors` and `hits` in the order of the examples)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [t for label in examples for t in examples[label]]
    labels = [label for label in examples for _ in examples[label]]
    tfidf = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True).fit(texts)
    vocab = {gram: int(i) for gram, i in tfidf.vocabulary_.items()}
    model = Model(sorted(set(labels)), vocab, tfidf.idf_.astype(np.float32), np.zeros(0), np.zeros(0), keywords, params)
    features = model.features(texts, vectors, hits)
    fitted = LogisticRegression(C=params.c, max_iter=3000).fit(features, labels)
    model.classes = [str(c) for c in fitted.classes_]
    model.coef, model.intercept = fitted.coef_.astype(np.float32), fitted.intercept_.astype(np.float32)
    return model


def _code_version() -> str:
    """The feature code a model was trained with: this module, the text normaliser and the keyword matcher
    (a change to any of them changes the features, so a model cached before it must not be reused)."""
    from importlib.metadata import version

    from aigc_cs import text
    from aigc_cs.kb import intents

    sources = b"".join(Path(module.__file__).read_bytes() for module in (text, intents) if module.__file__)
    return hashlib.sha1(Path(__file__).read_bytes() + sources + version("scikit-learn").encode()).hexdigest()


def digest(examples: dict[str, list[str]], keywords: dict[str, list[str]], params: Params, embedded: bool) -> str:
    from aigc_cs.kb.index import MODEL_NAME

    blob = json.dumps([MODEL_NAME if embedded else "none", _code_version(), examples, keywords, params.model_dump()],
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:16]

"""Reading the BM25 index that kb/lexical_build.py wrote in bm25s's format: its saved score matrix (CSC: for each word,
the chunks that hold it and their BM25 scores) summed with numpy over the query's words, exactly as bm25s's
`get_scores` does. A search thus never imports bm25s, whose import of scipy cost 0.5–0.9 s of every CLI call.
"""

import json
from pathlib import Path

import numpy as np

from aigc_cs.text import TOKENIZER_VERSION

FOLDER = "bm25"
IDS = "ids.json"


class Saved:
    """A BM25 index as bm25s saved it (``data``/``indices``/``indptr`` arrays, the vocabulary, the parameters)."""

    def __init__(self, folder: Path) -> None:
        self.data = np.load(folder / "data.csc.index.npy")
        self.indices = np.load(folder / "indices.csc.index.npy")
        self.indptr = np.load(folder / "indptr.csc.index.npy")
        self.vocab: dict[str, int] = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        self.num_docs, self.dtype = int(params["num_docs"]), np.dtype(params["dtype"])

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """Each chunk's BM25 score for the query `tokens` (a word given twice counts twice; unknown words add 0)."""
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for word in tokens:
            term = self.vocab.get(word)
            if term is not None:
                start, end = self.indptr[term], self.indptr[term + 1]
                scores[self.indices[start:end]] += self.data[start:end]  # a chunk appears once per word
        return scores


def ids(home: Path) -> list[str] | None:
    """The chunk ids in BM25 index order, or None when there is no index built with today's tokenizer."""
    try:
        data = json.loads((home / FOLDER / IDS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data["ids"] if isinstance(data, dict) and data.get("tokenizer") == TOKENIZER_VERSION else None


def load(home: Path) -> tuple[Saved | None, list[str]]:
    """(the index, chunk ids in its order), or (None, []) before the first ingest."""
    order = ids(home)
    if order is None:
        return None, []
    return Saved(home / FOLDER), order


"""Building the BM25 index (bm25s over jieba tokens) incrementally; kb/lexical.py reads it.

Each chunk's tokens are kept beside the index (``bm25/tokens.npz``: the vocabulary, and every chunk's token ids in
one array), so an ingest tokenises only the chunks that are new; jieba over 10,000 chunks took 6 s of a 9 s one-file
re-ingest. The scores are rebuilt from all tokens (document frequencies and lengths change with any chunk) by
`Scorer`, bm25s's own BM25 whose documented `build_index_from_ids` hook is computed with numpy arrays instead of a
Counter per document: the same formulas (bm25s's own idf and tf functions) and the same matrix, several times faster.
"""

import json
import shutil
import tempfile
from pathlib import Path

import bm25s
import numpy as np
from bm25s.scoring import _select_idf_scorer, _select_tfc_scorer

from aigc_cs.kb.lexical import FOLDER, IDS
from aigc_cs.kb.models import Chunk
from aigc_cs.text import TOKENIZER_VERSION, search_tokens

TOKENS = "tokens.npz"
EMPTY = "∅"  # the token of a chunk that has none, so that every chunk has a row


class Scorer(bm25s.BM25):
    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
        """bm25s's score matrix for `corpus_token_ids` (a list of token-id arrays), computed on whole arrays: the
        (word, chunk) pairs are counted in one sort, which also puts them in the matrix's order (by word, then chunk)."""
        if self.method in self.methods_requiring_nonoccurrence:  # BM25L/BM25+ (not used here): bm25s's own loop
            return super().build_index_from_ids(unique_token_ids, corpus_token_ids, show_progress, leave_progress)
        self.nonoccurrence_array = None
        n_docs, n_vocab = len(corpus_token_ids), len(unique_token_ids)
        lengths = np.fromiter(map(len, corpus_token_ids), dtype=np.int64, count=n_docs)
        flat = np.concatenate(corpus_token_ids).astype(np.int64) if n_docs else np.empty(0, dtype=np.int64)
        pairs, counts = np.unique(flat * n_docs + np.repeat(np.arange(n_docs), lengths), return_counts=True)
        terms, docs = np.divmod(pairs, n_docs)
        frequencies = np.bincount(terms, minlength=n_vocab)
        idf_of = _select_idf_scorer(self.idf_method)
        idf = np.array([idf_of(df, N=n_docs) if df else 0.0 for df in frequencies.tolist()], dtype=self.dtype)
        tfc = _select_tfc_scorer(self.method)(tf_array=counts.astype(self.dtype), l_d=lengths[docs],
                                              l_avg=lengths.mean(), k1=self.k1, b=self.b, delta=self.delta)
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(frequencies, out=indptr[1:])
        return {"data": (idf[terms] * tfc).astype(self.dtype), "indices": docs.astype(self.int_dtype), "indptr": indptr,
                "num_docs": n_docs}


class Tokens:
    """Every chunk's token ids over one vocabulary, as kept in ``bm25/tokens.npz``: one array of token ids, and where
    each chunk's run of them starts."""

    def __init__(self, vocab: list[str], ids: list[str], flat: np.ndarray, offsets: np.ndarray) -> None:
        self.vocab, self.ids, self.flat, self.offsets = vocab, ids, flat, offsets

    @classmethod
    def none(cls) -> "Tokens":
        return cls([], [], np.empty(0, dtype=np.int32), np.zeros(1, dtype=np.int64))

    @classmethod
    def load(cls, folder: Path) -> "Tokens":
        """The kept tokens, or none when there are none of today's tokenizer (or they cannot be read)."""
        try:
            with np.load(folder / TOKENS) as data:
                if str(data["tokenizer"]) != TOKENIZER_VERSION:
                    return cls.none()
                return cls(data["vocab"].tolist(), data["ids"].tolist(), data["tokens"], data["offsets"])
        except (OSError, ValueError, KeyError):
            return cls.none()

    def parts(self) -> list[np.ndarray]:
        """Each chunk's token ids, in chunk order."""
        return np.split(self.flat, self.offsets[1:-1]) if self.ids else []

    def of(self, chunks: list[Chunk]) -> tuple["Tokens", int]:
        """The tokens of `chunks` in their order (kept ones reused, the others tokenised now), over a vocabulary
        of only the words they use; and how many chunks were tokenised."""
        kept = dict(zip(self.ids, self.parts(), strict=True))
        vocab = {word: i for i, word in enumerate(self.vocab)}
        parts, tokenised = [], 0
        for chunk in chunks:
            part = kept.get(chunk.id)
            if part is None:
                words = search_tokens(chunk.text) or [EMPTY]
                part = np.array([vocab.setdefault(w, len(vocab)) for w in words], dtype=np.int32)
                tokenised += 1
            parts.append(part)
        flat = np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
        used = np.zeros(len(vocab), dtype=bool)
        used[flat] = True  # words only removed chunks had leave the vocabulary
        renumber = (np.cumsum(used) - 1).astype(np.int32)
        words = list(vocab)
        offsets = np.cumsum([0, *map(len, parts)], dtype=np.int64)
        return Tokens([words[i] for i in np.flatnonzero(used).tolist()], [c.id for c in chunks], renumber[flat],
                      offsets), tokenised

    def save(self, folder: Path) -> None:
        np.savez(folder / TOKENS, tokenizer=np.array(TOKENIZER_VERSION), vocab=np.array(self.vocab, dtype=str),
                 ids=np.array(self.ids, dtype=str), offsets=self.offsets, tokens=self.flat)


def save(home: Path, chunks: list[Chunk]) -> int:
    """Rebuild ``home/bm25`` for `chunks` and swap it in (readers see the old index or the new one, never a mix);
    how many chunks had to be tokenised."""
    target = home / FOLDER
    for stale in home.glob(".bm25.*"):  # left by a killed ingest (the caller holds the index lock)
        shutil.rmtree(stale, ignore_errors=True)
    tokens, tokenised = Tokens.load(target).of(chunks)
    scorer = Scorer()
    scorer.index((tokens.parts(), {word: i for i, word in enumerate(tokens.vocab)}), show_progress=False)
    tmp = Path(tempfile.mkdtemp(dir=home, prefix=".bm25."))
    try:
        scorer.save(str(tmp))
        tokens.save(tmp)
        (tmp / IDS).write_text(json.dumps({"tokenizer": TOKENIZER_VERSION, "ids": tokens.ids}), encoding="utf-8")
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=home, prefix=".bm25.old."))
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old)
        else:
            tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tokenised

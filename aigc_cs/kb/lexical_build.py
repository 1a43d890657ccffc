"""Building the BM25 index incrementally, in bm25s's file format; kb/lexical.py reads it.

Each chunk's tokens are kept beside the index (``bm25/tokens.npz``: the vocabulary, and every chunk's token ids in
one array), so an ingest tokenises only the chunks that are new; jieba over 10,000 chunks took 6 s of a 9 s one-file
re-ingest. The scores are rebuilt from all tokens (document frequencies and lengths change with any chunk) with numpy
on whole arrays: bm25s's default BM25 (its "lucene" idf and term-frequency formulas, k1 = 1.5, b = 0.75), written as
bm25s saves an index (the CSC score matrix, the vocabulary, the parameters), score for score what bm25s builds
(tests/test_kb_scale.py compares). Building without importing bm25s spares an ingest its import of scipy (0.2 s).
"""

import json
import math
import shutil
import tempfile
from pathlib import Path

import numpy as np

from aigc_cs.kb.lexical import FOLDER, IDS
from aigc_cs.kb.models import Chunk
from aigc_cs.text import TOKENIZER_VERSION, search_tokens

TOKENS = "tokens.npz"
EMPTY = "∅"  # the token of a chunk that has none, so that every chunk has a row
K1, B, DELTA = 1.5, 0.75, 0.5  # bm25s.BM25's defaults (delta is unused by the lucene method; saved as bm25s does)
BM25S_FORMAT = "0.3.16"  # the bm25s version whose file layout `write_scores` follows (params.index.json "version")


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

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def of(self, chunks: list[Chunk]) -> tuple["Tokens", int]:
        """The tokens of `chunks` in their order (kept ones reused, the others tokenised now), over a vocabulary
        of only the words they use; and how many chunks were tokenised."""
        kept = {cid: row for row, cid in enumerate(self.ids)}
        vocab = {word: i for i, word in enumerate(self.vocab)}
        rows = np.array([kept.get(c.id, -1) for c in chunks], dtype=np.int64)
        fresh = {n: np.array([vocab.setdefault(w, len(vocab)) for w in search_tokens(c.text) or [EMPTY]],
                             dtype=np.int32) for n, c in enumerate(chunks) if rows[n] < 0}
        old_lengths = self.lengths
        lengths = np.where(rows >= 0, old_lengths[np.maximum(rows, 0)] if len(old_lengths) else 0, 0)
        for n, part in fresh.items():
            lengths[n] = len(part)
        offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = np.empty(int(offsets[-1]), dtype=np.int32)
        reused = rows >= 0  # copy every kept chunk's run at once: position in `flat` -> position in the old array
        starts = np.repeat(self.offsets[rows[reused]] - offsets[:-1][reused], lengths[reused])
        at = np.repeat(reused, lengths)
        flat[at] = self.flat[starts + np.flatnonzero(at)]
        for n, part in fresh.items():
            flat[offsets[n]: offsets[n + 1]] = part
        used = np.zeros(len(vocab), dtype=bool)
        used[flat] = True  # words only removed chunks had leave the vocabulary
        renumber = (np.cumsum(used) - 1).astype(np.int32)
        words = list(vocab)
        return Tokens([words[i] for i in np.flatnonzero(used).tolist()], [c.id for c in chunks], renumber[flat],
                      offsets), len(fresh)

    def save(self, folder: Path) -> None:
        np.savez(folder / TOKENS, tokenizer=np.array(TOKENIZER_VERSION), vocab=np.array(self.vocab, dtype=str),
                 ids=np.array(self.ids, dtype=str), offsets=self.offsets, tokens=self.flat)


def scores(tokens: Tokens) -> dict[str, np.ndarray]:
    """bm25s's score matrix (CSC: for each word, the chunks that hold it, in order, and their scores), computed on
    whole arrays: the (word, chunk) pairs are counted in one sort, which also puts them in the matrix's order."""
    n_docs, n_vocab = len(tokens.ids), len(tokens.vocab)
    lengths = tokens.lengths
    key = np.int32 if n_docs * n_vocab < 2**31 else np.int64  # sorting 32-bit keys takes half the time
    flat = tokens.flat.astype(key)
    pairs, counts = np.unique(flat * n_docs + np.repeat(np.arange(n_docs, dtype=key), lengths), return_counts=True)
    terms, docs = np.divmod(pairs, n_docs)
    frequencies = np.bincount(terms, minlength=n_vocab)
    idf = np.array([math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) if df else 0.0 for df in frequencies.tolist()],
                   dtype=np.float32)
    tf = counts.astype(np.float32)
    tfc = tf / (K1 * ((1 - B) + B * lengths[docs] / lengths.mean()) + tf)
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(frequencies, out=indptr[1:])
    return {"data": (idf[terms] * tfc).astype(np.float32), "indices": docs.astype(np.int32), "indptr": indptr}


def write_scores(folder: Path, tokens: Tokens) -> None:
    """The index files bm25s's `BM25.save` writes (and `BM25.load` reads): the matrix, the vocabulary, the
    parameters."""
    for name, array in scores(tokens).items():
        np.save(folder / f"{name}.csc.index.npy", array)
    vocab = {word: i for i, word in enumerate(tokens.vocab)}
    vocab.setdefault("", len(vocab))  # bm25s's "empty token", outside the matrix (our tokens are never empty)
    (folder / "vocab.index.json").write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    params = {"k1": K1, "b": B, "delta": DELTA, "method": "lucene", "idf_method": "lucene", "dtype": "float32",
              "int_dtype": "int32", "num_docs": len(tokens.ids), "version": BM25S_FORMAT, "backend": "numpy"}
    (folder / "params.index.json").write_text(json.dumps(params, indent=4), encoding="utf-8")


def save(home: Path, chunks: list[Chunk]) -> int:
    """Rebuild ``home/bm25`` for `chunks` and swap it in (readers see the old index or the new one, never a mix);
    how many chunks had to be tokenised."""
    target = home / FOLDER
    for stale in home.glob(".bm25.*"):  # left by a killed ingest (the caller holds the index lock)
        shutil.rmtree(stale, ignore_errors=True)
    tokens, tokenised = Tokens.load(target).of(chunks)
    tmp = Path(tempfile.mkdtemp(dir=home, prefix=".bm25."))
    try:
        write_scores(tmp, tokens)
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

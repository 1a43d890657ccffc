"""The caches that make start-up, search and grading fast must not change a single result."""

from pathlib import Path

import numpy as np

from aigc_cs.config import Settings
from aigc_cs.kb.index import Index
from aigc_cs.kb.models import COMMON_SHOP, SHOP_DOC_TYPES, Chunk
from aigc_cs.kb.retrieve import Retriever
from aigc_cs.paths import corpus_dir
from aigc_cs.tasks.context import Context
from aigc_cs.text import search_tokens


def test_jieba_bucket_dictionary_cuts_exactly_like_the_full_one(tmp_path):
    from aigc_cs.jieba_cache import BucketTokenizer, build, jieba

    full = jieba.Tokenizer()
    build(tmp_path / "jieba.dict")
    lazy = BucketTokenizer(tmp_path / "jieba.dict")
    text = (corpus_dir() / "course" / "02-客服必备知识.md").read_text(encoding="utf-8")
    for tokenizer in (full, lazy):
        tokenizer.add_word("运费险")
    assert lazy.lcut(text) == full.lcut(text)
    assert lazy.lcut_for_search(text) == full.lcut_for_search(text)
    assert list(lazy.tokenize(text, mode="search")) == list(full.tokenize(text, mode="search"))
    assert lazy.get_FREQ("客服") == full.FREQ["客服"] and lazy.total == full.total
    assert {word: freq for word, freq in full.FREQ.items() if word[0] in lazy._loaded} == lazy.FREQ


def test_lexical_top_k_is_the_head_of_the_full_ranking(demo_home):
    retriever = Retriever(Index(demo_home, "none"), "bm25")

    def full_ranking(query: str, shop: str | None, types: list[str] | None) -> list[tuple[str, float]]:
        scores = retriever._bm25.get_scores(search_tokens(query) or [query])
        ranked = sorted(((cid, float(s)) for cid, s in zip(retriever._bm25_ids, scores, strict=True) if s > 0),
                        key=lambda item: -item[1])
        return [(cid, s) for cid, s in ranked if (shop is None or retriever.chunks[cid].shop in (shop, COMMON_SHOP))
                and (types is None or retriever.chunks[cid].doc_type in types)]

    for query in ("衣服不合适可以退吗", "包邮", "的", "退货运费谁出 发票", "敏感肌能用吗"):
        for shop, types in ((None, None), ("demo-fashion", SHOP_DOC_TYPES), ("demo-beauty", ["policy"]),
                            (None, ["course", "phrasebook"])):
            ranking = full_ranking(query, shop, types)
            for k in (1, 3, 20):
                assert retriever._lexical(query, shop, types, k) == ranking[:k]


def test_vectors_are_embedded_once_and_read_back_bit_for_bit(tmp_path, monkeypatch):
    from aigc_cs.kb import vector_cache

    monkeypatch.setenv("AIGC_CS_CACHE", str(tmp_path))
    monkeypatch.setattr(vector_cache, "_MEMORY", {})
    vector_cache._folder.cache_clear()
    asked: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        asked.append(texts)
        return np.array([[len(t), 1.0 / 3.0, -2.5] for t in texts], dtype=np.float32)

    first = vector_cache.vectors("query", ["包邮吗", "在吗", "包邮吗"], embed)
    vector_cache._MEMORY.clear()
    again = vector_cache.vectors("query", ["在吗", "包邮吗"], embed)
    passages = vector_cache.vectors("passage", ["在吗"], embed)
    vector_cache._folder.cache_clear()
    assert asked == [["包邮吗", "在吗"], ["在吗"]]  # a passage is not a query: e5 prefixes them differently
    assert np.array_equal(first, embed(["包邮吗", "在吗", "包邮吗"])) and np.array_equal(again, first[[1, 0]])
    assert np.array_equal(passages, first[[1]])


def test_the_chunk_file_is_parsed_once_until_it_is_replaced(tmp_path, monkeypatch):
    index = Index(tmp_path)
    chunk = Chunk(id="a", text="七天无理由", shop=COMMON_SHOP, doc_type="course", source="x.md", section="s", origin="/x")
    index.save_chunks([chunk])
    assert index.chunks() == [chunk]
    monkeypatch.setattr(Chunk, "model_validate", None)  # parsing again would fail
    assert index.chunks() == [chunk]
    monkeypatch.undo()
    index.save_chunks([chunk, chunk.model_copy(update={"id": "b"})])
    assert [c.id for c in index.chunks()] == ["a", "b"]


def test_a_class_on_one_scenario_gets_one_reference_answer(demo_home: Path, monkeypatch):
    from aigc_cs.grading import grade

    written: list[str] = []
    reference = grade._reference
    monkeypatch.setattr(grade, "_reference", lambda *args: written.append(args[2]) or reference(*args))
    ctx = Context(Settings(home=demo_home))
    results = [grade.grade(answer, "presale-reply", "demo-fashion", ctx, scenario="衣服不合适可以退吗")
               for answer in ("在的。可以退。", "亲，支持7天无理由退换哦", "在的。可以退。")]
    assert written == ["衣服不合适可以退吗"]
    assert results[0].improved == results[2].improved and results[0].improved


def test_the_vector_cache_keeps_the_most_recently_used_files(tmp_path):
    import os

    from aigc_cs.kb.vector_cache import prune

    for n in range(20):
        path = tmp_path / f"{n:02d}"[:1] / f"{n:02d}.f32"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"\0" * 8)
        os.utime(path, (1000 + n, 1000 + n))  # file n was used at time 1000 + n
    assert prune(tmp_path, 30) == 0
    assert prune(tmp_path, 10) == 11  # down to 90 % of the bound: the 9 most recently used stay
    kept = sorted(p.name for p in tmp_path.rglob("*.f32"))
    assert kept == [f"{n:02d}.f32" for n in range(11, 20)]


def test_the_numeral_table_reads_every_numeral_as_cn2an_does():
    import cn2an

    from aigc_cs.text import _numerals

    table = _numerals()
    assert len(table) > 4000 and table["四十八"] == 48 and table["十五"] == 15
    for token, value in table.items():
        try:
            expected = float(cn2an.cn2an(token, "smart"))
        except (ValueError, KeyError, IndexError):
            expected = None
        assert value == expected, token


def test_document_word_counts_from_the_disk_cache_equal_a_fresh_count(tmp_path, monkeypatch):
    from collections import Counter

    from aigc_cs.guard import typos
    from aigc_cs.text import normalize, word_spans

    monkeypatch.setenv("AIGC_CS_CACHE", str(tmp_path))
    typos._document_words.cache_clear()
    try:
        stored = typos._document_words()  # counted now and written to the empty cache
        assert list((tmp_path / "typos").glob("words-*.json"))
        typos._document_words.cache_clear()
        assert typos._document_words() == stored  # read back from the file
    finally:
        typos._document_words.cache_clear()
    fresh: Counter[str] = Counter()
    for pattern in typos.settings().sources:
        for path in sorted(corpus_dir().glob(pattern)):
            text = normalize(path.read_text(encoding="utf-8"))
            fresh.update(w for b, e in word_spans(text) if typos._CJK_RUN.fullmatch(w := text[b:e]))
    assert stored.counts == dict(fresh)

"""Retrieval at school scale (issue 14): dense search on the in-process matrix keeps to the shop and types asked for,
a search opens neither Chroma, LangChain nor bm25s's scipy, and the incremental BM25 index scores exactly as bm25s."""

import json
import subprocess
import sys

import bm25s
import numpy as np
import pytest

from aigc_cs.kb import lexical, lexical_build
from aigc_cs.kb.dense import Matrix
from aigc_cs.kb.models import Chunk
from aigc_cs.text import search_tokens
from tests.conftest import ROOT

QUERIES = ["衣服不合适可以退吗", "退款多久到账", "怎么回复在吗", "面霜适合敏感肌吗", "包邮吗"]


def test_dense_search_keeps_to_the_shop_and_types(cli):
    env = {"AIGC_CS_RETRIEVAL": "dense"}
    hits = json.loads(cli("search", "退货运费", "--shop", "demo-beauty", "--type", "policy", "-k", "5", "--json",
                          env=env).stdout)
    assert len(hits) == 5 and all(h["shop"] == "demo-beauty" and h["doc_type"] == "policy" for h in hits)
    hits = json.loads(cli("search", "衣服小了能换吗", "--shop", "demo-fashion", "-k", "20", "--json", env=env).stdout)
    assert {h["shop"] for h in hits} == {"demo-fashion", "*"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_a_search_opens_neither_chroma_nor_langchain(demo_home):
    code = ("import sys; from cli import main; sys.argv = ['aigc-cs', 'search', '衣服不合适可以退吗', '--shop', "
            "'demo-fashion', '--json']\ntry:\n    main()\nfinally:\n    print([m for m in ('chromadb', 'langchain_core', "
            "'scipy') if m in sys.modules], file=sys.stderr)")
    import os

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "AIGC_CS_HOME": str(demo_home)})
    assert out.returncode == 0 and json.loads(out.stdout), out.stderr
    assert out.stderr.strip().splitlines()[-1] == "[]"


def test_the_matrix_finds_what_a_full_scan_of_the_allowed_rows_finds():
    rng = np.random.default_rng(14)
    shops, kinds = ["a", "b", "*"], ["policy", "product", "course"]
    chunks = [Chunk(id=f"c{i:04d}", text="", shop=shops[i % 3], doc_type=kinds[(i // 3) % 3], source="s", section="",
                    origin="o") for i in range(600)]
    vectors = rng.normal(size=(600, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    matrix = Matrix.build("m", chunks, dict(zip([c.id for c in chunks], vectors, strict=True)))
    query = vectors[7] + 0.1
    for shop, types in [("a", None), ("b", ("policy", "product")), (None, ("course",)), (None, None)]:
        allowed = [i for i, c in enumerate(chunks)
                   if (shop is None or c.shop in (shop, "*")) and (types is None or c.doc_type in types)]
        scores = vectors[allowed] @ query
        expected = [chunks[allowed[j]].id for j in np.argsort(-scores)[:10]]
        assert [cid for cid, _ in matrix.search(query, matrix.slices(shop, types), 10)] == expected


@pytest.fixture(scope="module")
def demo_chunks(demo_home) -> list[Chunk]:
    return [Chunk.model_validate(c) for c in json.loads((demo_home / "chunks.json").read_text(encoding="utf-8"))]


def test_the_incremental_bm25_index_scores_exactly_as_bm25s(demo_chunks, tmp_path):
    """Tokens kept from an earlier build and tokens of new chunks, renumbered, saved and read back with numpy, give
    bm25s's own scores of a fresh index."""
    earlier, now = demo_chunks[:100], demo_chunks[40:]
    assert lexical_build.save(tmp_path, earlier) == 100
    assert lexical_build.save(tmp_path, now) == len(now) - 60  # only the chunks the earlier build did not have
    ours, order = lexical.load(tmp_path)
    assert order == [c.id for c in now]
    theirs = bm25s.BM25()
    theirs.index([search_tokens(c.text) or ["∅"] for c in now], show_progress=False)
    for query in QUERIES:
        assert np.array_equal(ours.get_scores(search_tokens(query)), theirs.get_scores(search_tokens(query)))

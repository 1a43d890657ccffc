"""LLM engine budgets (issues 3 and 14), against the loopback OpenAI-protocol server answering after 300 ms per call.

50 generations through `aigc_cs.llm.engine.generate("reply", …)` (the real reply prompts, the real ChatOpenAI client,
JSON mode, pydantic validation, the disk cache) with concurrency 8 must finish in under 4 s; the same 50 again with a
warm cache in under 0.5 s (no HTTP call). A batch counts only when all its calls went out on at most 8 HTTP
connections (kept alive from one call to the next). Issue 14: batches of 50 and of 200 must run at ≥ 90 % of
concurrency ÷ latency (8 ÷ 0.3 s = 26.7 calls/s). Like a real batch, each readies the client first
(`aigc_cs.llm.engine.prepare`: imports, chat model, compiled prompts; timed on its own); with 50 items no pool can do
better than 89 % (7 rounds of 300 ms for 6.25 rounds' worth of calls), so its figure is also given against that bound. Then the faq task itself:
50 FAQ items (four products of demo-fashion, 12–13 items each, `--concurrency 8`) through `aigc_cs.tasks.faq.run`,
cold under 4 s and warm under 0.5 s. Last, the same pool in `grade-batch --scorer judge --concurrency 8` (a whole
process, as a teacher runs it): classes of 50 and of 200 answers, one judge call each, timed at the server from the
first call's arrival to the last call's answer (the process's start-up and report left out), against the same budget.
Run: `python benchmarks/bench_llm.py` (or `make bench`).
Prints a table and exits 1 when a budget is missed (see measure.py).
"""

import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from bench_grading import ANSWERS
from measure import ROOT, Result, report, run_cli

sys.path.insert(0, str(ROOT))  # for tests.fixtures

from aigc_cs.kb.models import Passage
from aigc_cs.kb.shops import read_shop
from aigc_cs.llm.batch import map_concurrent
from aigc_cs.llm.engine import EngineConfig, Generation, generate, prepare
from aigc_cs.paths import corpus_dir
from aigc_cs.tasks.reply import ReplyDraft
from tests.fixtures.openai_server import OpenAIServer, Reply

ITEMS, LARGE, CONCURRENCY, LATENCY = 50, 200, 8, 0.3
QUESTIONS = ["这件{}是什么材质的", "{}怎么洗不容易变形", "{}尺码偏大还是偏小", "{}适合什么场合穿", "{}可以搭配什么"]


def jobs(items: int, first: int = 0) -> list[dict]:
    """`items` reply jobs for customers number `first` + 1 onwards (no two alike: each is one HTTP call)."""
    shop, _ = read_shop(corpus_dir() / "shops" / "demo-fashion", corpus_dir().parent, 2**20)
    out = []
    for i in range(first, first + items):
        product = shop.products[i % len(shop.products)]
        passages = [Passage(text=f"【{product.name} > {s.title}】\n{s.text}", shop=shop.info.id, doc_type="product",
                            source=product.source, section=f"{product.name} > {s.title}", score=1.0, chunk_id=f"c{k}")
                    for k, s in enumerate(product.sections.values())]
        message = QUESTIONS[i % len(QUESTIONS)].format(product.name) + f"（第{i + 1}位顾客）"
        out.append({"message": message, "shop": shop, "product": product, "passages": passages})
    return out


def _answer(request) -> Reply:
    customer = request.last_user.split("<<<")[-1].split(">>>")[0]
    text = f"您好，关于“{customer}”：这款的详细说明请看商品页，我也可以为您一一解答。感谢您的咨询！"
    return Reply(json.dumps({"text": text}, ensure_ascii=False), delay=LATENCY)


def _timed_batch(config: EngineConfig, batch: list[dict]) -> tuple[float, list[Generation]]:
    def one(variables: dict) -> Generation:
        return generate("reply", variables, ReplyDraft, lambda: ReplyDraft(text="离线"), config)

    start = time.perf_counter()
    generations = map_concurrent(one, batch, CONCURRENCY)
    return time.perf_counter() - start, generations


def _efficiency(items: int, seconds: float, ok: bool, what: str = "generations") -> list[Result]:
    """Throughput as a share of concurrency ÷ latency, and of the best a pool can do (whole rounds of calls)."""
    ideal = items / CONCURRENCY * LATENCY
    rounds = math.ceil(items / CONCURRENCY) * LATENCY
    name = f"{items} {what}, concurrency {CONCURRENCY}, {LATENCY * 1000:.0f} ms/call"
    return [Result(f"{name}: throughput / (concurrency / latency)", ideal / seconds, "", ">= 0.9", ok=ok),
            Result(f"{name}: throughput / best possible ({math.ceil(items / CONCURRENCY)} rounds)", rounds / seconds, "")]


def measure() -> list[Result]:
    os.environ.setdefault("AIGC_CS_API_KEY", "sk-bench-not-a-real-key")
    start = time.perf_counter()
    import langchain_openai  # noqa: F401  (one-off import cost, reported apart)

    import_s = time.perf_counter() - start
    small, large = jobs(ITEMS), jobs(LARGE, first=ITEMS)
    with OpenAIServer() as server, tempfile.TemporaryDirectory() as cache:
        server.responder = _answer
        config = EngineConfig(kind="llm", provider="custom", model="bench-model", base_url=server.url,
                              cache=Path(cache), timeout_s=10, max_retries=2)
        start = time.perf_counter()
        prepare("reply", config)
        prepare_s = time.perf_counter() - start
        cold_s, cold = _timed_batch(config, small)
        cold_calls = server.calls
        warm_s, warm = _timed_batch(config, small)
        warm_calls = server.calls - cold_calls
        large_s, many = _timed_batch(config, large)
        large_calls = server.calls - cold_calls
        # one HTTP client per process: every call of both batches went out on the pool's first `concurrency`
        # connections, kept alive, never a new connection per call
        connections = len({request.peer for request in server.requests})

    def answered(generations: list[Generation]) -> bool:
        return all(g.engine == "llm:custom/bench-model" and not g.warnings for g in generations) \
            and connections <= CONCURRENCY

    ok_cold = answered(cold) and cold_calls == ITEMS
    ok_warm = [g.output for g in warm] == [g.output for g in cold] and warm_calls == 0
    return [
        Result("import langchain_openai (once per process)", import_s, "s"),
        Result("prepare the reply client: imports, chat model, prompts (once per batch)", prepare_s, "s"),
        Result(f"{ITEMS} generations, concurrency {CONCURRENCY}, {LATENCY * 1000:.0f} ms/call, cold (one HTTP call each)",
               cold_s, "s", "< 4", ok=ok_cold),
        *_efficiency(ITEMS, cold_s, ok_cold),
        Result(f"the same {ITEMS} generations, warm cache (no HTTP call)", warm_s, "s", "< 0.5", ok=ok_warm),
        *_efficiency(len(many), large_s, answered(many) and large_calls == len(many)),
        *faq_results(),
        *judge_results(),
    ]


def faq_results() -> list[Result]:
    """The faq task end to end: retrieval for the prompt, one model call per item, the guard on every answer."""
    from aigc_cs.config import Settings
    from aigc_cs.kb.index import Index
    from aigc_cs.kb.ingest import ingest
    from aigc_cs.tasks import faq
    from aigc_cs.tasks.context import Context

    with OpenAIServer() as server, tempfile.TemporaryDirectory() as home:
        def answer(request) -> Reply:  # echoes the planned question, so no two items are near-duplicates
            question = request.last_user.split("【参考问法】<<<")[-1].split(">>>")[0]
            return Reply(json.dumps({"question": question, "answer": "您好，这个问题按商品资料和店铺政策为您说明。"},
                                    ensure_ascii=False), delay=LATENCY)

        server.responder = answer
        settings = Settings(home=Path(home), embedding="none", engine="llm", provider="custom", model="bench-model",
                            base_url=server.url, timeout_s=10)
        ingest(Index(settings.home, "none"), [corpus_dir()], max_bytes=2**24, chunk_chars=settings.chunk_chars)
        products = [p.name for p in read_shop(corpus_dir() / "shops" / "demo-fashion", corpus_dir().parent, 2**20)[0].products]
        sizes = [13, 13, 12, 12]

        def batch() -> tuple[float, int]:
            ctx = Context(settings, concurrency=CONCURRENCY)
            start = time.perf_counter()
            items = sum(len(faq.run(faq.FaqInput(shop="demo-fashion", product=name, n=n), ctx).items)
                        for name, n in zip(products, sizes, strict=False))
            return time.perf_counter() - start, items

        cold_s, cold_items = batch()
        cold_calls = server.calls
        warm_s, warm_items = batch()
        warm_calls = server.calls - cold_calls
    return [
        Result(f"faq task: {sum(sizes)} items over 4 products, concurrency {CONCURRENCY}, cold", cold_s, "s", "< 4",
               ok=cold_items == sum(sizes)),
        Result(f"faq task: the same {sum(sizes)} items, warm cache (no HTTP call)", warm_s, "s", "< 0.5",
               ok=warm_items == sum(sizes) and warm_calls == 0),
    ]


def _verdict(request) -> Reply:
    """The judge's answer: every criterion of presale-reply at level 2, quoting the answer's first words."""
    from aigc_cs.grading.rubric import get_rubric

    answer = re.search(r"<<<ANSWER-(\w+)>>>\n(.*)\n<<<END-\1>>>", request.prompt, re.S)
    quote = answer.group(2)[:12] if answer else ""
    items = [{"id": c.id, "level": 2, "evidence": quote, "feedback": "继续加油"}
             for c in get_rubric("presale-reply").criteria]
    return Reply(json.dumps({"criteria": items}, ensure_ascii=False), delay=LATENCY)


def judge_results() -> list[Result]:
    """`grade-batch --scorer judge`: the pool's throughput inside a whole grading process (see the docstring)."""
    results = []
    with OpenAIServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.responder = _verdict
        env = {**os.environ, "AIGC_CS_HOME": str(Path(tmp) / "home"), "OMP_NUM_THREADS": "1",
               "AIGC_CS_PROVIDER": "custom", "AIGC_CS_BASE_URL": server.url, "AIGC_CS_MODEL": "bench-model",
               "AIGC_CS_API_KEY": "sk-bench-not-a-real-key", "AIGC_CS_TIMEOUT_S": "10"}
        run_cli(["ingest"], env)
        for items, start in ((ITEMS, 0), (LARGE, ITEMS)):  # no answer twice: each is one call
            klass = Path(tmp) / f"class-{items}.csv"
            klass.write_text("学号,姓名,答案\n" + "".join(f"S{i:04d},学生{i},\"{ANSWERS[i % len(ANSWERS)]}{i}\"\n"
                                                        for i in range(start, start + items)), encoding="utf-8")
            first = server.calls
            run_cli(["grade-batch", str(klass), "-r", "presale-reply", "-s", "demo-fashion", "--scenario",
                     "衣服不合适可以退吗", "--scorer", "judge", "--concurrency", str(CONCURRENCY),
                     "-o", str(Path(tmp) / f"report-{items}.xlsx")], env)
            calls = server.requests[first:]
            seconds = max(r.time for r in calls) + LATENCY - min(r.time for r in calls)
            ok = len(calls) == items and len({r.peer for r in calls}) <= CONCURRENCY
            results += _efficiency(items, seconds, ok, "answers graded by grade-batch --scorer judge")
    return results


if __name__ == "__main__":
    sys.exit(report(measure()))

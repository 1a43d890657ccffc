"""Foundation budgets, measured on this machine. Run: `make bench` (or python benchmarks/bench_foundation.py).

Budgets (issue 2): `aigc-cs --help` < 0.5 s; re-ingesting an unchanged corpus < 10 % of the first ingest;
hybrid recall@3 >= 0.9 on the labelled questions. Prints a table and exits 1 when a budget is missed (see measure.py).
"""

import json
import os
import statistics
import sys
import tempfile

from measure import Result, report, run_cli


def measure() -> list[Result]:
    with tempfile.TemporaryDirectory() as home:
        # an empty content cache too (vectors, jieba, classifier): the first ingest is a new machine's
        env = {**os.environ, "AIGC_CS_HOME": home, "AIGC_CS_CACHE": f"{home}/cache", "COLUMNS": "200"}

        def timed(args: list[str]) -> float:
            return run_cli(args, env, codes=(0, 1))[0]

        help_s = statistics.median(timed(["--help"]) for _ in range(5))
        first = timed(["ingest"])
        again = statistics.median(timed(["ingest"]) for _ in range(3))
        reply = statistics.median(timed(["reply", "衣服不合适可以退吗", "--shop", "demo-fashion"]) for _ in range(3))
        faq = statistics.median(timed(["faq", "--shop", "demo-beauty", "--product", "保湿面霜", "-n", "5"])
                                for _ in range(3))
        apology = statistics.median(timed(["apology", "--shop", "demo-fashion", "--scenario", "延迟发货", "--channel",
                                           "短信"]) for _ in range(3))
        _, proc = run_cli(["eval", "retrieval", "--json"], env, codes=(0, 1))
        quality = {r["mode"]: r for r in json.loads(proc.stdout)}

    results = [
        Result("aigc-cs --help (median of 5)", help_s, "s", "< 0.5"),
        Result("first ingest of the demo corpus", first, "s"),
        Result("re-ingest, unchanged, share of the first ingest (median of 3)", 100 * again / first, "%", "< 10"),
        Result("reply, whole process (median of 3)", reply, "s", "< 2"),
        Result("faq -n 5, whole process, per item (median of 3)", faq / 5, "s", "< 2"),
        Result("apology sms, whole process (median of 3)", apology, "s", "< 2"),
    ]
    for mode in ("bm25", "dense", "hybrid"):
        r = quality[mode]
        results += [Result(f"{mode}: recall@3 on the labelled questions", r["recall"], "",
                           ">= 0.9" if mode == "hybrid" else None),
                    Result(f"{mode}: MRR on the labelled questions", r["mrr"], "")]
    return results


if __name__ == "__main__":
    sys.exit(report(measure()))

"""Rewrite and exercise budgets (issue 3): each command, offline, as a whole process, under 2 s per item.

An item is one rewritten chat, or one exercise of a set (`exercise -n 10` divided by 10; its reference answers are
written by the reply, apology, rewrite and faq tasks). Run: `python benchmarks/bench_rewrite_exercise.py`.
Prints a table and exits 1 when a budget is missed (see measure.py).
"""

import os
import statistics
import sys
import tempfile
from pathlib import Path

from measure import ROOT, Result, report, run_cli

CHATS = ROOT / "tests" / "fixtures" / "transcripts"
N = 10


def measure() -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AIGC_CS_HOME": home, "COLUMNS": "200"}
        run_cli(["ingest"], env)
        for chat, shop in [("fashion-dress.txt", "demo-fashion"), ("beauty-cream-gbk.txt", "demo-beauty"),
                           ("fashion-jeans.csv", "demo-fashion")]:
            t = statistics.median(run_cli(["rewrite", str(CHATS / chat), "--shop", shop, "--json"], env)[0]
                                  for _ in range(3))
            results.append(Result(f"rewrite {chat} (median of 3)", t, "s/item", "< 2"))
        for kind in ("reply", "apology", "rewrite", "faq"):
            for shop in ("demo-fashion", "demo-beauty"):
                out = Path(home) / f"{kind}-{shop}.docx"
                t = run_cli(["exercise", "--shop", shop, "--type", kind, "-n", str(N), "--out", str(out)], env)[0]
                results.append(Result(f"exercise --type {kind} {shop}, -n {N}, per exercise", t / N, "s/item", "< 2"))
    return results


if __name__ == "__main__":
    sys.exit(report(measure()))

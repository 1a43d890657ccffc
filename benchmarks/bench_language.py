"""Language check cost: `findings` (banned words, claims, slang, typos) on 1,000 distinct professional sentences of
one blind writer (evals/language/dev/professional-22.txt), in process after one warm-up sentence, CPU time per
sentence. Budget 10 ms: a class of 200 answers of ten sentences is checked in well under a minute. (With more curated
misspellings than `re` keeps compiled, each sentence recompiled them all: 10 ms instead of 3 ms, 2026-12-01.)
Run: `make bench` (or python benchmarks/bench_language.py). Exits 1 when the budget is missed (see measure.py)."""

import sys
import time

from measure import ROOT, Result, report

SENTENCES = 1000


def measure() -> list[Result]:
    sys.path.insert(0, str(ROOT))
    from aigc_cs.evalkit.language import findings

    path = ROOT / "evals" / "language" / "dev" / "professional-22.txt"
    lines = list(dict.fromkeys(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()))
    findings(lines[0])  # loads the word lists, the character model and the tone model once
    start = time.process_time()
    for line in lines[1: SENTENCES + 1]:
        findings(line)
    per = 1000 * (time.process_time() - start) / SENTENCES
    return [Result(f"language check, {SENTENCES:,} distinct professional sentences, CPU per sentence", per, "ms",
                   "<= 10")]


if __name__ == "__main__":
    sys.exit(report(measure()))

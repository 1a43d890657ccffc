"""Foundation budgets, measured on this machine. Run: `make bench` (or python benchmarks/bench_foundation.py).

Budgets (issue 2): `aigc-cs --help` < 0.5 s; re-ingesting an unchanged corpus < 10 % of the first ingest;
hybrid recall@3 >= 0.9 on the labelled questions. Prints a table and exits 1 when a budget is missed.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("aigc-cs"))


def timed(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed: {proc.stderr}")
    return elapsed, proc


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AIGC_CS_HOME": home, "COLUMNS": "200"}
        help_times = [timed(["--help"], env)[0] for _ in range(5)]
        first, _ = timed(["ingest"], env)
        again = statistics.median(timed(["ingest"], env)[0] for _ in range(3))
        reply = statistics.median(timed(["reply", "衣服不合适可以退吗", "--shop", "demo-fashion"], env)[0] for _ in range(3))
        faq = statistics.median(timed(["faq", "--shop", "demo-beauty", "--product", "保湿面霜", "-n", "5"], env)[0]
                                for _ in range(3))
        apology = statistics.median(timed(["apology", "--shop", "demo-fashion", "--scenario", "延迟发货", "--channel",
                                           "短信"], env)[0] for _ in range(3))
        _, proc = timed(["eval", "retrieval", "--json"], env)
        quality = {r["mode"]: r for r in json.loads(proc.stdout)}

    help_s = statistics.median(help_times)
    rows = [
        ("aigc-cs --help (median of 5)", f"{help_s:.2f} s", "< 0.5 s", help_s < 0.5),
        ("first ingest of the demo corpus", f"{first:.1f} s", "-", True),
        ("re-ingest, unchanged (median of 3)", f"{again:.2f} s = {again / first:.1%}", "< 10 %", again < 0.1 * first),
        ("reply, whole process (median of 3)", f"{reply:.2f} s", "< 2 s", reply < 2.0),
        ("faq -n 5, whole process (median of 3)", f"{faq:.2f} s = {faq / 5:.2f} s/item", "< 2 s/item", faq / 5 < 2.0),
        ("apology sms, whole process (median of 3)", f"{apology:.2f} s", "< 2 s", apology < 2.0),
    ]
    for mode in ("bm25", "dense", "hybrid"):
        r = quality[mode]
        ok = r["recall"] >= 0.9 if mode == "hybrid" else True
        rows.append((f"{mode}: recall@3 / MRR ({r['questions']} q)", f"{r['recall']:.3f} / {r['mrr']:.3f}",
                     ">= 0.9" if mode == "hybrid" else "-", ok))
    width = max(len(r[0]) for r in rows)
    for name, value, budget, ok in rows:
        print(f"{name:<{width}}  {value:>18}  {budget:>8}  {'ok' if ok else 'MISSED'}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

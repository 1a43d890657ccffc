"""Rewrite and exercise budgets (issue 3): each command, offline, as a whole process, under 2 s per item.

An item is one rewritten chat, or one exercise of a set (`exercise -n 10` divided by 10; its reference answers are
written by the reply, apology, rewrite and faq tasks). Run: `python benchmarks/bench_rewrite_exercise.py`.
Prints a table and exits 1 when a budget is missed.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("aigc-cs"))
CHATS = ROOT / "tests" / "fixtures" / "transcripts"
BUDGET_S = 2.0
N = 10


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, cwd=cwd)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return elapsed


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AIGC_CS_HOME": home, "COLUMNS": "200"}
        subprocess.run([EXE, "ingest"], capture_output=True, env=env, cwd=ROOT, check=True)
        for chat, shop in [("fashion-dress.txt", "demo-fashion"), ("beauty-cream-gbk.txt", "demo-beauty"),
                           ("fashion-jeans.csv", "demo-fashion")]:
            t = statistics.median(timed(["rewrite", str(CHATS / chat), "--shop", shop, "--json"], env, ROOT)
                                  for _ in range(3))
            rows.append((f"rewrite {chat} (median of 3)", t))
        for kind in ("reply", "apology", "rewrite", "faq"):
            for shop in ("demo-fashion", "demo-beauty"):
                out = Path(home) / f"{kind}-{shop}.docx"
                t = timed(["exercise", "--shop", shop, "--type", kind, "-n", str(N), "--out", str(out)], env, ROOT)
                rows.append((f"exercise --type {kind} {shop}: {t:.2f} s / {N}", t / N))
    width = max(len(name) for name, _ in rows)
    for name, per_item in rows:
        print(f"{name:<{width}}  {per_item:>6.2f} s/item  < {BUDGET_S:g} s  {'ok' if per_item < BUDGET_S else 'MISSED'}")
    return 0 if all(per_item < BUDGET_S for _, per_item in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

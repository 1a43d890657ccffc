"""Reply cost: a message that matches no intent must cost at most 1.5x one that does (issue 8).

Measures CPU seconds (user + system) of whole `aigc-cs reply` processes, median over several messages of each
kind, on a warm index (the intent classifier and the shop's sentence vectors already cached by ingest).
Run: `make bench` or `python benchmarks/bench_replies.py`. Exits 1 when the budget is missed (see measure.py).
"""

import os
import statistics
import subprocess
import sys
import tempfile

from measure import EXE, ROOT, Result, report, timed

MATCHED = ["衣服不合适可以退吗", "几天能发货", "包邮吗", "能便宜点不", "退款多久到账"]
UNMATCHED = ["你们老板是谁", "今天天气怎么样", "有没有男款", "能寄到国外吗", "直播几点开始"]


def measure() -> list[Result]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AIGC_CS_HOME": home, "COLUMNS": "200"}
        subprocess.run([EXE, "ingest"], capture_output=True, env=env, cwd=ROOT, check=True)
        matched = [timed(["reply", m, "--shop", "demo-fashion", "--json"], env)[1] for m in MATCHED]
        unmatched = [timed(["reply", m, "--shop", "demo-fashion", "--json"], env)[1] for m in UNMATCHED]
    a, b = statistics.median(matched), statistics.median(unmatched)
    return [Result(f"reply, message with an intent (CPU, median of {len(MATCHED)})", a, "s"),
            Result(f"reply, message with no intent (CPU, median of {len(UNMATCHED)})", b, "s"),
            Result("reply CPU, no-intent / intent", b / a, "x", "<= 1.5")]


if __name__ == "__main__":
    sys.exit(report(measure()))

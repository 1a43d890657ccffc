"""Batch grading budget (issue 4): a class of 200 answers grades offline with the rules scorer in under 10 s.
Run: `make bench` (or python benchmarks/bench_grading.py). Exits 1 when the budget is missed."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = [
    "您好，欢迎光临！支持签收后7天内无理由退换，需要吊牌完好。个人原因退换运费由您承担。感谢您的咨询！",
    "在的。可以退。",
    "亲，我们支持30天无理由退货哦",
    "您好！可以退欵的，满99包由。谢谢",
    "您好，我理解您的担心，七天无理由退换，需要吊牌完好、未穿着未洗涤。需要办理请在订单页申请售后，谢谢！",
]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        klass = Path(tmp) / "class.csv"
        rows = ["学号,姓名,答案"] + [f"S{i:03d},学生{i},\"{ANSWERS[i % len(ANSWERS)]}{i}\"" for i in range(200)]
        klass.write_text("\n".join(rows) + "\n", encoding="utf-8")
        env = {**os.environ, "AIGC_CS_HOME": str(Path(tmp) / "idx")}
        exe = str(Path(sys.executable).with_name("aigc-cs"))
        subprocess.run([exe, "ingest"], env=env, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run([exe, "grade-batch", str(klass), "-r", "presale-reply", "-s", "demo-fashion", "--scenario",
                        "衣服不合适可以退吗", "-o", str(Path(tmp) / "report.xlsx")], env=env, check=True,
                       capture_output=True)
        elapsed = time.perf_counter() - start
    ok = elapsed < 10
    print(f"grade-batch, 200 answers, rules scorer, whole process: {elapsed:.2f} s  (budget < 10 s)  "
          f"{'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

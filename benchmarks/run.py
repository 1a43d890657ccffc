"""`make bench`: every benchmark in one table, the results kept in benchmarks/results.json (see measure.py).
A benchmark whose command fails is named at the end; the others are still measured. Exits 1 when a budget is
missed or a benchmark failed."""

import sys

import bench_10k
import bench_foundation
import bench_grading
import bench_language
import bench_llm
import bench_replies
import bench_rewrite_exercise
import load
from measure import Result, report


def main() -> int:
    results: list[Result] = []
    failed: list[str] = []
    for module in (bench_foundation, bench_replies, bench_grading, bench_language, bench_llm, bench_rewrite_exercise, bench_10k, load):
        try:
            results += module.measure()
        except SystemExit as exc:  # run_cli exits with the failing command and its error
            failed.append(f"{module.__name__}: {exc}")
    code = report(results)
    for failure in failed:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failed else code


if __name__ == "__main__":
    sys.exit(main())

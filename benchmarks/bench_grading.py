"""Batch grading budgets, offline with the rules scorer, whole `grade-batch` processes: on one scenario, a class of
200 answers in under 10 s (issue 4) and at least 300 answers/s on 1,000 answers (issue 14); an assignment of 10
questions (each with its own rubric and scenario, from `exercise`) for a class of 30 in at most 10 s (issue 11).
Also reported: the rate of the 999 answers beyond the first (the 1,000-answer run less a one-answer run), which
leaves out what every run pays once.
Run: `make bench` (or python benchmarks/bench_grading.py). Exits 1 when a budget is missed (see measure.py)."""

import os
import sys
import tempfile
from pathlib import Path

from measure import Result, report, run_cli

ANSWERS = [
    "您好，欢迎光临！支持签收后7天内无理由退换，需要吊牌完好。个人原因退换运费由您承担。感谢您的咨询！",
    "在的。可以退。",
    "亲，我们支持30天无理由退货哦",
    "您好！可以退欵的，满99包由。谢谢",
    "您好，我理解您的担心，七天无理由退换，需要吊牌完好、未穿着未洗涤。需要办理请在订单页申请售后，谢谢！",
]


def grade_batch(tmp: Path, env: dict[str, str], students: int) -> float:
    klass = tmp / f"class-{students}.csv"
    rows = ["学号,姓名,答案"] + [f"S{i:04d},学生{i},\"{ANSWERS[i % len(ANSWERS)]}{i}\"" for i in range(students)]
    klass.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return run_cli(["grade-batch", str(klass), "-r", "presale-reply", "-s", "demo-fashion", "--scenario",
                    "衣服不合适可以退吗", "-o", str(tmp / f"report-{students}.xlsx")], env)[0]


def grade_assignment(tmp: Path, env: dict[str, str], students: int = 30, questions: int = 10) -> float:
    """`exercise` writes the assignment and its answer sheet; the class fills it in; one `grade-batch` grades it."""
    from openpyxl import load_workbook

    run_cli(["exercise", "--shop", "demo-fashion", "--type", "reply", "-n", str(questions), "--out",
             str(tmp / "作业.docx")], env)
    book = load_workbook(tmp / "作业-答题表.xlsx")
    for i in range(students):
        book.active.append(["1班", f"S{i:04d}", f"学生{i}",
                            *(f"{ANSWERS[(i + q) % len(ANSWERS)]}{i}" for q in range(questions))])
    book.save(tmp / "已填.xlsx")
    return run_cli(["grade-batch", "--assignment", str(tmp / "作业-作业.yaml"), "--answers", str(tmp / "已填.xlsx"),
                    "-o", str(tmp / "作业报告.xlsx")], env)[0]


def measure() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AIGC_CS_HOME": str(Path(tmp) / "idx")}
        run_cli(["ingest"], env)
        one_s = grade_batch(Path(tmp), env, 1)
        class_s = grade_batch(Path(tmp), env, 200)
        school_s = grade_batch(Path(tmp), env, 1000)
        assignment_s = grade_assignment(Path(tmp), env)
    return [Result("grade-batch, 200 answers, rules scorer, whole process", class_s, "s", "< 10"),
            Result("grade-batch, 1,000 answers, rules scorer, whole process", 1000 / school_s, "answers/s", ">= 300"),
            # the same without the start-up a run of one answer pays too (imports, shop passages, reference answer)
            Result("grade-batch, 1,000 answers beyond the first, rules scorer", 999 / (school_s - one_s), "answers/s"),
            Result("grade-batch --assignment, 30 students x 10 questions, rules scorer, whole process", assignment_s,
                   "s", "<= 10")]


if __name__ == "__main__":
    sys.exit(report(measure()))

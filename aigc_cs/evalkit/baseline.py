"""Baseline regression: compare each suite's pass rate and mean score with evals/baseline.json.

A drop counts as a regression only when it is larger than the suite's tolerance *and* a paired test over the
cases says it is not noise: McNemar's exact test on the cases that flipped between pass and fail, and a paired
bootstrap of the per-case score differences. Rises are reported as improvements the same way.
"""

import json
import re
from math import comb
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from aigc_cs.errors import UserError
from aigc_cs.evalkit.runner import SuiteResult
from aigc_cs.evalkit.suite import Tolerance, display
from aigc_cs.paths import data_dir

BOOTSTRAP_SAMPLES = 4000
VERSION = 1


class CaseMark(BaseModel):
    passed: bool
    score: float


class SuiteMark(BaseModel):
    engine: str
    retrieval: str = "—"
    pass_rate: float
    mean_score: float
    cases: dict[str, CaseMark]


class Baseline(BaseModel):
    version: int = VERSION
    suites: dict[str, SuiteMark] = Field(default_factory=dict)


class Comparison(BaseModel):
    status: Literal["ok", "regression", "improvement", "no_baseline", "not_comparable"]
    baseline_pass_rate: float | None = None
    baseline_score: float | None = None
    pass_rate: float
    score: float
    paired: int = 0
    worse: list[str] = Field(default_factory=list, description="cases that passed in the baseline and fail now")
    better: list[str] = Field(default_factory=list, description="cases that failed in the baseline and pass now")
    lower: list[tuple[str, float]] = Field(default_factory=list, description="cases whose score fell, with the change")
    p_pass: float | None = None
    p_score: float | None = None
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def regressed(self) -> bool:
        return self.status == "regression"


def default_path() -> Path:
    return data_dir("evals") / "baseline.json"


def load(path: Path) -> Baseline | None:
    if not path.is_file():
        return None
    try:
        return Baseline.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:
        raise UserError(f"{display(path)}：基线文件格式有误，可以用 --update-baseline 重新生成") from None


def mcnemar_one_sided(worse: int, better: int) -> float:
    """Exact McNemar: the chance of at least `worse` of the `worse + better` flips going the bad way by luck."""
    n = worse + better
    if n == 0:
        return 1.0
    return sum(comb(n, i) for i in range(worse, n + 1)) / 2**n


def bootstrap_drop(differences: list[float], samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> float:
    """Paired bootstrap over cases: the share of resampled mean differences (now − baseline) that are ≥ 0.
    Small means the drop is consistent across cases; 1.0 when nothing changed."""
    import numpy as np

    d = np.asarray(differences, dtype=float)
    if d.size == 0 or not d.any():
        return 1.0
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(samples, d.size))].mean(axis=1)
    return float((means >= 0).mean())


def compare(result: SuiteResult, mark: SuiteMark | None, tolerance: Tolerance) -> Comparison:
    now = Comparison(status="ok", pass_rate=result.pass_rate, score=result.mean_score)
    if mark is None:
        now.status = "no_baseline"
        now.notes.append("基线里还没有这个套件，用 --update-baseline 记录")
        return now
    now.baseline_pass_rate, now.baseline_score = mark.pass_rate, mark.mean_score
    if mark.engine != result.engine:
        now.status = "not_comparable"
        now.notes.append(f"基线是用 {mark.engine} 引擎记录的，这次是 {result.engine}，不比较")
        return now
    if mark.retrieval != result.retrieval and "—" not in (mark.retrieval, result.retrieval):
        now.notes.append(f"基线的检索方式是 {mark.retrieval}，这次是 {result.retrieval}，分数可能因此不同")
    current = {c.id: c for c in result.cases}
    paired = [cid for cid in current if cid in mark.cases]
    now.added = [cid for cid in current if cid not in mark.cases]
    now.removed = [cid for cid in mark.cases if cid not in current]
    now.paired = len(paired)
    if not paired:
        now.notes.append("没有与基线对应的用例")
        return now
    now.worse = [cid for cid in paired if mark.cases[cid].passed and not current[cid].passed]
    now.better = [cid for cid in paired if not mark.cases[cid].passed and current[cid].passed]
    diffs = [current[cid].score - mark.cases[cid].score for cid in paired]
    now.lower = [(cid, round(d, 4)) for cid, d in zip(paired, diffs, strict=True) if d < -1e-9]
    base_rate = sum(mark.cases[cid].passed for cid in paired) / len(paired)
    rate = sum(current[cid].passed for cid in paired) / len(paired)
    base_score = sum(mark.cases[cid].score for cid in paired) / len(paired)
    score = sum(current[cid].score for cid in paired) / len(paired)
    now.p_pass = round(mcnemar_one_sided(len(now.worse), len(now.better)), 4)
    now.p_score = round(bootstrap_drop(diffs), 4)
    p_rise = round(min(mcnemar_one_sided(len(now.better), len(now.worse)), bootstrap_drop([-d for d in diffs])), 4)
    dropped = []
    if base_rate - rate > tolerance.pass_rate + 1e-9:
        if now.p_pass < tolerance.alpha:
            dropped.append(f"通过率 {base_rate:.2f} → {rate:.2f}（McNemar p={now.p_pass:.3f}）")
        else:
            now.notes.append(f"通过率 {base_rate:.2f} → {rate:.2f}，但配对检验不显著（p={now.p_pass:.3f}），不算退步")
    if base_score - score > tolerance.score + 1e-9:
        if now.p_score < tolerance.alpha:
            dropped.append(f"平均分 {base_score:.3f} → {score:.3f}（bootstrap p={now.p_score:.3f}）")
        else:
            now.notes.append(f"平均分 {base_score:.3f} → {score:.3f}，但配对检验不显著（p={now.p_score:.3f}），不算退步")
    if dropped:
        now.status = "regression"
        now.notes[:0] = [f"退步超过容差：{'；'.join(dropped)}"]
    elif (rate - base_rate > tolerance.pass_rate + 1e-9 or score - base_score > tolerance.score + 1e-9) \
            and p_rise < tolerance.alpha:
        now.status = "improvement"
        now.notes.insert(0, f"进步：通过率 {base_rate:.2f} → {rate:.2f}，平均分 {base_score:.3f} → {score:.3f}"
                            f"（p={p_rise:.3f}）；确认后可用 --update-baseline 更新基线")
    return now


def mark_of(result: SuiteResult) -> SuiteMark:
    return SuiteMark(engine=result.engine, retrieval=result.retrieval, pass_rate=result.pass_rate,
                     mean_score=result.mean_score,
                     cases={c.id: CaseMark(passed=c.passed, score=c.score) for c in result.cases})


def update(path: Path, results: list[SuiteResult]) -> Baseline:
    """Write the suites just run into the baseline, keeping the other suites it holds."""
    baseline = load(path) or Baseline()
    for result in results:
        baseline.suites[result.id] = mark_of(result)
    baseline.suites = dict(sorted(baseline.suites.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(json.loads(baseline.model_dump_json()), ensure_ascii=False, indent=1)
    # one line per case, so that a diff of the baseline shows which cases changed
    text = re.sub(r'\{\n\s+"passed": (true|false),\n\s+"score": ([-\d.e]+)\n\s+\}', r'{"passed": \1, "score": \2}', text)
    path.write_text(text + "\n", encoding="utf-8")
    return baseline


def attach(results: list[SuiteResult], tolerances: dict[str, Tolerance], path: Path) -> Baseline | None:
    """Compare every suite result with its baseline entry, storing the comparison on the result."""
    baseline = load(path)
    for result in results:
        mark = baseline.suites.get(result.id) if baseline else None
        result.comparison = compare(result, mark, tolerances[result.id])
    return baseline

"""What every benchmark shares: running the CLI as a whole process, and one table of results with their budgets.

Each result carries the machine's load at the time it was measured (2 shared cores: figures are noisy, compare ratios
taken in the same run). `report` prints one table (budget, value, value ÷ budget) and keeps the last result of each
name in benchmarks/results.json: a list of {name, value, unit, budget, met, load}, so changes show up in review.
"""

import json
import operator
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).with_name("aigc-cs"))
RESULTS = Path(__file__).resolve().parent / "results.json"
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">=": operator.ge, ">": operator.gt,
}


def machine_load() -> float:
    """The 1-minute load average (0.0 where the system does not report it)."""
    try:
        return float(Path("/proc/loadavg").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass(frozen=True)
class Result:
    name: str  # stable across runs: the key in results.json
    value: float
    unit: str
    budget: str | None = None  # "< 0.5", "<= 1.5" or ">= 0.9" in the value's unit; None = reported, no budget
    ok: bool = True  # the run itself was right (e.g. the expected number of HTTP calls), whatever the value
    load: float = field(default_factory=machine_load)

    @property
    def limit(self) -> tuple[str, float] | None:
        if self.budget is None:
            return None
        op, number = self.budget.split()
        return op, float(number)

    @property
    def met(self) -> bool:
        return self.ok and (self.limit is None or _COMPARE[self.limit[0]](self.value, self.limit[1]))

    @property
    def ratio(self) -> float | None:
        return self.value / self.limit[1] if self.limit and self.limit[1] else None


def run_cli(args: list[str], env: dict[str, str], codes: tuple[int, ...] = (0,)) -> tuple[float, subprocess.CompletedProcess]:
    """Run `aigc-cs ARGS` from the repo root; (wall seconds, process). Exits when the exit code is not in `codes`."""
    start = time.perf_counter()
    proc = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode not in codes:
        sys.exit(f"aigc-cs {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return elapsed, proc


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds (user + system)) of one whole `aigc-cs ARGS` process; CPU time is less sensitive
    to the machine's load than wall time on 2 shared cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run_cli(args, env)[0]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def report(results: list[Result]) -> int:
    """Print one table, keep the results in results.json (replacing earlier ones of the same name);
    0 when every budget is met, else 1."""
    header = ("benchmark", "value", "budget", "ratio", "load", "met")
    rows = [(r.name, f"{_number(r.value)} {r.unit}".strip(), f"{r.budget} {r.unit}".strip() if r.budget else "-",
             f"{r.ratio:.2f}" if r.ratio is not None else "-", f"{r.load:.2f}", "ok" if r.met else "MISSED")
            for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join([row[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True))]))
    kept = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    fresh = {r.name: {"name": r.name, "value": round(r.value, 6), "unit": r.unit, "budget": r.budget, "met": r.met,
                      "load": r.load} for r in results}
    merged = [fresh.pop(item["name"], item) for item in kept] + list(fresh.values())
    RESULTS.write_text(json.dumps(merged, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r.met for r in results) else 1

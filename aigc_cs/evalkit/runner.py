"""Run suites: each case through its task (repeated if asked), every assertion on the output, results as models."""

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, computed_field

from aigc_cs.errors import UserError
from aigc_cs.evalkit.assertions import Observation, as_text, check_distinct, evaluate
from aigc_cs.evalkit.suite import Assertion, Case, Suite, display
from aigc_cs.evalkit.tasks import make_input, resolve, uses_engine

Reducer = Literal["pass@k", "majority"]
NOT_RECORDED = "未录制"


class AssertionResult(BaseModel):
    kind: str
    label: str
    negated: bool = False
    passed: bool
    score: float
    detail: str


class CaseResult(BaseModel):
    id: str
    description: str = ""
    vars: dict[str, Any]
    passed: bool
    score: float
    runs: int = 1
    passes: int
    text: str = ""
    output: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    assertions: list[AssertionResult]
    seconds: float

    def failures(self) -> list[AssertionResult]:
        return [a for a in self.assertions if not a.passed]


class SuiteResult(BaseModel):
    id: str
    file: str
    description: str = ""
    task: str
    engine: str
    retrieval: str
    repeat: int = 1
    reducer: Reducer = "majority"
    cases: list[CaseResult]
    across: list[AssertionResult] = Field(default_factory=list)
    seconds: float
    comparison: Any = None  # a baseline.Comparison, set after the run

    @computed_field
    @property
    def pass_rate(self) -> float:
        return round(sum(c.passed for c in self.cases) / len(self.cases), 4) if self.cases else 0.0

    @computed_field
    @property
    def mean_score(self) -> float:
        return round(sum(c.score for c in self.cases) / len(self.cases), 4) if self.cases else 0.0

    @computed_field
    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases) and all(a.passed for a in self.across)

    @property
    def regressed(self) -> bool:
        return bool(self.comparison is not None and self.comparison.regressed)


class Report(BaseModel):
    suites: list[SuiteResult]
    seconds: float
    engine: str | None = None  # the --engine override, if any

    @computed_field
    @property
    def failed_cases(self) -> int:
        return sum(not c.passed for s in self.suites for c in s.cases) + sum(
            not a.passed for s in self.suites for a in s.across)

    @computed_field
    @property
    def regressions(self) -> list[str]:
        return [s.id for s in self.suites if s.regressed]

    @computed_field
    @property
    def exit_code(self) -> int:
        return 1 if self.failed_cases or self.regressions else 0


def engine_context(base, kind: str, cassettes=None):
    """A context like `base` with another engine (or cassette folder), sharing its opened index and retriever."""
    if base.settings.engine == kind and cassettes is None:
        return base
    from aigc_cs.tasks.context import Context

    derived = base.__dict__.setdefault("_eval_contexts", {})
    if (kind, cassettes) not in derived:
        update: dict[str, Any] = {"engine": kind, **({"cassettes": cassettes} if cassettes is not None else {})}
        ctx = Context(base.settings.model_copy(update=update), base.concurrency)
        ctx.__dict__.update({k: v for k, v in base.__dict__.items() if k in ("index", "retriever")})
        derived[(kind, cassettes)] = ctx
    return derived[(kind, cassettes)]


def _retrieval_mode(ctx, task: str) -> str:
    """The retrieval a suite's task reads through: hybrid, or bm25 when the vector model is off; "—" for the guard."""
    return "—" if task == "check" else ctx.retriever.mode


def _input_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(p) for p in error["loc"])
    return f"输入无效：{field}：{error['msg']}"


def observe(task: Any, case: Case, ctx, engine: str, name: str = "") -> tuple[Observation, float]:
    """Run the task once on the case's vars; an error is kept as the observation's error, never raised."""
    started = time.perf_counter()
    error: str | None = None
    data: dict[str, Any] = {}
    try:
        output = task.run(make_input(task, name, case.vars), ctx)
        data = output.model_dump(mode="json")
    except ValidationError as exc:
        error = _input_error(exc)
    except UserError as exc:
        error = exc.message
        if engine == "replay" and NOT_RECORDED not in error:
            error = f"{NOT_RECORDED}或回放失败：{error}"
    except Exception as exc:
        if os.environ.get("AIGC_CS_DEBUG"):
            raise
        error = f"内部错误 {type(exc).__name__}: {exc}"
    shop_id = case.vars.get("shop")

    def doc_type(source: str) -> str | None:
        return _doc_types(ctx).get(source)

    def judge(text: str, rubric: str):
        """Grade with the LLM judge through the suite's engine (llm, or replay from cassettes)."""
        from aigc_cs.grading.grade import grade

        return grade(text, rubric, str(shop_id), ctx, scenario=str(case.vars.get("message", "")), scorer="judge",
                     with_improved=False)

    obs = Observation(data, error, shop=(lambda: ctx.shop(str(shop_id))) if shop_id else None, doc_type=doc_type,
                      judge=judge if engine != "offline" and shop_id else None)
    return obs, time.perf_counter() - started


def _doc_types(ctx) -> dict[str, str]:
    cached = ctx.__dict__.get("_eval_doc_types")
    if cached is None:
        cached = {c.source: c.doc_type for c in ctx.index.chunks()}
        ctx.__dict__["_eval_doc_types"] = cached
    return cached


def judge(asserts: list[Assertion], obs: Observation) -> list[AssertionResult]:
    results = []
    for a in asserts:
        verdict = evaluate(a.kind, a.arg, a.field, a.negate, obs)
        results.append(AssertionResult(kind=a.kind, label=a.label(), negated=a.negate, **verdict.model_dump()))
    return results


def run_case(task: Any, case: Case, ctx, engine: str, repeat: int, reducer: Reducer, name: str = "") -> CaseResult:
    runs: list[tuple[Observation, list[AssertionResult], bool, float]] = []
    for _ in range(repeat):
        obs, seconds = observe(task, case, ctx, engine, name)
        results = judge(case.asserts, obs)
        if obs.error is not None and not any(r.kind == "rejected" for r in results):
            results.insert(0, AssertionResult(kind="error", label="任务出错", passed=False, score=0.0, detail=obs.error))
        runs.append((obs, results, all(r.passed for r in results), seconds))
    passes = sum(ok for _, _, ok, _ in runs)
    passed = passes >= 1 if reducer == "pass@k" else passes * 2 > repeat
    shown = next((r for r in runs if r[2] == passed), runs[0])
    obs, results, _, _ = shown
    scores = [sum(a.score for a in rs) / len(rs) if rs else float(ok) for _, rs, ok, _ in runs]
    output = {k: v for k, v in obs.data.items() if k != "text"}
    return CaseResult(id=case.id, description=case.description, vars=case.vars, passed=passed,
                      score=round(sum(scores) / len(scores), 4), runs=repeat, passes=passes, text=obs.text,
                      output=output, error=obs.error, assertions=results, seconds=round(sum(r[3] for r in runs), 3))


def _across(suite: Suite, cases: list[CaseResult]) -> list[AssertionResult]:
    results = []
    answered = [c for c in cases if c.error is None]
    for a in suite.across:
        items = [as_text(Observation({"text": c.text, **c.output}).get(a.field)) for c in answered]
        verdict = check_distinct(a.arg, items, [c.id for c in answered])
        if a.negate:
            verdict = verdict.model_copy(update={"passed": not verdict.passed, "score": round(1 - verdict.score, 4)})
        results.append(AssertionResult(kind=a.kind, label=a.label(), negated=a.negate, **verdict.model_dump()))
    return results


def run_suite(suite: Suite, base_ctx, engine: str | None = None, repeat: int | None = None,
              reducer: Reducer | None = None, on_case: Callable[[str, CaseResult], None] | None = None,
              cassettes: Path | None = None) -> SuiteResult:
    """Run every case of `suite`; `engine`, `repeat`, `reducer` and `cassettes` override the suite's own."""
    started = time.perf_counter()
    task = resolve(suite.task)
    kind = engine or suite.engine
    ctx = engine_context(base_ctx, kind, (cassettes or suite.cassettes) if kind == "replay" else None)
    if not uses_engine(suite.task):
        kind, repeat = "—", 1
    times, how = repeat or suite.repeat, reducer or suite.reducer
    cases = []
    for case in suite.cases:
        result = run_case(task, case, ctx, kind, times, how, suite.task)
        cases.append(result)
        if on_case:
            on_case(suite.id, result)
    return SuiteResult(id=suite.id, file=display(suite.path), description=suite.description, task=suite.task,
                       engine=kind, retrieval=_retrieval_mode(ctx, suite.task), repeat=times, reducer=how, cases=cases,
                       across=_across(suite, cases), seconds=round(time.perf_counter() - started, 2))


def run_all(suites: list[Suite], ctx, engine: str | None = None, repeat: int | None = None,
            reducer: Reducer | None = None, on_case: Callable[[str, CaseResult], None] | None = None,
            cassettes: Path | None = None) -> Report:
    started = time.perf_counter()
    results = [run_suite(s, ctx, engine, repeat, reducer, on_case, cassettes) for s in suites]
    return Report(suites=results, seconds=round(time.perf_counter() - started, 2), engine=engine)

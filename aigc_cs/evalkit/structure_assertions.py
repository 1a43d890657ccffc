"""The structure checks of eval assertions: the whole output against a JSON Schema, its metrics against bounds, and
whether the task rejected the input."""

from typing import Any

from aigc_cs.evalkit.fold import fold
from aigc_cs.evalkit.observation import Observation, Verdict


def json_schema(schema: dict[str, Any], value: Any, obs: Observation) -> Verdict:
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.path))
    if not errors:
        return Verdict(passed=True, score=1.0, detail="符合 JSON Schema")
    first = errors[0]
    where = "/".join(str(p) for p in first.path) or "（根）"
    return Verdict(passed=False, score=0.0, detail=f"{where}：{first.message}" + (f"（共 {len(errors)} 处）" if len(errors) > 1 else ""))


def _metric_bound(spec: dict[str, float], obs: Observation, upper: bool) -> Verdict:
    measured = {name: obs.data.get(name) for name in spec}
    missing = [name for name, v in measured.items() if not isinstance(v, int | float)]
    if missing:
        return Verdict(passed=False, score=0.0, detail=f"输出里没有指标：{'、'.join(missing)}")
    bad = [name for name, bound in spec.items() if (measured[name] > bound if upper else measured[name] < bound)]  # type: ignore[operator]
    ok_sign, bad_sign = (" ≤ ", " > ") if upper else (" ≥ ", " < ")
    detail = "；".join(f"{name} {measured[name]:.3f}{bad_sign if name in bad else ok_sign}{bound:g}" for name, bound in spec.items())
    score = 1.0 - len(bad) / len(spec) if upper else sum(min(1.0, float(v)) for v in measured.values()) / len(spec)  # type: ignore[arg-type]
    return Verdict(passed=not bad, score=round(score, 4), detail=detail)


def metric_min(spec: dict[str, float], value: Any, obs: Observation) -> Verdict:
    return _metric_bound(spec, obs, upper=False)


def metric_max(spec: dict[str, float], value: Any, obs: Observation) -> Verdict:
    return _metric_bound(spec, obs, upper=True)


def rejected(expected: str | bool, value: Any, obs: Observation) -> Verdict:
    if obs.error is None:
        return Verdict(passed=False, score=0.0, detail="任务没有拒绝这个输入，给出了输出")
    ok = expected is True or fold(str(expected)) in fold(obs.error)
    return Verdict(passed=ok, score=float(ok), detail=f"拒绝：{obs.error}")

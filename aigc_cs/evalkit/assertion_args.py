"""The parsers of eval assertions: each turns what a suite says into a checked argument, or raises ValueError with a
Chinese reason, when the suite is loaded (so a bad argument is reported before anything runs)."""

import re
from typing import Any

from pydantic import BaseModel

DOC_TYPE_NAMES = {"course": "课程", "policy": "政策", "product": "商品", "faq": "常见问题", "phrasebook": "话术手册"}


def strings(arg: Any) -> list[str]:
    items = [arg] if isinstance(arg, str) else arg
    if not isinstance(items, list) or not items or not all(isinstance(s, str | int | float) and str(s) for s in items):
        raise ValueError("应为一个非空字符串或字符串列表")
    return [str(s) for s in items]


def pattern(arg: Any) -> str:
    if not isinstance(arg, str) or not arg:
        raise ValueError("应为一个正则表达式字符串")
    try:
        re.compile(arg)
    except re.error as exc:
        raise ValueError(f"正则表达式无效：{exc}") from None
    return arg


def char_count(arg: Any) -> int:
    if isinstance(arg, bool) or not isinstance(arg, int) or arg < 0:
        raise ValueError("应为不小于 0 的整数（字符数）")
    return arg


def true(arg: Any) -> bool:
    if arg is not True:
        raise ValueError("写 true 即可（要取反请加 not: true）")
    return True


def _fraction(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{what} 应为 0 到 1 之间的数")
    return float(value)


def _only(arg: dict, allowed: set[str]) -> None:
    extra = sorted(set(arg) - allowed)
    if extra:
        raise ValueError(f"不认识的键 {'、'.join(extra)}，可用：{'、'.join(sorted(allowed))}")


def cite_spec(arg: Any) -> dict[str, str]:
    if isinstance(arg, str) and arg:
        return {"type": arg} if arg in DOC_TYPE_NAMES else {"where": arg}
    if not isinstance(arg, dict) or not arg:
        raise ValueError(f"应为文档类型（{'/'.join(DOC_TYPE_NAMES)}）、出处路径或章节名的片段，或 {{source, section, type}}")
    _only(arg, {"source", "section", "type"})
    if "type" in arg and arg["type"] not in DOC_TYPE_NAMES:
        raise ValueError(f"type 只能是 {'/'.join(DOC_TYPE_NAMES)}")
    return {k: str(v) for k, v in arg.items()}


def _named(arg: Any, names: dict[str, str], what: str) -> list[str]:
    """`true` for all ids of `names`, or a list of ids or of their Chinese names."""
    if arg is True:
        return list(names)
    by_name = {name: key for key, name in names.items()}
    keys = [by_name.get(k, k) for k in strings(arg)]
    unknown = [k for k in keys if k not in names]
    if unknown:
        raise ValueError(f"{what}是 {'/'.join(names)}（{'/'.join(names.values())}），不认识：{'、'.join(unknown)}")
    return keys


def lexicon_kinds(arg: Any) -> list[str]:
    from aigc_cs.guard.lexicon import KIND_NAMES

    return _named(arg, KIND_NAMES, "词表")


def step_ids(arg: Any) -> list[str]:
    from aigc_cs.tasks.steps import specs

    return _named(arg, {step_id: spec.name for step_id, spec in specs().items()}, "五个步骤")


def rouge_spec(arg: Any) -> dict[str, Any]:
    if not isinstance(arg, dict) or not isinstance(arg.get("reference"), str) or "min" not in arg:
        raise ValueError("应为 {reference: 参考答案, min: 0~1, tokens: char/jieba}")
    _only(arg, {"reference", "min", "tokens"})
    tokens = arg.get("tokens", "char")
    if tokens not in ("char", "jieba"):
        raise ValueError("tokens 只能是 char（按字）或 jieba（按词）；不按空格切分")
    return {"reference": arg["reference"], "min": _fraction(arg["min"], "min"), "tokens": tokens}


def distinct_spec(arg: Any) -> dict[str, Any]:
    spec = {"min": arg} if not isinstance(arg, dict) else dict(arg)
    if "min" not in spec:
        raise ValueError("应为 0~1 的数，或 {min, threshold}")
    _only(spec, {"min", "threshold"})
    return {"min": _fraction(spec["min"], "min"), "threshold": _fraction(spec.get("threshold", 0.8), "threshold")}


def schema(arg: Any) -> dict[str, Any]:
    if not isinstance(arg, dict):
        raise ValueError("应为一个 JSON Schema 对象")
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(arg)
    except jsonschema.SchemaError as exc:
        raise ValueError(f"JSON Schema 无效：{exc.message}") from None
    return arg


def metric_bounds(arg: Any) -> dict[str, float]:
    if not isinstance(arg, dict) or not arg:
        raise ValueError("应为 {指标名: 下限}，例如 {recall: 0.85, mrr: 0.75}")
    return {str(k): _fraction(v, str(k)) for k, v in arg.items()}


def rejection(arg: Any) -> str | bool:
    if arg is True or (isinstance(arg, str) and arg):
        return arg
    raise ValueError("写 true，或写错误信息里应有的文字")


class RubricMin(BaseModel):
    rubric: str
    min: float  # points on the rubric's scale


def rubric_spec(arg: Any) -> RubricMin:
    from aigc_cs.errors import UserError
    from aigc_cs.grading.rubric import get_rubric

    if not isinstance(arg, dict) or "rubric" not in arg or "min" not in arg:
        raise ValueError("应为 {rubric: 评分标准ID, min: 最低总分}，例如 {rubric: presale-reply, min: 80}")
    spec = RubricMin(rubric=str(arg["rubric"]), min=float(arg["min"]))
    try:
        rubric = get_rubric(spec.rubric)
    except UserError as exc:
        raise ValueError(exc.message) from None
    if not 0 <= spec.min <= rubric.scale:
        raise ValueError(f"min 应在 0 到 {rubric.scale:g} 之间")
    return spec

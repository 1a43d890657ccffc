"""Deterministic, Chinese-aware assertions over one task output (or, for `distinct_min`, over a suite's outputs).

Each kind has a parser, run when a suite is loaded (so a bad argument is reported before anything runs), and a
check that returns a `Verdict`: passed, a score in [0, 1], and a detail line with the offending span or the diff.
Text comparisons fold both sides first (see `fold`): full/half width, traditional/simplified, whitespace, case.
Every assertion can be negated with ``not: true``.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from aigc_cs.evalkit.fold import excerpt, fold, letters, soften

NEEDS_JUDGE = ("llm_rubric 需要评分模型：用 --engine replay 加录制（--cassettes），或 --engine llm；"
               "离线评测请用 rubric_min（规则评分）")
FIELD_PART = re.compile(r"(\w+)(?:\[(\w+)=([^\]]+)\])?")
DOC_TYPE_NAMES = {"course": "课程", "policy": "政策", "product": "商品", "faq": "常见问题", "phrasebook": "话术手册"}


class Verdict(BaseModel):
    passed: bool
    score: float
    detail: str


class Observation:
    """What one case produced, and what the assertions may look up: its shop and the index's documents."""

    def __init__(self, data: dict[str, Any], error: str | None = None, shop: Callable[[], Any] | None = None,
                 doc_type: Callable[[str], str | None] | None = None,
                 judge: Callable[[str, str], Any] | None = None) -> None:
        self.data = data
        self.error = error
        self.judge = judge  # grades a text with the LLM judge; None under the offline engine
        self._shop = shop
        self._doc_type = doc_type or (lambda source: None)

    @property
    def text(self) -> str:
        return str(self.data.get("text", ""))

    def get(self, field: str | None) -> Any:
        """A dotted field of the output ("text", "citations.section"); through a list, the field of each item.
        A list can be filtered by one of its items' fields: ``script[role=agent].text``."""
        value: Any = self.data
        for part in (field or "text").split("."):
            name, key, wanted = FIELD_PART.fullmatch(part).groups()  # type: ignore[union-attr]
            if isinstance(value, list):
                value = [item.get(name) if isinstance(item, dict) else None for item in value]
            elif isinstance(value, dict):
                value = value.get(name)
            else:
                return None
            if key is not None and isinstance(value, list):
                value = [item for item in value if isinstance(item, dict) and str(item.get(key)) == wanted]
        return value

    def shop(self):
        if self._shop is None:
            raise ValueError("这个用例没有店铺（vars.shop），无法核对政策")
        return self._shop()

    def doc_type(self, source: str) -> str | None:
        return self._doc_type(source)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# ---- parsers: turn what a suite says into a checked argument, or raise ValueError with a Chinese reason ----

def _strings(arg: Any) -> list[str]:
    items = [arg] if isinstance(arg, str) else arg
    if not isinstance(items, list) or not items or not all(isinstance(s, str | int | float) and str(s) for s in items):
        raise ValueError("应为一个非空字符串或字符串列表")
    return [str(s) for s in items]


def _pattern(arg: Any) -> str:
    if not isinstance(arg, str) or not arg:
        raise ValueError("应为一个正则表达式字符串")
    try:
        re.compile(arg)
    except re.error as exc:
        raise ValueError(f"正则表达式无效：{exc}") from None
    return arg


def _count(arg: Any) -> int:
    if isinstance(arg, bool) or not isinstance(arg, int) or arg < 0:
        raise ValueError("应为不小于 0 的整数（字符数）")
    return arg


def _true(arg: Any) -> bool:
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


def _cite_spec(arg: Any) -> dict[str, str]:
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
    keys = [by_name.get(k, k) for k in _strings(arg)]
    unknown = [k for k in keys if k not in names]
    if unknown:
        raise ValueError(f"{what}是 {'/'.join(names)}（{'/'.join(names.values())}），不认识：{'、'.join(unknown)}")
    return keys


def _lexicon_kinds(arg: Any) -> list[str]:
    from aigc_cs.guard.lexicon import KIND_NAMES

    return _named(arg, KIND_NAMES, "词表")


def _steps(arg: Any) -> list[str]:
    from aigc_cs.tasks.steps import specs

    return _named(arg, {step_id: spec.name for step_id, spec in specs().items()}, "五个步骤")


def _rouge(arg: Any) -> dict[str, Any]:
    if not isinstance(arg, dict) or not isinstance(arg.get("reference"), str) or "min" not in arg:
        raise ValueError("应为 {reference: 参考答案, min: 0~1, tokens: char/jieba}")
    _only(arg, {"reference", "min", "tokens"})
    tokens = arg.get("tokens", "char")
    if tokens not in ("char", "jieba"):
        raise ValueError("tokens 只能是 char（按字）或 jieba（按词）；不按空格切分")
    return {"reference": arg["reference"], "min": _fraction(arg["min"], "min"), "tokens": tokens}


def _distinct(arg: Any) -> dict[str, Any]:
    spec = {"min": arg} if not isinstance(arg, dict) else dict(arg)
    if "min" not in spec:
        raise ValueError("应为 0~1 的数，或 {min, threshold}")
    _only(spec, {"min", "threshold"})
    return {"min": _fraction(spec["min"], "min"), "threshold": _fraction(spec.get("threshold", 0.8), "threshold")}


def _schema(arg: Any) -> dict[str, Any]:
    if not isinstance(arg, dict):
        raise ValueError("应为一个 JSON Schema 对象")
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(arg)
    except jsonschema.SchemaError as exc:
        raise ValueError(f"JSON Schema 无效：{exc.message}") from None
    return arg


def _metrics(arg: Any) -> dict[str, float]:
    if not isinstance(arg, dict) or not arg:
        raise ValueError("应为 {指标名: 下限}，例如 {recall: 0.85, mrr: 0.75}")
    return {str(k): _fraction(v, str(k)) for k, v in arg.items()}


def _rejected(arg: Any) -> str | bool:
    if arg is True or (isinstance(arg, str) and arg):
        return arg
    raise ValueError("写 true，或写错误信息里应有的文字")


class RubricMin(BaseModel):
    rubric: str
    min: float  # points on the rubric's scale


def _rubric_spec(arg: Any) -> RubricMin:
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


# ---- checks ----

def _contains_all(needles: list[str], value: Any, obs: Observation) -> Verdict:
    hay = fold(as_text(value))
    missing = [n for n in needles if fold(n) not in hay]
    detail = f"缺少：{'、'.join(missing)}" if missing else "全部出现"
    return Verdict(passed=not missing, score=1 - len(missing) / len(needles), detail=detail)


def _contains_any(needles: list[str], value: Any, obs: Observation) -> Verdict:
    hay = fold(as_text(value))
    found = next((n for n in needles if fold(n) in hay), None)
    return Verdict(passed=found is not None, score=float(found is not None),
                   detail=f"出现了：{found}" if found else f"一个也没有：{'、'.join(needles)}")


def _not_contains(needles: list[str], value: Any, obs: Observation) -> Verdict:
    hay = fold(as_text(value))
    spans = []
    for needle in needles:
        at = hay.find(fold(needle))
        if at >= 0:
            spans.append(excerpt(hay, at, at + len(fold(needle))))
    detail = f"出现了：{'；'.join(spans)}" if spans else "都没有出现"
    return Verdict(passed=not spans, score=1 - len(spans) / len(needles), detail=detail)


def _regex(pattern: str, value: Any, obs: Observation) -> Verdict:
    text = soften(as_text(value))
    m = re.search(pattern, text, re.M)
    detail = f"匹配：{excerpt(text, m.start(), m.end())}" if m else f"没有匹配 /{pattern}/"
    return Verdict(passed=bool(m), score=float(bool(m)), detail=detail)


def _chars(value: Any) -> int:
    return len(re.sub(r"\s+", "", as_text(value)))


def _max_chars(limit: int, value: Any, obs: Observation) -> Verdict:
    n = _chars(value)
    return Verdict(passed=n <= limit, score=1.0 if n <= limit else limit / n, detail=f"{n} 字（上限 {limit}）")


def _min_chars(limit: int, value: Any, obs: Observation) -> Verdict:
    n = _chars(value)
    return Verdict(passed=n >= limit, score=1.0 if n >= limit else n / limit, detail=f"{n} 字（下限 {limit}）")


def _cites(spec: dict[str, str], value: Any, obs: Observation) -> Verdict:
    citations = [c for c in obs.data.get("citations") or [] if isinstance(c, dict)]

    def matches(c: dict) -> bool:
        source, section = str(c.get("source", "")), str(c.get("section", ""))
        return (("where" not in spec or fold(spec["where"]) in fold(f"{source} {section}"))
                and ("source" not in spec or fold(spec["source"]) in fold(source))
                and ("section" not in spec or fold(spec["section"]) in fold(section))
                and ("type" not in spec or obs.doc_type(source) == spec["type"]))

    hit = next((c for c in citations if matches(c)), None)
    if hit:
        return Verdict(passed=True, score=1.0, detail=f"出处：{hit.get('source')} · {hit.get('section')}")
    have = "；".join(f"{c.get('source')} · {c.get('section')}" for c in citations) or "没有出处"
    want = "，".join(f"{k}={v}" for k, v in spec.items())
    return Verdict(passed=False, score=0.0, detail=f"没有引用 {want}；现有：{have}")


def _policy_consistent(_: bool, value: Any, obs: Observation) -> Verdict:
    from aigc_cs.guard.check import check_text

    report = check_text(as_text(value), obs.shop())
    if report.ok:
        return Verdict(passed=True, score=1.0, detail=f"{len(report.claims)} 处政策说法，均与店铺事实一致")
    return Verdict(passed=False, score=0.0, detail="；".join(v.message for v in report.violations))


def _no_banned_words(kinds: list[str], value: Any, obs: Observation) -> Verdict:
    from aigc_cs.guard.lexicon import KIND_NAMES, scan

    text = as_text(value)
    hits = scan(text, tuple(kinds))
    if not hits:
        return Verdict(passed=True, score=1.0, detail="未发现" + "、".join(KIND_NAMES[k] for k in kinds))
    from aigc_cs.text import normalize

    normal = normalize(text)
    spans = [f"{KIND_NAMES[h.kind]} {excerpt(normal, h.start, h.end)}" for h in hits]
    return Verdict(passed=False, score=0.0, detail="；".join(spans))


def _steps_present(steps: list[str], value: Any, obs: Observation) -> Verdict:
    """The pre-sale steps, read by the course's step detector (aigc_cs.tasks.steps): a step done badly ("weak")
    is present but scores half."""
    from aigc_cs.tasks.steps import detect_steps_in_text

    checks = {c.step: c for c in detect_steps_in_text(as_text(value))}
    wanted = [checks[s] for s in steps]
    missing = [c for c in wanted if c.status == "missing"]
    weak = [c for c in wanted if c.status == "weak"]
    parts = [f"缺少：{'、'.join(c.name for c in missing)}"] if missing else []
    parts += [f"{c.name}不到位：{c.note}" for c in weak]
    detail = "；".join(parts) or "、".join(f"{c.name}“{c.quote[:16]}”" for c in wanted)
    score = sum({"ok": 1.0, "weak": 0.5, "missing": 0.0}[c.status] for c in wanted) / len(wanted)
    return Verdict(passed=not missing, score=round(score, 4), detail=detail)


def units(text: str, tokens: str = "char") -> list[str]:
    """Characters (punctuation and spaces dropped) or jieba words of the folded text; never a whitespace split."""
    if tokens == "jieba":
        from aigc_cs.text import tokens as jieba_tokens

        return jieba_tokens(fold(text))
    return list(letters(text))


def rouge_l(candidate: list[str], reference: list[str]) -> float:
    """ROUGE-L F1 from the longest common subsequence."""
    if not candidate or not reference:
        return 0.0
    previous = [0] * (len(reference) + 1)
    for c in candidate:
        current = [0]
        for j, r in enumerate(reference, 1):
            current.append(previous[j - 1] + 1 if c == r else max(previous[j], current[j - 1]))
        previous = current
    lcs = previous[-1]
    if not lcs:
        return 0.0
    precision, recall = lcs / len(candidate), lcs / len(reference)
    return 2 * precision * recall / (precision + recall)


def _rouge_l_min(spec: dict[str, Any], value: Any, obs: Observation) -> Verdict:
    score = rouge_l(units(as_text(value), spec["tokens"]), units(spec["reference"], spec["tokens"]))
    unit = "按字" if spec["tokens"] == "char" else "按词"
    return Verdict(passed=score >= spec["min"], score=round(score, 4),
                   detail=f"ROUGE-L（{unit}）{score:.3f}，下限 {spec['min']:g}")


def _bigrams(text: str) -> set[str]:
    chars = letters(text)
    return {chars[i: i + 2] for i in range(len(chars) - 1)} or {chars}


def distinct(items: list[str], threshold: float) -> tuple[float, list[tuple[int, int, float]]]:
    """Share of items that are not a near-duplicate (character-bigram Jaccard ≥ threshold) of an earlier one."""
    grams = [_bigrams(item) for item in items]
    duplicates: list[tuple[int, int, float]] = []
    for j in range(len(items)):
        for i in range(j):
            union = grams[i] | grams[j]
            similarity = len(grams[i] & grams[j]) / len(union) if union else 1.0
            if similarity >= threshold:
                duplicates.append((i, j, similarity))
                break
    return (1 - len(duplicates) / len(items) if items else 1.0), duplicates


def check_distinct(spec: dict[str, Any], items: list[str], labels: list[str]) -> Verdict:
    ratio, duplicates = distinct(items, spec["threshold"])
    pairs = "；".join(f"{labels[j]} ≈ {labels[i]}（相似度 {s:.2f}）" for i, j, s in duplicates[:5])
    detail = f"{len(items)} 条中不重复的占 {ratio:.2f}（下限 {spec['min']:g}）" + (f"；近似重复：{pairs}" if pairs else "")
    return Verdict(passed=ratio >= spec["min"], score=round(ratio, 4), detail=detail)


def _distinct_min(spec: dict[str, Any], value: Any, obs: Observation) -> Verdict:
    items = [as_text(v) for v in value] if isinstance(value, list) else \
        [line for line in as_text(value).splitlines() if line.strip()]
    labels = [f"“{item[:16]}”" for item in items]
    return check_distinct(spec, items, labels)


def _json_schema(schema: dict[str, Any], value: Any, obs: Observation) -> Verdict:
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(value), key=lambda e: list(e.path))
    if not errors:
        return Verdict(passed=True, score=1.0, detail="符合 JSON Schema")
    first = errors[0]
    where = "/".join(str(p) for p in first.path) or "（根）"
    return Verdict(passed=False, score=0.0, detail=f"{where}：{first.message}" + (f"（共 {len(errors)} 处）" if len(errors) > 1 else ""))


def _equals(expected: Any, value: Any, obs: Observation) -> Verdict:
    same = value == expected or (isinstance(value, str) and isinstance(expected, str) and fold(value) == fold(expected))
    return Verdict(passed=same, score=float(same), detail=f"实际：{as_text(value)[:80]!s}（期望：{as_text(expected)}）")


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


def _metric_min(spec: dict[str, float], value: Any, obs: Observation) -> Verdict:
    return _metric_bound(spec, obs, upper=False)


def _metric_max(spec: dict[str, float], value: Any, obs: Observation) -> Verdict:
    return _metric_bound(spec, obs, upper=True)


def _rubric_min(spec: RubricMin, value: Any, obs: Observation) -> Verdict:
    """Grade the output with the offline rules scorer; the case's customer message is the scenario."""
    from aigc_cs.grading.rubric import get_rubric
    from aigc_cs.grading.rules import grade_rules

    rubric = get_rubric(spec.rubric)
    grade = grade_rules(as_text(value), rubric, obs.shop(), str(obs.data.get("message", "")))
    low = [f"{c.name} {c.points:g}/{c.max_points:g}" for c in grade.criteria if c.points < c.max_points]
    detail = f"{spec.rubric} 得分 {grade.total:g}/{rubric.scale:g}（下限 {spec.min:g}）" + (f"；失分：{'、'.join(low)}" if low else "")
    return Verdict(passed=grade.total >= spec.min, score=round(grade.total / rubric.scale, 4), detail=detail)


def _llm_rubric(spec: RubricMin, value: Any, obs: Observation) -> Verdict:
    """Grade the output with the LLM judge (replay is strict: a missing recording fails the case, never a call)."""
    from aigc_cs.errors import UserError

    if obs.judge is None:
        return Verdict(passed=False, score=0.0, detail=NEEDS_JUDGE)
    try:
        grade = obs.judge(as_text(value), spec.rubric)
    except UserError as exc:
        return Verdict(passed=False, score=0.0, detail=exc.message)
    fallback = [w for w in grade.warnings if "改用" in w]
    detail = f"{spec.rubric} 评分模型打分 {grade.total:g}/{grade.scale:g}（下限 {spec.min:g}）" + (
        f"；{'；'.join(fallback)}" if fallback else "")
    return Verdict(passed=grade.total >= spec.min and not fallback, score=round(grade.total / grade.scale, 4),
                   detail=detail)


def _rejected_check(expected: str | bool, value: Any, obs: Observation) -> Verdict:
    if obs.error is None:
        return Verdict(passed=False, score=0.0, detail="任务没有拒绝这个输入，给出了输出")
    ok = expected is True or fold(str(expected)) in fold(obs.error)
    return Verdict(passed=ok, score=float(ok), detail=f"拒绝：{obs.error}")


@dataclass(frozen=True)
class Kind:
    parse: Callable[[Any], Any]
    check: Callable[[Any, Any, Observation], Verdict]
    whole: bool = False  # reads the whole output by default rather than its text
    across: bool = False  # may also be used over a suite's outputs (suite-level `across`)


KINDS: dict[str, Kind] = {
    "contains_all": Kind(_strings, _contains_all),
    "contains_any": Kind(_strings, _contains_any),
    "not_contains": Kind(_strings, _not_contains),
    "regex": Kind(_pattern, _regex),
    "max_chars": Kind(_count, _max_chars),
    "min_chars": Kind(_count, _min_chars),
    "cites": Kind(_cite_spec, _cites),
    "policy_consistent": Kind(_true, _policy_consistent),
    "no_banned_words": Kind(_lexicon_kinds, _no_banned_words),
    "steps_present": Kind(_steps, _steps_present),
    "rouge_l_min": Kind(_rouge, _rouge_l_min),
    "distinct_min": Kind(_distinct, _distinct_min, across=True),
    "json_schema": Kind(_schema, _json_schema, whole=True),
    "equals": Kind(lambda arg: arg, _equals),
    "metric_min": Kind(_metrics, _metric_min, whole=True),
    "metric_max": Kind(_metrics, _metric_max, whole=True),
    "rejected": Kind(_rejected, _rejected_check),
    "rubric_min": Kind(_rubric_spec, _rubric_min),
    "llm_rubric": Kind(_rubric_spec, _llm_rubric),
}
LIST_KINDS = ("contains_all", "contains_any", "not_contains", "no_banned_words", "steps_present")


def evaluate(kind: str, arg: Any, field: str | None, negate: bool, obs: Observation) -> Verdict:
    """Run one assertion. A case whose task failed has no output: only `rejected` can pass, negated or not."""
    spec = KINDS[kind]
    if obs.error is not None and kind != "rejected":
        return Verdict(passed=False, score=0.0, detail="没有输出，无法判断（见“任务出错”）")
    value = obs.data if spec.whole and field is None else obs.get(field)
    try:
        verdict = spec.check(arg, value, obs)
    except ValueError as exc:
        return Verdict(passed=False, score=0.0, detail=str(exc))
    if negate:
        return Verdict(passed=not verdict.passed, score=round(1 - verdict.score, 4), detail=f"（取反）{verdict.detail}")
    return verdict

"""The text checks of eval assertions: phrases present or absent, a pattern, a length, equality, ROUGE-L against a
reference, and distinctness across outputs. Both sides are folded first (see `fold`)."""

import re
from typing import Any

from aigc_cs.evalkit.fold import excerpt, fold, letters, soften
from aigc_cs.evalkit.observation import Observation, Verdict, as_text


def contains_all(needles: list[str], value: Any, obs: Observation) -> Verdict:
    hay = fold(as_text(value))
    missing = [n for n in needles if fold(n) not in hay]
    detail = f"缺少：{'、'.join(missing)}" if missing else "全部出现"
    return Verdict(passed=not missing, score=1 - len(missing) / len(needles), detail=detail)


def contains_any(needles: list[str], value: Any, obs: Observation) -> Verdict:
    hay = fold(as_text(value))
    found = next((n for n in needles if fold(n) in hay), None)
    return Verdict(passed=found is not None, score=float(found is not None),
                   detail=f"出现了：{found}" if found else f"一个也没有：{'、'.join(needles)}")


def not_contains(needles: list[str], value: Any, obs: Observation) -> Verdict:
    hay = fold(as_text(value))
    spans = []
    for needle in needles:
        at = hay.find(fold(needle))
        if at >= 0:
            spans.append(excerpt(hay, at, at + len(fold(needle))))
    detail = f"出现了：{'；'.join(spans)}" if spans else "都没有出现"
    return Verdict(passed=not spans, score=1 - len(spans) / len(needles), detail=detail)


def regex(pattern: str, value: Any, obs: Observation) -> Verdict:
    text = soften(as_text(value))
    m = re.search(pattern, text, re.M)
    detail = f"匹配：{excerpt(text, m.start(), m.end())}" if m else f"没有匹配 /{pattern}/"
    return Verdict(passed=bool(m), score=float(bool(m)), detail=detail)


def _chars(value: Any) -> int:
    return len(re.sub(r"\s+", "", as_text(value)))


def max_chars(limit: int, value: Any, obs: Observation) -> Verdict:
    n = _chars(value)
    return Verdict(passed=n <= limit, score=1.0 if n <= limit else limit / n, detail=f"{n} 字（上限 {limit}）")


def min_chars(limit: int, value: Any, obs: Observation) -> Verdict:
    n = _chars(value)
    return Verdict(passed=n >= limit, score=1.0 if n >= limit else n / limit, detail=f"{n} 字（下限 {limit}）")


def equals(expected: Any, value: Any, obs: Observation) -> Verdict:
    same = value == expected or (isinstance(value, str) and isinstance(expected, str) and fold(value) == fold(expected))
    return Verdict(passed=same, score=float(same), detail=f"实际：{as_text(value)[:80]!s}（期望：{as_text(expected)}）")


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


def rouge_l_min(spec: dict[str, Any], value: Any, obs: Observation) -> Verdict:
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


def distinct_min(spec: dict[str, Any], value: Any, obs: Observation) -> Verdict:
    items = [as_text(v) for v in value] if isinstance(value, list) else \
        [line for line in as_text(value).splitlines() if line.strip()]
    labels = [f"“{item[:16]}”" for item in items]
    return check_distinct(spec, items, labels)

"""Policy claims read by meaning: a sentence that gives a period (十天之内, 48 hours, 一个月) in words the fixed readings
of claims.py do not know ("收到货以后三十天之内不想要都可以寄回来", "Items can be returned within 30 days") is compared with
example sentences of each timed policy (corpus/phrasebook/claims-by-meaning.yaml) through the one semantic matcher;
when it is clearly about one of them, its period becomes a claim like any other and is checked against the shop's
facts. Without the embedding model nothing is read this way, and the fixed readings work as before."""

import json
import re
from functools import cache, lru_cache
from typing import get_args

from pydantic import BaseModel

from aigc_cs.guard.claims import ORDER_SPECIFIC, Claim, ClaimKey
from aigc_cs.paths import corpus_yaml
from aigc_cs.text import CN_DIGITS, NUMBER, normalize, to_number

FILE = "phrasebook/claims-by-meaning.yaml"
OTHER = "other"
_SENTENCE = re.compile(r"[^。！？!?\n；;]+")
_CLAUSE = re.compile(r"[^，,]+[，,]?")
# one order's arrangement ("您这单三天内寄出", "给您补发的三天内寄出"), not the shop's policy
_ONE_ORDER = re.compile(ORDER_SPECIFIC.pattern + r"|为您|给您安排|给您补|帮您")
# a step of its own after the period in the same clause: the period is that step's (验货, 审核, 送达, 安装…)
_OTHER_STEP = re.compile(r"验货|检查|质检|审核|核实|送达|到达|运到|补货|到货|生产|制作|做好|安装|上门|回访|inspect|deliver|arriv",
                         re.IGNORECASE)
_EXCEEDS = re.compile(r"超过|超出|过了|晚了|延迟|迟了|more than|over|after", re.IGNORECASE)
_QUESTION = re.compile(r"[吗么嘛]\s*$|^\s*(?:能不能|可不可以|是不是|有没有)")
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "fourteen": 14, "fifteen": 15, "thirty": 30}
# a month needs 个 (三个月, 半个月): "12月1日" is a date; 周六周日, 星期六 are days of the week, no 六周
_CN_PERIOD = re.compile(rf"(?<![第\d.{CN_DIGITS}])(?<!周)(?<!星期)(?<!礼拜)(半|{NUMBER})\s*(?:(?:个)?\s*(工作日|小时|钟头|分钟|天|日(?=之?内|以内)|周|星期|礼拜)|个\s*(月))")
_EN_PERIOD = re.compile(r"\b(\d+|" + "|".join(_EN_NUMBERS) + r")\s*-?\s*"
                        r"(business days?|working days?|days?|hours?|weeks?|months?|minutes?)\b", re.IGNORECASE)
# how many of a fact's unit one period unit is (None: the period cannot state that fact)
_UNITS: dict[str, dict[str, float]] = {
    "天": {"days": 1, "hours": 24, "workdays": 1},
    "周": {"days": 7, "hours": 168, "workdays": 5},
    "月": {"days": 30, "workdays": 22},
    "小时": {"hours": 1},
    "工作日": {"workdays": 1, "days": 1},
}
_SAME = {"日": "天", "星期": "周", "礼拜": "周", "钟头": "小时", "day": "天", "week": "周", "month": "月",
         "hour": "小时", "minute": "分钟", "business day": "工作日", "working day": "工作日"}
_FACT_UNIT = {"no_reason_return_days": "days", "quality_claim_days": "days", "ship_within_hours": "hours",
              "refund_working_days": "workdays"}


class Book(BaseModel):
    bar: float
    margin: float
    anchors: dict[str, str]  # a word of the policy's topic the sentence must contain (regex)
    kinds: dict[str, list[str]]


@cache
def book() -> Book:
    data = Book.model_validate(corpus_yaml(FILE))
    unknown = (set(data.kinds) | set(data.anchors)) - set(_FACT_UNIT) - {OTHER}
    if unknown or not set(get_args(ClaimKey)) >= set(_FACT_UNIT):
        raise ValueError(f"{FILE}: unknown kinds {sorted(unknown)}")
    return data


class _Period(BaseModel):
    number: float
    unit: str
    at: tuple[int, int]  # where the period itself is in the text
    start: int  # where the window of clauses around it begins and ends
    end: int


def _periods(text: str, sentence: re.Match[str]) -> list[_Period]:
    """Each period of a sentence (a range such as 三到五天 by its upper end) with its window: the clause that holds
    it and the clauses on either side ("签收后7天内，吊牌完好的可以退换" says what the 7天 are for after the comma)."""
    clauses = [(sentence.start() + c.start(), sentence.start() + c.end()) for c in _CLAUSE.finditer(sentence.group(0))]
    out = []
    for found in [*_CN_PERIOD.finditer(sentence.group(0)), *_EN_PERIOD.finditer(sentence.group(0))]:
        at = sentence.start() + found.start()
        if _EXCEEDS.search(text[max(0, at - 3):at]):  # "超过24小时没发货的…补偿": a condition, no window
            continue
        i = next((n for n, (b, e) in enumerate(clauses) if b <= at < e), 0)
        if _OTHER_STEP.search(text[sentence.start() + found.end():clauses[i][1]]):
            continue  # "收到后1-2天内验货，验货通过就退款": the period is the inspection's, not the refund's
        word = found.group(1).lower()
        if word == "半":
            number = 0.5
        elif word in _EN_NUMBERS:
            number = float(_EN_NUMBERS[word])
        else:
            number = to_number(word)
        if number is None:
            continue
        unit = (found.group(2) or found.group(3)) if found.re is _CN_PERIOD else found.group(2).lower().rstrip("s")
        out.append(_Period(number=number, unit=_SAME.get(unit, unit), at=(at, sentence.start() + found.end()),
                           start=clauses[max(0, i - 1)][0],
                           end=clauses[min(len(clauses) - 1, i + 1)][1]))
    return out


@cache
def _anchor(kind: str) -> re.Pattern[str]:
    return re.compile(book().anchors.get(kind, ""), re.IGNORECASE)


def _value(key: str, number: float, unit: str) -> float | None:
    factor = _UNITS.get(unit, {}).get(_FACT_UNIT[key])
    return None if factor is None else number * factor


def claims(text: str, fixed: list[Claim]) -> list[Claim]:
    """The timed policy claims of `text` (offsets in the normalised text, like claims.extract) that the fixed readings
    (`fixed`) did not find: a period inside any of their spans, or near one of their timed claims, is left to them
    ("付款后48小时内发货，发到新疆一般5到7天": the 5到7天 are no second shipping window)."""
    text = normalize(text)
    taken = tuple((c.start, c.end, c.key in _FACT_UNIT) for c in fixed)
    return [Claim(key=key, value=value, quote=text[start:end], start=start, end=end)
            for key, value, start, end in _read(text, taken)]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and a[1] > b[0]


@lru_cache(maxsize=4096)  # the checker, the scorer and the improver read the same answer
def _read(text: str, taken: tuple[tuple[int, int, bool], ...]) -> tuple[tuple[str, float, int, int], ...]:
    candidates = [period for sentence in _SENTENCE.finditer(text) if not _QUESTION.search(sentence.group(0))
                  for period in _periods(text, sentence)]
    candidates = [p for p in candidates if not any(_overlaps(p.at, (s, e)) or (timed and _overlaps((p.start, p.end), (s, e)))
                                                  for s, e, timed in taken)]
    if not candidates:
        return ()
    from aigc_cs.kb.semantic import matcher

    data = book()
    windows = [text[p.start:p.end].strip(" ，,") for p in candidates]
    scores = matcher("claims-by-meaning", json.dumps(data.kinds, ensure_ascii=False)).scores(windows)
    if scores is None:  # no embedding model
        return ()
    labels = list(data.kinds)
    other = labels.index(OTHER)
    out = []
    for row, period, window in zip(scores, candidates, windows, strict=True):
        best = int(row.argmax())
        if best == other or row[best] < data.bar or row[best] - row[other] < data.margin \
                or not _anchor(labels[best]).search(window) or _ONE_ORDER.search(window):
            continue
        value = _value(labels[best], period.number, period.unit)
        if value is not None:
            lead = len(text[period.start:period.end]) - len(text[period.start:period.end].lstrip(" ，,"))
            out.append((labels[best], value, period.start + lead, period.start + lead + len(window)))
    return tuple(out)

"""Detect the 5 pre-sale steps (迎接问好 → 解答疑问 → 商品推荐 → 促成订单 → 礼貌告别) in a rep's lines.

`detect_steps(turns)` reads a chat (customer and rep turns); `detect_steps_in_text(text)` reads one reply or
script written by a rep, each line a turn. Both return one `StepCheck` per step, in flow order: ``ok``, ``weak``
(done badly: a cold opener, a vague answer, hard selling, an abrupt ending) or ``missing``, with the line and the
quote that show it. The markers are data in ``corpus/phrasebook/steps.yaml``.
"""

import re
from collections.abc import Sequence
from functools import cache
from typing import Literal

from pydantic import BaseModel

from aigc_cs.kb.models import Citation
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.transcript import Turn
from aigc_cs.text import normalize

StepId = Literal["greet", "answer", "recommend", "close", "farewell"]
Status = Literal["ok", "weak", "missing"]
STEPS_FILE = "phrasebook/steps.yaml"
MIN_ANSWER_CHARS = 6  # a rep's line shorter than this answers nothing


class StepSpec(BaseModel):
    id: StepId
    name: str
    cite: Citation
    markers: list[str]
    weak: list[str] = []
    full: list[str] = []
    missing: str
    weak_advice: str

    def has_marker(self, text: str) -> bool:
        return any(m in text for m in self.markers)

    def weak_match(self, text: str) -> re.Match[str] | None:
        return next((m for p in self.weak if (m := re.search(p, text))), None)


class StepCheck(BaseModel):
    step: StepId
    name: str
    status: Status
    line: int | None  # where it was seen, or where it should have been
    quote: str
    note: str  # what the detector saw, in Chinese
    advice: str
    cite: Citation


@cache
def specs() -> dict[str, StepSpec]:
    data = corpus_yaml(STEPS_FILE)
    return {item["id"]: StepSpec.model_validate(item) for item in data["steps"]}


def detect_steps(turns: Sequence[Turn]) -> list[StepCheck]:
    """One check per step for a chat; the rep's turns are read, the customer's only for who spoke last."""
    agent = [Turn(line=t.line, role=t.role, text=normalize(t.text)) for t in turns if t.role == "agent"]
    last_is_customer = bool(turns) and turns[-1].role == "customer"
    s = specs()
    return [_greet(s["greet"], agent), _answer(s["answer"], agent), _marked(s["recommend"], agent),
            _marked(s["close"], agent), _farewell(s["farewell"], agent, turns[-1] if last_is_customer else None)]


def detect_steps_in_text(text: str) -> list[StepCheck]:
    """One check per step for a reply or script written by the rep; each non-empty line is one turn."""
    turns = [Turn(line=i, role="agent", text=line) for i, line in enumerate(text.splitlines(), 1) if line.strip()]
    return detect_steps(turns)


def missing_steps(checks: Sequence[StepCheck]) -> list[str]:
    """Names of the steps that are not done well."""
    return [c.name for c in checks if c.status != "ok"]


def _check(spec: StepSpec, status: Status, turn: Turn | None, note: str, quote: str | None = None) -> StepCheck:
    advice = {"ok": "", "weak": spec.weak_advice, "missing": spec.missing}[status]
    return StepCheck(step=spec.id, name=spec.name, status=status, line=turn.line if turn else None,
                     quote=quote if quote is not None else (turn.text if turn else ""), note=note, advice=advice,
                     cite=spec.cite)


def _greet(spec: StepSpec, agent: list[Turn]) -> StepCheck:
    if not agent:
        return _check(spec, "missing", None, "客服没有说过话")
    first = agent[0]
    if spec.weak_match(first.text):
        return _check(spec, "weak", first, f"开场只回了“{first.text}”，冷淡、没有问候也没有引导")
    if spec.has_marker(first.text):
        if any(w in first.text for w in spec.full):
            return _check(spec, "ok", first, "开场有问候、自我介绍或询问需求")
        return _check(spec, "weak", first, "开场只有一句问候，没有自我介绍，也没有询问顾客需要什么")
    later = next((t for t in agent[1:] if spec.has_marker(t.text)), None)
    if later:
        return _check(spec, "weak", later, "问候来得太晚，开场直接进入了正题")
    return _check(spec, "missing", first, "对话里没有问候顾客")


def _answer(spec: StepSpec, agent: list[Turn]) -> StepCheck:
    s = specs()
    courtesy = [*s["greet"].markers, *s["greet"].full, *s["farewell"].markers]
    content = [t for t in agent if len(t.text) >= MIN_ANSWER_CHARS and not s["greet"].weak_match(t.text)
               and not _only(t.text, courtesy)]
    if not content:
        return _check(spec, "missing", agent[-1] if agent else None, "客服没有正面回答顾客的问题")
    vague = next(((t, m) for t in agent if (m := spec.weak_match(t.text))), None)
    if vague:
        turn, match = vague
        return _check(spec, "weak", turn, f"回答含糊或把问题推回给顾客：“{match.group(0)}”")
    return _check(spec, "ok", content[0], "有具体的回答")


def _only(text: str, markers: list[str]) -> bool:
    """Whether every clause of `text` is courtesy (a greeting or a farewell) and nothing else."""
    clauses = [c for c in re.split(r"[，,。！!？?；;~～\s]+", text) if c]
    return all(any(m in c for m in markers) for c in clauses)


def _marked(spec: StepSpec, agent: list[Turn]) -> StepCheck:
    """Recommend and close: done when a marker appears; weak when it comes with hard selling."""
    pushy = next(((t, m) for t in agent if (m := spec.weak_match(t.text))), None)
    if pushy:
        turn, match = pushy
        return _check(spec, "weak", turn, f"有催促或强推的说法：“{match.group(0)}”")
    done = next((t for t in agent if spec.has_marker(t.text)), None)
    if done:
        return _check(spec, "ok", done, f"做到了“{spec.name}”")
    return _check(spec, "missing", agent[-1] if agent else None, f"对话里没有“{spec.name}”这一步")


def _farewell(spec: StepSpec, agent: list[Turn], unanswered: Turn | None) -> StepCheck:
    if not agent:
        return _check(spec, "missing", None, "客服没有说过话")
    last = agent[-1]
    earlier = next((t for t in reversed(agent[:-1]) if spec.has_marker(t.text)), None)
    if unanswered is not None and unanswered.line >= last.line:
        if spec.has_marker(last.text) or earlier:
            return _check(spec, "weak", unanswered, "顾客最后一句没有得到回应，客服先离开了")
        return _check(spec, "missing", unanswered, "顾客说完最后一句，客服没有回应就结束了")
    if spec.has_marker(last.text):
        return _check(spec, "ok", last, "结尾有感谢和邀请")
    if earlier:
        return _check(spec, "weak", last, "感谢的话说在了中间，结尾却很生硬")
    if spec.weak_match(last.text):
        return _check(spec, "missing", last, f"结尾只回了“{last.text}”，没有感谢和告别")
    return _check(spec, "missing", last, "结尾没有感谢顾客，也没有邀请随时再来问")

"""The rule-based diagnosis of a chat that did not convert: the pre-sale steps the rep missed, the wording faults,
the doubts left open and the policy claims that contradict the shop's facts, each tied to its line."""

from functools import cache
from typing import Literal

from pydantic import BaseModel

from aigc_cs.guard.check import check_in_context, describe
from aigc_cs.guard.lexicon import KIND_NAMES, LANGUAGE_KINDS
from aigc_cs.guard.tone import wording
from aigc_cs.kb.models import Citation, Shop
from aigc_cs.paths import corpus_yaml
from aigc_cs.tasks.doubts import Doubt
from aigc_cs.tasks.steps import StepCheck
from aigc_cs.tasks.transcript import Turn

REWRITE_FILE = "phrasebook/rewrite.yaml"
FindingKind = Literal["step", "wording", "doubt", "policy"]
KIND_ORDER = {"policy": 0, "doubt": 1, "wording": 2, "step": 3}


class Finding(BaseModel):
    kind: FindingKind  # step: a pre-sale step missing or weak; wording: 禁用语/极限词/网络流行语;
    # doubt: a doubt the rep never removed; policy: a claim that contradicts the shop's facts
    label: str
    line: int | None
    quote: str
    problem: str
    advice: str
    cite: Citation



@cache
def settings() -> dict:
    return corpus_yaml(REWRITE_FILE)


def step_findings(steps: list[StepCheck]) -> list[Finding]:
    word = {"weak": "不到位", "missing": "缺失"}
    return [Finding(kind="step", label=f"{c.name}{word[c.status]}", line=c.line, quote=c.quote, problem=c.note,
                    advice=c.advice, cite=c.cite) for c in steps if c.status != "ok"]


def wording_findings(turns: list[Turn]) -> list[Finding]:
    cites = settings()["wording_cite"]
    return [Finding(kind="wording", label=KIND_NAMES[h.kind], line=t.line, quote=h.quote, problem=h.why,
                    advice=f"可以改成：{h.instead}", cite=Citation(**cites[h.kind]))
            for t in turns if t.role == "agent" for h in wording(t.text, LANGUAGE_KINDS)]


def doubt_findings(doubts: list[Doubt], shop: Shop) -> list[Finding]:
    findings = []
    for d in doubts:
        if d.answered:
            continue
        facts = "；".join(describe(key, shop.facts) for key in d.kind.facts)
        findings.append(Finding(
            kind="doubt", label=f"{d.kind.name}顾虑未消除", line=d.turn.line, quote=d.turn.text,
            problem=f"顾客提到“{d.word}”，有{d.kind.name}方面的顾虑，客服后面没有正面回应",
            advice=f"先表示理解，再用事实回应：{facts}", cite=d.kind.cite))
    return findings


def policy_findings(turns: list[Turn], shop: Shop) -> list[Finding]:
    """Claims in the rep's lines that contradict the facts; the customer's line before gives the context
    ("不合适的话运费谁出" makes "运费我们出" a claim about the buyer's own reason)."""
    findings, asked = [], ""
    for turn in turns:
        if turn.role == "customer":
            asked = turn.text
            continue
        for v in check_in_context(turn.text, shop, asked).violations:
            findings.append(Finding(kind="policy", label="政策错误", line=turn.line, quote=v.quote,
                                    problem=f"“{v.quote}”与店铺政策不符", advice=f"按店铺政策说：本店{v.fact}",
                                    cite=policy_cite(shop, settings()["policy_sections"].get(v.key, []))))
    return findings


def policy_cite(shop: Shop, words: list[str]) -> Citation:
    heading = next((h for w in words for h in shop.policy_sections if w in h), "")
    return Citation(source=shop.policy_source, section=heading)

"""Judge one reply of the student: did it remove the doubt the customer is waiting on, with something concrete from
the shop's facts or the product's file? Was it cold, evasive, rude, pushy, or wrong about the shop's policy?

The detectors are the course's own: the five kinds of doubt of doubts.yaml (the facts that remove each), the step
markers of steps.yaml, the lexicon, the policy guard (with the customer's last line as context, as the rewrite's
diagnosis reads a chat) and the grader's reading of the shop's passages. What counts for how much is data in
``corpus/personas/_judge.yaml``.
"""

from collections.abc import Callable
from functools import cache

from aigc_cs.grading.documents import shared
from aigc_cs.guard.check import check_text
from aigc_cs.guard.claims import extract
from aigc_cs.guard.facts import stated
from aigc_cs.guard.lexicon import KIND_NAMES
from aigc_cs.guard.tone import wording
from aigc_cs.kb.models import Product, Shop
from aigc_cs.practice.models import HiddenDoubt, Hint, Judgement, Persona, Verdict
from aigc_cs.practice.personas import fact_fields, judge_settings
from aigc_cs.tasks.diagnosis import policy_cite, policy_findings
from aigc_cs.tasks.doubts import DoubtKind, kinds
from aigc_cs.tasks.relevance import relevant
from aigc_cs.tasks.steps import specs as step_specs
from aigc_cs.tasks.transcript import Turn
from aigc_cs.text import normalize

PRODUCT_SENTENCES = 3  # the sentences of a product file that may answer one customer line


@cache
def doubt_kind(kind_id: str) -> DoubtKind:
    return next(k for k in kinds() if k.id == kind_id)


def product_text(product: Product) -> str:
    return normalize(" ".join(section.text for section in product.sections.values()))


def judge(reply: str, asked: str, doubt: int | None, persona: Persona, shop: Shop, product: Product,
          passages: Callable[[], list[str]], first: bool = False, closing: bool = False) -> Judgement:
    """The verdict on `reply`, an answer to the customer's line `asked` while the persona's doubt number `doubt`
    (or none) is pending; `passages` gives the shop passages that answer `asked` (retrieved only when needed).
    `first` and `closing` mark the opening reply and the reply after the customer decided."""
    s = judge_settings()
    text = normalize(reply)
    findings = policy_findings([Turn(line=1, role="customer", text=asked), Turn(line=2, role="agent", text=reply)], shop)
    hits = wording(text, tuple(KIND_NAMES))  # the word lists, and a sentence the tone model reads as rude
    pressure = [h for h in hits if h.kind == "pressure"]  # hard selling, also listed as a 禁用语 family: pushy, not rude
    rude = any(h.kind in s.rude_kinds and h.term not in s.cold_words
               and not any(p.start < h.end and h.start < p.end for p in pressure) for h in hits)
    hidden = persona.doubts[doubt] if doubt is not None else None
    invites = "？" in text or any(w in text for w in s.invite)
    problem = _problem(text, bool(findings), rude, bool(pressure))
    if problem:
        verdict: Verdict = problem
    elif hidden is not None:
        asks_back = "？" in text or "请问" in text
        verdict = "ok" if addresses(text, asked, hidden, shop, product, passages) else ("clarify" if asks_back else "missed")
    else:
        verdict = "ok" if invites or closing else "uninvited"
    hints = [Hint(kind="policy", message=f"说错政策：{f.problem}，{f.advice}") for f in findings]
    hints += [Hint(kind="wording", message=h.message()) for h in hits]
    hints += _advice(verdict, text, hidden, shop, product, first, closing)
    return Judgement(verdict=verdict, policy_errors=[f"{f.problem}，{f.advice}" for f in findings],
                     wording=[h.message() for h in hits], rude=rude, invites=invites, hints=hints)


def _problem(text: str, wrong: bool, rude: bool, pressure: bool) -> Verdict | None:
    """The worst thing about a reply, in the order of _judge.yaml; None when nothing is wrong with it."""
    s, steps = judge_settings(), step_specs()
    content = sum(1 for c in text if c.isalnum())
    if wrong:
        return "wrong"
    if steps["greet"].weak_match(text) or (content < s.min_reply_chars and not steps["farewell"].has_marker(text)):
        return "cold"
    if steps["answer"].weak_match(text):
        return "evasive"
    if rude:
        return "rude"
    if pressure or steps["recommend"].weak_match(text) or steps["close"].weak_match(text):
        return "pushy"
    return None


def addresses(text: str, asked: str, doubt: HiddenDoubt, shop: Shop, product: Product,
              passages: Callable[[], list[str]]) -> bool:
    """Whether a reply removes a doubt, with something concrete and not vaguely: one of the doubt's policy facts stated
    correctly, or enough details shared with the shop's passages that answer the customer's line (the grader's
    reading), or, for doubts about the goods themselves, with the product's own file."""
    evidence = judge_settings().evidence
    claims = extract(text)
    violated = {v.key for v in check_text(text, shop).violations}
    keys = doubt.facts or doubt_kind(doubt.kind).facts
    if any(stated(field, text, shop, claims, violated) for key in keys for field in fact_fields(key)):
        return True
    question = normalize(asked)
    if doubt.kind in evidence.product_kinds:  # the product file's sentences about what the customer asked
        about = " ".join(relevant(product_text(product), question, PRODUCT_SENTENCES))
        if len(shared(text, [about], question)) >= evidence.pairs:
            return True
    return len(shared(text, passages(), question)) >= evidence.pairs


def _advice(verdict: Verdict, text: str, doubt: HiddenDoubt | None, shop: Shop, product: Product, first: bool,
            closing: bool) -> list[Hint]:
    s, steps = judge_settings(), step_specs()
    advice = {"cold": steps["greet"].weak_advice, "evasive": steps["answer"].weak_advice,
              "pushy": steps["close"].weak_advice, "uninvited": s.hints["uninvited"]}
    hints = [Hint(kind="step", message=advice[verdict])] if verdict in advice else []
    if verdict == "missed" and doubt is not None:
        kind = doubt_kind(doubt.kind)
        where = policy_cite(shop, kind.policy).section or "店铺政策"
        if doubt.kind in s.evidence.product_kinds:
            where += f"，商品资料“{product.name}”"
        hints.append(Hint(kind="doubt", message=s.hints["missed"].format(doubt=kind.name, where=where)))
    if first and not steps["greet"].has_marker(text):
        hints.append(Hint(kind="step", message=s.hints["greet"]))
    if closing and not steps["farewell"].has_marker(text):
        hints.append(Hint(kind="step", message=s.hints["farewell"]))
    return hints

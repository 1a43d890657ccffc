"""Offers a text makes that the shop's facts do not back: coupons, red packets, cash back, discounts, gifts, points and
free orders (their words are data: corpus/phrasebook/offers.yaml). The policy guard (`check_text`) checks the facts a
text states; this checks what it gives away. Backed offers: the shop's delay compensation, stated in a sentence about a
late order with the fact's amount and form, a coupon or red packet within the rep's concession limit, and an offer the
shop's own documents make (with the same amounts)."""

import re
from functools import cache

from pydantic import BaseModel

from aigc_cs.guard.claims import clause_at
from aigc_cs.kb.models import Shop
from aigc_cs.paths import corpus_yaml
from aigc_cs.text import NUMBER, normalize, to_number

OFFERS_FILE = "phrasebook/offers.yaml"
_SENTENCE = re.compile(r"[^。！？!?\n；;]+")
_AMOUNT = re.compile(rf"({NUMBER})\s*(元|块|折)")  # amounts and discount rates (8折)
_ASKS = re.compile(r"[吗么呢][^\u4e00-\u9fff]*$|[？?]\s*$")
_CONCESSION_FORMS = ("coupon", "red_packet")  # forms the policy lets a concession take
_HAGGLE = re.compile(r"贵|便宜|优惠|砍价|讲价|议价|还价|打折|折扣|少点|少一点|价格|价钱|划算|值不值")
_LEAD = re.compile(rf"{NUMBER}\s*(?:元|块)\S{{0,6}}$")  # the amount just before an offer belongs to its quote


class OfferSpec(BaseModel):
    kind: str
    name: str
    pattern: str


class OfferBook(BaseModel):
    offers: list[OfferSpec]
    negation: str
    delay: str


class Offer(BaseModel):
    kind: str
    name: str
    quote: str
    start: int
    end: int
    message: str


@cache
def book() -> OfferBook:
    return OfferBook.model_validate(corpus_yaml(OFFERS_FILE))


@cache
def _patterns() -> list[tuple[OfferSpec, re.Pattern[str]]]:
    return [(spec, re.compile(spec.pattern)) for spec in book().offers]


def _amounts(text: str) -> set[tuple[float, str]]:
    """(value, 元 or 折) of every amount: 5折 is no 5元."""
    return {(v, "折" if unit == "折" else "元") for m, unit in _AMOUNT.findall(text) if (v := to_number(m)) is not None}


def _backed(spec: OfferSpec, sentence: str, shop: Shop, situation: str | None) -> bool:
    """The delay compensation in a sentence about a late order (or in any sentence, when the `situation` is one), or a
    coupon within the concession limit, unless the situation is known and the customer did not bring up the price
    (嫌贵, 能便宜点吗, 价格犹豫): a coupon nobody asked for (a revisit, 送您一张20元券) is an offer of the rep's own."""
    facts = shop.facts
    amounts = _amounts(sentence)
    fact = facts.delay_compensation or ""
    concede = not situation or bool(_HAGGLE.search(situation))
    if fact and re.search(book().delay, sentence + (situation or "")) and amounts and amounts <= _amounts(fact) \
            and re.search(spec.pattern, fact):
        return True
    return (concede and spec.kind in _CONCESSION_FORMS and facts.bargain_limit_yuan > 0 and bool(amounts)
            and all(unit == "元" and value <= facts.bargain_limit_yuan for value, unit in amounts))


def _allowed(shop: Shop) -> str:
    facts = shop.facts
    parts = []
    if facts.delay_compensation:
        parts.append(f"延迟发货补偿（{facts.delay_compensation}）")
    if facts.bargain_limit_yuan > 0:
        parts.append(f"客服权限内让利不超过{facts.bargain_limit_yuan:g}元")
    return "；本店政策只允许：" + "、".join(parts) if parts else "；本店政策没有任何额外优惠"


def _documented(spec: OfferSpec, sentence: str, documents: tuple[str, ...]) -> bool:
    """The shop's own documents make the same kind of offer (关注店铺可以领一张满99减5元的店铺券), with every amount the
    sentence gives: a rep may repeat what the shop has written down."""
    amounts = _amounts(sentence)
    return any(re.search(spec.pattern, said) and not re.search(book().negation, said[: re.search(spec.pattern, said).start()])
               and amounts <= _amounts(said)
               for document in documents for said in _SENTENCE.findall(normalize(document)))


def invented_offers(text: str, shop: Shop, documents: tuple[str, ...] = (), situation: str | None = None
                    ) -> list[Offer]:
    """Every offer in `text` that the shop's facts (or its own `documents`, the passages a task retrieved) do not
    back, in order; offsets refer to the normalised text. `situation`: what the text answers (a grading scenario),
    when known (see `_backed`)."""
    text = normalize(text)
    found: list[Offer] = []
    taken: list[tuple[int, int]] = []
    for sentence in _SENTENCE.finditer(text):
        clause_text = sentence.group(0)
        if _ASKS.search(clause_text):  # a question offers nothing ("您手上有优惠券吗")
            continue
        for spec, pattern in _patterns():
            for m in pattern.finditer(clause_text):
                before = clause_text[: m.start()]
                lead = _LEAD.search(before)
                start, end = sentence.start() + (lead.start() if lead else m.start()), sentence.start() + m.end()
                if any(start < e and end > b for b, e in taken) or re.search(book().negation, before) \
                        or _backed(spec, clause_text, shop, situation) or _documented(spec, clause_at(clause_text, m), documents):
                    continue
                taken.append((start, end))
                quote = text[start:end]
                found.append(Offer(kind=spec.kind, name=spec.name, quote=quote, start=start, end=end,
                                   message=f"“{quote}”：店铺政策里没有这项{spec.name}，不能自己许诺{_allowed(shop)}"
                                           f"（来源：{shop.policy_source}）"))
    return sorted(found, key=lambda o: o.start)

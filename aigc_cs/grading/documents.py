"""What the shop's own documents say about a scenario, for the accuracy checks: the passages that answer it, the
content an answer shares with them, and the numbers an answer gives that the nearest passage sentence gives
otherwise ("18点前付款当天发" where the policy says 16点), and what an answer offers that a passage rules out
("能开增值税专用发票" where the policy says 不开增值税专用发票), and which policy claims a passage makes for a case of its
own (刻字的…72小时内发出).

A FAQ or pre-sale question is often narrower than its intent ("能发顺丰吗" is a delivery question whose answer is
in the policy prose, not in a YAML fact): an answer built from the shop's own passage is on the facts."""

import re
from functools import cache, lru_cache
from itertools import pairwise

from aigc_cs.grading.models import Fault
from aigc_cs.guard.check import GuardReport, Violation
from aigc_cs.text import NUMBER, STOPWORDS, normalize, to_number, tokens

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
PASSAGES = 3  # the scenario's best shop passages (policy sections, product files, FAQ entries)
_SENTENCE = re.compile(r"[^。！？!?\n；;]+")
# a time or period with its unit: the details a shop sets (当天16点前, 3个工作日, 2天内); prices and sizes vary
# by product and variant, so they are left to the policy facts and the product checks
_MEASURE = re.compile(rf"({NUMBER})\s*(点|天|小时|个工作日|工作日|分钟)")
_SAME_UNIT = {"个工作日": "工作日"}
_BREADCRUMB = re.compile(r"^【[^】]*】\s*")
_CLAUSE = re.compile(r"[^，,。！？!?\n；;：:]+")
_LISTED = re.compile(r"[、和及与]")  # 新疆、西藏、青海和内蒙古
# what a shop rules out: 不开增值税专用发票, 不能再补开, 不接受到付件, 暂时不能指定别的快递
_DENIAL = re.compile(r"(?:不(?:能|可以|支持|接受|参与|参加|包括|再|(开|赠送|送|补|提供))|无法|没法|没办法|暂不|暂时不能)"
                     r"\s*(?:再|给您|为您|帮您)?\s*([\u4e00-\u9fffA-Za-z]{2,12})")
# a denial under a condition (拆封后就不支持无理由退货, 已经发货的订单不能改地址) does not rule the thing out
_CONDITION = re.compile(r"就|以后|之后|已经|超过|如果|一旦|否则|的话")
_NEGATED = re.compile(r"不(?!好意思|客气|用担心|用着急|便)|没|无法|未|别|非")
_OFFERED = re.compile(r"可以|能|支持|没问题|随时|都行|就行|行的|提供|免费|给您|帮您|为您")
_GENERIC = frozenset(["可以", "商品", "订单", "客服", "联系", "需要", "我们", "您", "本店", "店铺", "购买", "使用", "时间"])


def scenario_passages(scenario: str, shop_id: str, ctx) -> list[str]:
    """The texts of the shop's passages that best answer the scenario (empty without a scenario); when the scenario
    names a product, no passage of another product's file (the cup that must not go in a microwave says nothing
    about the glass box that may)."""
    from aigc_cs.kb.models import SHOP_DOC_TYPES
    from aigc_cs.kb.products import mentioned

    if not scenario.strip():
        return []
    hits = ctx.retriever.search(scenario, shop=shop_id, types=SHOP_DOC_TYPES, k=PASSAGES, customer=True)
    shop = ctx.shop(shop_id)
    named = mentioned(scenario, shop)
    others = {p.source for p in shop.products if named is not None and p.source != named.source}
    return [normalize(_BREADCRUMB.sub("", hit.text)) for hit in hits  # the shop's name is no shared detail
            if hit.source not in others]


@lru_cache(maxsize=16384)  # the passages of a class's scenario are compared with every answer
def pairs(text: str) -> frozenset[str]:
    """Content character pairs and numbers of a text (the units a shop's detail is checked with)."""
    found = {run[i:i + 2] for run in re.findall(r"[\u4e00-\u9fff]+", text) for i in range(len(run) - 1)}
    return frozenset({p for p in found if not set(p) <= STOPWORDS} | set(_DIGITS.findall(text)))


@cache
def service_pairs() -> frozenset[str]:
    """The pairs of the course and the phrase book: the wording of any service message (确认, 主管, 回复, 耐心),
    which tells nothing about one shop's answer."""
    from aigc_cs.paths import corpus_dir

    files = [*sorted((corpus_dir() / "course").glob("*.md")), corpus_dir() / "phrasebook" / "话术手册.md"]
    return frozenset().union(*(pairs(normalize(f.read_text(encoding="utf-8"))) for f in files if f.is_file()))


def shared(stated: str, documents: list[str], scenario: str) -> list[str]:
    """What the answer says that comes from the shop documents, and not from the question or from the words of
    any service message."""
    source = set().union(*(pairs(d) for d in documents)) if documents else set()
    return sorted((pairs(stated) & source) - pairs(normalize(scenario)) - service_pairs())


def _measures(sentence: str) -> dict[str, set[float]]:
    out: dict[str, set[float]] = {}
    for number, unit in _MEASURE.findall(sentence):
        value = to_number(number)
        if value is not None:
            out.setdefault(_SAME_UNIT.get(unit, unit), set()).add(value)
    return out


def mismatches(text: str, documents: list[str], scenario: str = "", facts: set[float] | None = None) -> list[Fault]:
    """Times of the answer (clause by clause) that the nearest document sentence (most shared content) gives with the
    same unit but another value, and that neither a document sentence, the scenario (the customer's own "下午5点") nor a policy
    fact gives."""
    sources = [s for d in documents for s in _SENTENCE.findall(d) if _MEASURE.search(s)]
    known = {(u, v) for s in [*sources, scenario] for u, values in _measures(s).items() for v in values}
    known |= {(u, v) for u in ("天", "小时", "工作日", "分钟") for v in facts or set()}
    faults = []
    for clause in (c for s in _SENTENCE.findall(text) for c in _CLAUSE.findall(s)):  # "刻字款72小时内发出，成都2-4天到"
        said = _measures(clause)  # is two details, each with a document sentence of its own
        if not said or not sources:
            continue
        nearest = max(sources, key=lambda s: len(pairs(s) & pairs(clause)))
        if len(pairs(nearest) & pairs(clause) - set(_DIGITS.findall(clause))) < 3:
            continue  # no document sentence is about the same thing
        theirs = _measures(nearest)
        for unit, values in said.items():
            wrong = sorted(v for v in values if unit in theirs and v not in theirs[unit] and (unit, v) not in known)
            if wrong:
                right = "、".join(f"{v:g}{unit}" for v in sorted(theirs[unit]))
                faults.append(Fault(kind="policy", quote=clause.strip(),
                                    message=f"“{wrong[0]:g}{unit}”与店铺资料不符：资料写的是{right}"))
    return faults


def _words(text: str, verb_first: bool = False) -> set[str]:
    """The words of `text`, and each one-character word joined to the longer word after it: a modifier narrows a
    thing (不能用扁气罐 rules out 扁气罐, not every 气罐). `verb_first`: the first word is the verb of a denial (用, 接),
    no modifier."""
    said = tokens(text)
    return set(said) | {a + b for a, b in pairwise(said[1:] if verb_first else said)
                        if len(a) == 1 < len(b) and a not in STOPWORDS}


@lru_cache(maxsize=256)  # the same passages for a whole class
def _ruled_out(documents: tuple[str, ...]) -> list[tuple[str, frozenset[str], str, frozenset[str]]]:
    """(the clause, its key words, the verb, its scope) of each thing the passages rule out without a condition: the
    content words after a negation, and the named places or things before it it applies to (新疆、西藏不参与包邮)."""
    out = []
    for clause in (c for d in documents for c in _CLAUSE.findall(d)):
        for m in _DENIAL.finditer(clause):
            if _CONDITION.search(clause[: m.start()]):
                continue
            words = frozenset(w for w in _words(m.group(2), verb_first=True) if len(w) > 1 and w not in STOPWORDS | _GENERIC)
            items = _LISTED.split(clause[: m.start()].strip(" -*·•\t"))
            scope = frozenset(w for w in items if 2 <= len(w) <= 4) if len(items) > 1 else frozenset()
            if words:  # the verb of 不开/不送/不补 is part of what is ruled out (运费险 may still be bought)
                out.append((clause.strip(" -*·•\t"), words, m.group(1) or "", scope))
    return out


def denials(text: str, documents: list[str]) -> list[Fault]:
    """Clauses of the answer that offer, with no negation, what a passage rules out: every key word of the ruled-out
    thing is there and an offering word (可以, 能, 随时, 帮您…) says it can be done. A thing ruled out for a list of
    places or items (新疆、西藏不参与包邮) is offered only by a sentence that names one of them: with an offering word,
    or saying it with no negation or exception anywhere in the sentence (新疆可以发的，满59元也是包邮的); "加上逗猫棒就能
    包邮" names none of them."""
    ruled = _ruled_out(tuple(documents))
    faults = []
    for sentence in _SENTENCE.findall(text):
        scoped = not _NEGATED.search(sentence) and "除" not in sentence
        for clause in _CLAUSE.findall(sentence):
            if _NEGATED.search(clause):
                continue
            said = _words(clause)
            hit = next((source for source, words, verb, scope in ruled if words <= said and verb in clause
                        and ((scoped or _OFFERED.search(clause)) and any(w in sentence for w in scope) if scope
                             else _OFFERED.search(clause))), None)
            if hit is not None:
                faults.append(Fault(kind="policy", quote=clause.strip(),
                                    message=f"“{clause.strip()}”与店铺资料不符：资料写的是“{hit}”"))
    return faults


def documented(report: GuardReport, text: str, documents: list[str]) -> GuardReport:
    """The guard's report without the claims a shop passage states for a case of its own: the claim's numbers stand
    in a passage sentence that also names what the rest of the answer's clause names (刻字款72小时内发出, where the
    policy says 刻字的保温杯…72小时内发出). A claim with no such qualifier (我们72小时内发出) still contradicts the facts."""
    def backed(v: Violation) -> bool:
        numbers = set(_DIGITS.findall(v.quote))
        clause = next((m for m in _CLAUSE.finditer(text) if m.start() <= v.start < m.end()), None)
        if not numbers or clause is None:
            return False
        rest = clause.group(0).replace(v.quote, " ")
        topic = {w for w in tokens(rest) if len(w) > 1 and w not in STOPWORDS | _GENERIC and not w.isdigit()}
        return any(numbers <= set(_DIGITS.findall(sentence)) and topic & set(tokens(sentence))
                   for d in documents for sentence in _SENTENCE.findall(d))

    kept = [v for v in report.violations if not backed(v)]
    return report if len(kept) == len(report.violations) else report.model_copy(update={"violations": kept})

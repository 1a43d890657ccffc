"""What the shop's own documents say about a scenario, for the accuracy checks: the passages that answer it, the
content an answer shares with them, and the numbers an answer gives that the nearest passage sentence gives
otherwise ("18点前付款当天发" where the policy says 16点).

A FAQ or pre-sale question is often narrower than its intent ("能发顺丰吗" is a delivery question whose answer is
in the policy prose, not in a YAML fact): an answer built from the shop's own passage is on the facts."""

import re
from functools import cache

from aigc_cs.grading.models import Fault
from aigc_cs.text import NUMBER, STOPWORDS, normalize, to_number

PASSAGES = 3  # the scenario's best shop passages (policy sections, product files, FAQ entries)
_SENTENCE = re.compile(r"[^。！？!?\n；;]+")
# a time or period with its unit: the details a shop sets (当天16点前, 3个工作日, 2天内); prices and sizes vary
# by product and variant, so they are left to the policy facts and the product checks
_MEASURE = re.compile(rf"({NUMBER})\s*(点|天|小时|个工作日|工作日|分钟)")
_SAME_UNIT = {"个工作日": "工作日"}


def scenario_passages(scenario: str, shop_id: str, ctx) -> list[str]:
    """The texts of the shop's passages that best answer the scenario (empty without a scenario)."""
    from aigc_cs.kb.models import SHOP_DOC_TYPES

    if not scenario.strip():
        return []
    hits = ctx.retriever.search(scenario, shop=shop_id, types=SHOP_DOC_TYPES, k=PASSAGES, customer=True)
    return [normalize(hit.text) for hit in hits]


def pairs(text: str) -> set[str]:
    """Content character pairs and numbers of a text (the units a shop's detail is checked with)."""
    found = {run[i:i + 2] for run in re.findall(r"[\u4e00-\u9fff]+", text) for i in range(len(run) - 1)}
    return {p for p in found if not set(p) <= STOPWORDS} | set(re.findall(r"\d+(?:\.\d+)?", text))


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
    """Times of the answer that its nearest document sentence (most shared content) gives with the same unit but
    another value, and that neither a document sentence, the scenario (the customer's own "下午5点") nor a policy
    fact gives."""
    sources = [s for d in documents for s in _SENTENCE.findall(d) if _MEASURE.search(s)]
    known = {(u, v) for s in [*sources, scenario] for u, values in _measures(s).items() for v in values}
    known |= {(u, v) for u in ("天", "小时", "工作日", "分钟") for v in facts or set()}
    faults = []
    for sentence in _SENTENCE.findall(text):
        said = _measures(sentence)
        if not said or not sources:
            continue
        nearest = max(sources, key=lambda s: len(pairs(s) & pairs(sentence)))
        if len(pairs(nearest) & pairs(sentence) - set(re.findall(r"\d+(?:\.\d+)?", sentence))) < 3:
            continue  # no document sentence is about the same thing
        theirs = _measures(nearest)
        for unit, values in said.items():
            wrong = sorted(v for v in values if unit in theirs and v not in theirs[unit] and (unit, v) not in known)
            if wrong:
                right = "、".join(f"{v:g}{unit}" for v in sorted(theirs[unit]))
                faults.append(Fault(kind="policy", quote=sentence.strip(),
                                    message=f"“{wrong[0]:g}{unit}”与店铺资料不符：资料写的是{right}"))
    return faults

"""Replies on labelled customer messages: does the offline reply answer the right question with the shop's
facts, and say honestly when nothing in the shop's material answers it?

The labelled messages live in evals/replies/<split>/*.yaml (format in evals/replies/README.md): `dev` is for
tuning, `test` was written blind and is frozen. Shops that are not in the bundled corpus live in evals/shops/;
the eval ingests them with the corpus into an index of its own (``<home>/eval-index``).
"""

import re
import warnings
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.kb.models import PolicyFacts
from aigc_cs.paths import corpus_dir, data_dir
from aigc_cs.text import normalize
from aigc_cs.yaml_safe import safe_load

Split = Literal["dev", "test"]
Label = Literal["in_scope", "smalltalk", "out_of_scope"]


class Message(BaseModel):
    id: str
    shop: str
    message: str
    label: Label
    intents: list[str] = []
    stage: Literal["presale", "aftersale"] = "presale"
    product: str | None = None
    facts: list[str] = []
    must_contain: list[str] = []
    sources: list[str] = []


class Outcome(BaseModel):
    id: str
    shop: str
    label: Label
    stage: str
    message: str
    predicted: list[str]
    answered: bool
    verdict: Literal["right", "missing_facts", "wrong_topic", "abstained", "honest", "not_honest",
                     "smalltalk_ok", "smalltalk_missed"]
    missing: list[str] = []
    contradicted: list[str] = []
    asked_to_order: bool = False
    reply: str


class Summary(BaseModel):
    split: str
    messages: int
    in_scope: int
    right_facts: float = Field(description="in-scope messages answered on topic with every labelled fact")
    wrong_topic: float = Field(description="in-scope messages answered confidently on another topic")
    abstained: float = Field(description="in-scope messages the reply declined to answer")
    out_of_scope: int
    honest: float = Field(description="out-of-scope messages answered with an honest 'I will check'")
    smalltalk: int
    smalltalk_ok: float
    contradicted: int = Field(description="replies that state a policy fact against the shop's facts")
    asked_to_order: int = Field(description="replies that ask a customer who already bought to place an order")
    shop: str = Field(default="", description="the shop of a per-shop line; empty for the whole split")
    by_shop: list["Summary"] = Field(default_factory=list, description="the same figures for each shop")
    outcomes: list[Outcome] = []


def messages_dir(split: str) -> Path:
    return data_dir("evals") / "replies" / split


def load_messages(split: str) -> list[Message]:
    folder = messages_dir(split)
    items: list[Message] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = safe_load(path.read_text(encoding="utf-8")) or []
            items.extend(Message.model_validate(item) for item in data)
        except (yaml.YAMLError, ValidationError) as exc:
            raise UserError(f"{path}：标注消息格式有误（{type(exc).__name__}），格式见 evals/replies/README.md") from None
    if not items:
        raise UserError(f"{folder}：没有找到标注消息（*.yaml）")
    return items


def eval_context(ctx):
    """A context on ``<home>/eval-index``: the bundled corpus plus the shops of evals/shops (ingested once;
    later runs only re-read what changed). Kept on `ctx`, so that the suites of one run share its index and retriever."""
    from aigc_cs.kb.ingest import ingest
    from aigc_cs.tasks.context import Context

    kept = ctx.__dict__.get("_eval_index_context")
    if kept is not None:
        return kept
    settings = ctx.settings.model_copy(update={"home": ctx.settings.home / "eval-index", "engine": "offline"})
    other = Context(settings)
    ingest(other.index, [corpus_dir(), data_dir("evals") / "shops"], max_bytes=int(settings.max_file_mb * 2**20),
           chunk_chars=settings.chunk_chars)
    ctx.__dict__["_eval_index_context"] = other
    return other


# a reply that asks the customer to buy ("看中了的话现在下单就可以"), not one that mentions ordering
_ORDER = re.compile(r"(?:现在|可以|放心|直接|赶紧|尽快|就)(?:就)?(?:下单|拍下|拍)(?!了)|下单就可以|看中了的话")


def _contains(reply: str, wanted: str) -> bool:
    import cn2an

    text = normalize(reply).replace(" ", "")
    wanted = normalize(wanted).replace(" ", "")
    if wanted in text:
        return True
    with warnings.catch_warnings():  # cn2an warns about words that only look like numbers (万一)
        warnings.simplefilter("ignore")
        return wanted in cn2an.transform(text, "cn2an")


def judge(item: Message, ctx) -> Outcome:
    from aigc_cs.guard.check import check_text
    from aigc_cs.guard.facts import stated
    from aigc_cs.tasks import reply

    out = reply.run(reply.ReplyInput(message=item.message, shop=item.shop), ctx)
    shop = ctx.shop(item.shop)
    predicted = out.intents
    contradicted = [v.quote for v in check_text(out.text, shop).violations]
    base = {"id": item.id, "shop": item.shop, "label": item.label, "stage": item.stage, "message": item.message,
            "predicted": predicted,
            "answered": out.answered, "reply": out.text, "contradicted": contradicted,
            "asked_to_order": item.stage == "aftersale" and bool(_ORDER.search(out.text))}
    if item.label == "smalltalk":
        return Outcome(**base, verdict="smalltalk_ok" if predicted == ["smalltalk"] else "smalltalk_missed")
    if item.label == "out_of_scope":
        return Outcome(**base, verdict="not_honest" if out.answered else "honest")
    if not out.answered:
        return Outcome(**base, verdict="abstained")
    cited = {c.source.split("/")[-1] for c in out.citations}
    on_topic = bool(set(predicted) & set(item.intents)) or (
        not predicted and bool(cited & {s.split("#")[0].split("/")[-1] for s in item.sources}))
    if not on_topic:
        return Outcome(**base, verdict="wrong_topic")
    missing = [k for k in item.facts if k in PolicyFacts.model_fields and not stated(k, out.text, shop)]
    missing += [w for w in item.must_contain if not _contains(out.text, w)]
    return Outcome(**base, verdict="missing_facts" if missing else "right", missing=missing)


def summarize(split: str, outcomes: list[Outcome], shop: str = "") -> Summary:
    def share(label: str, verdicts: tuple[str, ...]) -> tuple[int, float]:
        group = [o for o in outcomes if o.label == label]
        return len(group), round(sum(o.verdict in verdicts for o in group) / len(group), 4) if group else 0.0

    n_in, right = share("in_scope", ("right",))
    _, wrong = share("in_scope", ("wrong_topic",))
    _, abstained = share("in_scope", ("abstained",))
    n_oos, honest = share("out_of_scope", ("honest",))
    n_small, small_ok = share("smalltalk", ("smalltalk_ok",))
    shops = [] if shop else sorted({o.shop for o in outcomes})
    return Summary(split=split, messages=len(outcomes), in_scope=n_in, right_facts=right, wrong_topic=wrong,
                   abstained=abstained, out_of_scope=n_oos, honest=honest, smalltalk=n_small,
                   smalltalk_ok=small_ok, contradicted=sum(bool(o.contradicted) for o in outcomes),
                   asked_to_order=sum(o.asked_to_order for o in outcomes), shop=shop,
                   by_shop=[summarize(split, [o for o in outcomes if o.shop == s], s).model_copy(update={"outcomes": []})
                            for s in shops] if len(shops) > 1 else [],
                   outcomes=outcomes)


def evaluate(ctx, split: Split, on_item=None) -> Summary:
    ectx = eval_context(ctx)
    items = load_messages(split)
    outcomes = []
    for n, item in enumerate(items, 1):
        outcomes.append(judge(item, ectx))
        if on_item:
            on_item(n, len(items))
    return summarize(split, outcomes)


class Fitted(BaseModel):
    thresholds: dict
    objective: float
    messages: int


def _topic(chosen: list[str], item: Message) -> str:
    if item.label == "smalltalk":
        return "ok" if chosen == ["smalltalk"] else "bad"
    if item.label == "out_of_scope":
        return "ok" if not chosen else "bad"
    if not chosen:
        return "abstain"
    return "ok" if set(chosen) & set(item.intents) else "bad"


def fit(ctx, split: Split = "dev") -> Fitted:
    """Fit the probability thresholds on a labelled split by grid search (the classifier's feature weights and
    regularisation stay as recorded in the thresholds file).
    The objective rewards in-scope messages on topic, honest out-of-scope and recognised small talk, and
    charges a confident wrong topic three times (a wrong answer costs more than an honest "I will check")."""
    import itertools

    import numpy as np

    from aigc_cs.kb.answerable import nearest
    from aigc_cs.kb.intents import Thresholds, decide, score, thresholds, trained
    from aigc_cs.kb.products import mentioned

    ectx = eval_context(ctx)
    items = load_messages(split)
    named = [mentioned(item.message, ectx.shop(item.shop)) is not None for item in items]
    best: tuple[float, Thresholds, list] | None = None
    params = thresholds().model  # the classifier's own settings stay as fitted before (see the thresholds file)
    scored = [score(item.message, trained(params)) for item in items]
    for accept, backed, clause in itertools.product(np.arange(0.3, 0.8, 0.05), np.arange(0.2, 0.8, 0.05),
                                                    np.arange(0.4, 0.95, 0.05)):
        t = Thresholds(accept=round(float(accept), 2), corroborated=round(float(backed), 2),
                       clause_accept=round(float(clause), 2), model=params)
        verdicts = [_topic(decide(s, t, n), item) for s, item, n in zip(scored, items, named, strict=True)]
        value = _objective(verdicts, items)
        if best is None or value > best[0]:
            best = (value, t, scored)
    assert best is not None
    value, t, scored = best
    chunks = ectx.index.chunks()
    open_ = [(item, found) for s, item, n in zip(scored, items, named, strict=True)
             if not decide(s, t, n) and (found := nearest(item.message, item.shop, chunks)) is not None]
    answer, gain = t.answer, -1e9
    for candidate in np.arange(0.84, 0.97, 0.005):
        hits = 0.0
        for item, found in open_:
            if found.score >= candidate:
                source = found.chunk.source.split("/")[-1]
                right = item.label == "in_scope" and source in {s.split("#")[0].split("/")[-1] for s in item.sources}
                hits += 1.0 if right else -3.0
        if hits > gain:
            answer, gain = round(float(candidate), 3), hits
    t = t.model_copy(update={"answer": answer, "product_match": _fit_product_match(items, ectx, chunks),
                             "product_sentence": thresholds().product_sentence,
                             "detail": thresholds().detail, "clause_extra": thresholds().clause_extra,
                             "confirmed": thresholds().confirmed})
    return Fitted(thresholds=t.model_dump(), objective=round(value, 4), messages=len(items))


def _fit_product_match(items: list[Message], ectx, chunks) -> float:
    """The sentence similarity at which the nearest product file tells which product a message means: the lowest
    bar at which at least 90 % of the labelled product messages that name no product get the right one."""
    import numpy as np

    from aigc_cs.kb.answerable import nearest
    from aigc_cs.kb.products import mentioned

    pairs = []
    for item in items:
        shop = ectx.shop(item.shop)
        if not item.product or mentioned(item.message, shop) is not None:
            continue
        found = nearest(item.message, item.shop, chunks, {p.source for p in shop.products})
        if found is not None:
            owner = next(p.name for p in shop.products if p.source == found.chunk.source)
            pairs.append((found.score, owner == item.product))
    for bar in np.arange(0.85, 0.97, 0.005):
        taken = [right for score, right in pairs if score >= bar]
        if taken and sum(taken) / len(taken) >= 0.9:
            return round(float(bar), 3)
    return 0.97


def _objective(verdicts: list[str], items: list[Message]) -> float:
    total = 0.0
    for verdict, item in zip(verdicts, items, strict=True):
        total += {"ok": 1.0, "abstain": 0.0, "bad": -3.0 if item.label == "in_scope" else -1.0}[verdict]
    return total / len(items)

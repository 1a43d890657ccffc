"""What a customer's message asks, and where the customer stands (before or after buying).

The intents are data (corpus/phrasebook/intents.yaml): trigger words and example messages for each, and
messages no shop document answers. A linear classifier (kb/classifier.py) trained on the examples reads a
message's meaning, spelling and trigger words; its probability thresholds and training settings are fitted
on the dev split (`aigc-cs eval replies --fit`) and stored in corpus/phrasebook/intent-thresholds.yaml.
"""

import contextlib
import json
import re
from functools import cache

import yaml
from pydantic import BaseModel

from aigc_cs.kb.classifier import Model, Params, digest, train
from aigc_cs.kb.question_words import ASKS, ASKS_TOO
from aigc_cs.kb.signs import held, signed
from aigc_cs.paths import corpus_dir, corpus_yaml
from aigc_cs.text import normalize

INTENTS_FILE = "phrasebook/intents.yaml"
THRESHOLDS_FILE = "phrasebook/intent-thresholds.yaml"
MAX_INTENTS = 3
SMALLTALK = "smalltalk"
OUT_OF_SCOPE = "out_of_scope"
_CLAUSE = re.compile(r"[，。！？、；,.!?;~～\s]+|还有|另外|顺便|再问一下|再问下|然后")


class Intent(BaseModel):
    id: str
    topic: str
    triggers: list[str]
    examples: list[str] = []
    facts: list[str] = []
    cite: list[str] = []
    product: str | None = None
    empathy: bool = False
    after_sale: bool = False  # only a customer who has bought asks it (质量问题, 退款到账, 改地址…)
    family: str = ""  # intents answered from neighbouring rules (发货时间, 到货时间, 发货延迟): see Thresholds.family
    sure: list[str] = []  # words that name this intent (能发韵达吗), alone or first beside the classifier's guess
    steps: list[str] = []  # words of a policy heading under which a shop writes its own procedure (## 怎么申请售后)
    remedy: bool = False  # the shop's own line on what it does once the problem is confirmed replaces the template's
    unless: str = ""  # a regular expression of words that rule the intent out (物流三天没动了: shipped, not 还没发货)
    signs: list[str] = []  # words of a problem that has happened: without one (nor a word of having bought, nor a
    # trigger or sure word of its family), the classifier's pick alone is a question before buying (鸡仔饼咸的还是甜的)


class Thresholds(BaseModel):
    """When the classifier's probabilities name an intent, and how it is trained (fitted on the dev split)."""

    accept: float = 0.5  # probability of the message's top class that names it
    corroborated: float = 0.5  # …when one of its trigger words occurs, or a product question names a product
    confirmed: float = 0.3  # …when both do (牛仔裤洗了会掉色吗: 牛仔裤 named, 掉色吗 a product_care trigger)
    clause_accept: float = 0.6  # a part of the message ("…，还有…") names a further intent at this probability
    clause_extra: float = 0.6  # …when the whole message already names one ("滴管断了 退回去运费你们出吧")
    answer: float = 0.945  # a shop sentence this close in meaning answers a message no intent covers
    product_match: float = 0.9  # …or tells which product a product question means when it names none
    product_sentence: float = 0.88  # a sentence of the named product's own file answers its question
    detail: float = 0.84  # a further sentence of the answering section is this close to the message
    family: float = 1.1  # the top intent's family together reaches this probability (off above 1)
    family_second: float = 1.1  # …and its likeliest sibling, at this probability, is answered too
    model: Params = Params()


class FieldTopic(BaseModel):
    """A topic a product file may label a line or section with (重量, 承重, 安装…): the words customers ask it with
    (a regular expression) and the words of a `键：值` key or `## ` heading that say a field covers it."""

    asks: str
    keys: list[str]
    intent: str = ""  # the product question this topic belongs to (保质期 → product_care), if only one


class Book(BaseModel):
    intents: list[Intent]
    fields: dict[str, FieldTopic] = {}
    out_of_scope_examples: list[str] = []
    aftersale_words: list[str] = []
    smalltalk_kinds: dict[str, list[str]] = {}  # greeting/thanks/ack…: which short line answers small talk


@cache
def book() -> Book:
    return Book.model_validate(corpus_yaml(INTENTS_FILE))


def intents() -> list[Intent]:
    return book().intents


@cache
def field_topics() -> dict[str, tuple[re.Pattern[str], list[str]]]:
    """The topics a product file labels its fields with: id → (the customer's words, compiled; the words of a key)."""
    return {k: (re.compile(t.asks, re.IGNORECASE), t.keys) for k, t in book().fields.items()}


def field_intents(message: str) -> set[str]:
    """The product questions the field topics a message asks about belong to (开封了能放多久 → product_care)."""
    return {t.intent for t in book().fields.values() if t.intent and re.search(t.asks, message, re.IGNORECASE)}


@cache
def thresholds() -> Thresholds:
    path = corpus_dir() / THRESHOLDS_FILE
    return Thresholds.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {})


def _examples() -> dict[str, list[str]]:
    examples = {i.id: i.examples for i in intents() if i.examples}
    if book().out_of_scope_examples:
        examples[OUT_OF_SCOPE] = book().out_of_scope_examples
    return examples


def trained(params: Params) -> Model | None:
    """The classifier for today's examples, from the cache or trained now (about two seconds)."""
    from aigc_cs.kb.semantic import cache_dir, matcher

    examples = _examples()
    if not examples:
        return None
    vectors = matcher("intents", json.dumps(examples, ensure_ascii=False)).vectors()
    triggers = {i.id: i.triggers for i in intents()}
    path = cache_dir() / f"intent-model-{digest(examples, triggers, params, vectors is not None)}.npz"
    if path.exists():
        try:
            return Model.load(path)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is retrained below
    texts = [t for label in examples for t in examples[label]]
    model = train(examples, vectors, [set(keyword_hits(normalize(t).lower())) for t in texts], list(triggers), params)
    with contextlib.suppress(OSError):  # a read-only cache still works, only slower
        model.save(path)
    return model


@cache
def _model() -> Model | None:
    return trained(thresholds().model)


def warm() -> None:
    """Train (or load) the classifier now, at ingest, so that the first reply does not wait for it."""
    _model()


@cache
def _trigger_pattern(trigger: str) -> re.Pattern[str]:
    """A trigger's pattern, compiled once: there are more triggers than `re`'s own cache holds."""
    word = re.escape(trigger.lower())
    return re.compile(rf"(?<![a-z]){word}(?![a-z])" if trigger.isascii() else word)


def _occurrences(trigger: str, text: str) -> list[tuple[int, int]]:
    """Where a trigger occurs; a Latin-letter trigger only as a whole word ("hi" is not in "this")."""
    return [(m.start(), m.end()) for m in _trigger_pattern(trigger).finditer(text)]


def keyword_hits(text: str) -> dict[str, tuple[int, int]]:
    """intent id → (characters of its triggers, position of the first); overlapping triggers go to the
    longer one ("多久到账" is a refund question, not a delivery one)."""
    found = sorted(((end - start, start, end, intent.id) for intent in intents() for t in intent.triggers
                    for start, end in _occurrences(t, text)), reverse=True)
    taken: list[tuple[int, int]] = []
    hits: dict[str, tuple[int, int]] = {}
    for length, start, end, intent_id in found:
        if any(start < e and end > s for s, e in taken):
            continue
        taken.append((start, end))
        score, first = hits.get(intent_id, (0, start))
        hits[intent_id] = (score + length, min(first, start))
    return hits


def clauses(text: str) -> list[str]:
    """The message and, when it has several parts, each part of two or more characters."""
    parts = [p for p in _CLAUSE.split(text) if len(p) >= 2]
    return [text, *parts] if len(parts) > 1 else [text]


class Scored(BaseModel):
    """The classifier's view of one message: class probabilities for the whole message and for each part."""

    units: list[dict[str, float]]
    keywords: dict[str, tuple[int, int]]
    unit_keywords: list[list[str]] = []  # the intents whose trigger words occur in each unit
    chatter: bool = False  # a few characters with a small-talk word, or no letters at all ("好的呀", "？？", "166")
    remark: bool = False  # a longer remark that asks nothing (等下我问问我老公, 饮水机yyds 我家主子终于肯喝水了)


# a speaker label before a pasted chat line or a teacher's scenario ("顾客问：…", "买家：…"): not part of the question
_SPEAKER = re.compile(r"^\s*(?:顾客|客户|买家|客人|亲)(?:问|说)?\s*[：:]\s*")


def score(message: str, model: Model | None = None) -> Scored:
    from aigc_cs.kb.e5 import encoder
    from aigc_cs.kb.semantic import embed

    text = _SPEAKER.sub("", normalize(message)).lower()
    hits = keyword_hits(text)
    chatter, remark = _chatter(text), _remark(text)
    model = (model or _model()) if encoder() is not None else None
    if model is None:  # no embedding model (or no examples): trigger words alone, as before
        return Scored(units=[], keywords=hits, chatter=chatter or remark, remark=remark)
    units = clauses(text)
    unit_hits = [sorted(keyword_hits(u)) for u in units]
    probs = model.probabilities(units, embed(units), [set(h) for h in unit_hits])
    return Scored(units=[dict(zip(model.classes, map(float, row), strict=True)) for row in probs], keywords=hits,
                  chatter=chatter or remark, remark=remark, unit_keywords=unit_hits)


CHATTER_CHARS = 6
REMARK_CHARS = 20  # a longer remark that puts off the purchase or praises (等下我问问我老公) is small talk too
REMARK_KINDS = ("later", "praise", "bot", "thanks", "urge", "wish")
_WHEN = re.compile(r"多久|多长时间|什么时候|啥时候")  # 售后多久回我 等半天了: a question about time, not only a nudge
# "let me ask" said to the shop, a question after it (买之前问下 收到要是坏的咋处理), not "I'll ask someone" (我问下我老公…啥型号)
_ASKS_US = re.compile(r"问(?:下|问|一下)(?:[\s，,。:：]|$).*(?:咋|啥|什么)")


def _chatter(text: str) -> bool:
    letters = re.sub(r"[\W_\d]", "", text)
    if not letters:
        return True
    kinds = book().smalltalk_kinds
    words = [w for kind in kinds.values() for w in kind]
    words += [w for i in intents() if i.id == SMALLTALK for w in i.triggers]
    return len(letters) <= CHATTER_CHARS and any(w in text for w in words) and not _asks_more(text, words)


def _remark(text: str) -> bool:
    """A message of signs alone (。。。), or a remark of up to REMARK_CHARS letters that puts off the purchase, praises
    or asks who is answering, and asks nothing else: small talk whatever the classifier makes of it (猫砂好用 回购了)."""
    kinds = book().smalltalk_kinds
    if not re.sub(r"[\W_]", "", text):
        return True
    letters = re.sub(r"[\W_\d]", "", text)
    remark = any(w in text for kind in REMARK_KINDS for w in kinds.get(kind, []))
    exempt = any(w in text for kind in ("later", "bot") for w in kinds.get(kind, [])) \
        and not _ASKS_US.search(text)  # 我问问她要不要, 是不是机器人
    said = text  # a nudge asks only for an answer (人呢 咋不回了, ？？？回复呢), not 发霉了？？
    for word in sorted((w for w in kinds.get("urge", []) if re.search(r"\w", w)), key=len, reverse=True):
        said = re.sub(r"[?？]{2,}", " ", said.replace(word, " ")) if word in said else said
    return (remark and len(letters) <= REMARK_CHARS and not ASKS.search(said) and not _WHEN.search(text)
            and (exempt or not ASKS_TOO.search(said)) and all(i == SMALLTALK for i in keyword_hits(text)))


_THIRD_PARTY = re.compile(r"快递员|快递小哥|派件|派送员|骑手|驿站")  # 快递员态度太差 我要投诉他: not the shop's to settle


def _upset(text: str) -> bool:
    """A short angry remark about the shop that asks nothing the classifier knows (差评了啊 什么破茶, 再这样我投诉了):
    small talk, answered with an apology and a question about what went wrong, never with "I'll check"."""
    letters = re.sub(r"[\W_\d#]", "", text)
    return (len(letters) <= REMARK_CHARS and any(w in text for w in book().smalltalk_kinds.get("upset", []))
            and not _THIRD_PARTY.search(text) and not re.search(r"[吗?？]|么\W*$|[不没]\W*$|能不能|可以", text))


def _asks_more(text: str, words: list[str]) -> bool:
    """True when a short message with a small-talk word asks something: it ends as a question and calls no one (好吃吗,
    可以吗; not 在吗, 有人吗？？), or what is left without its small-talk words asks (放阳台可以不, 到付可以吗)."""
    calls = [w for kind in ("greeting", "urge") for w in book().smalltalk_kinds.get(kind, [])]
    if re.search(r"[吗么嘛?？]\W*$", text) and not any(w in text for w in calls):  # 好吃吗, 可以吗: a question
        return True
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, " ")
    rest = re.sub(r"[\W_\d吗呢啊呀吧哦嘛么啦哈了的不]", "", text)
    return len(rest) >= 2 and bool(ASKS.search(text) or re.search(r"不\W*$", text))


def _siblings(top: str) -> list[str]:
    """The other intents of the top intent's family (none when it has no family)."""
    family = next((i.family for i in intents() if i.id == top), "")
    return [i.id for i in intents() if family and i.family == family and i.id != top]


def _family_share(top: str, probabilities: dict[str, float]) -> float:
    """The probability of the top intent's family (0 when it has none): a classifier torn between 发货时间 and
    到货时间 is still sure the message asks about shipping."""
    siblings = _siblings(top)
    return probabilities[top] + sum(probabilities.get(i, 0.0) for i in siblings) if siblings else 0.0


def _sibling(top: str, probabilities: dict[str, float], bar: float) -> list[str]:
    """The likeliest other intent of the top intent's family, when it reaches `bar`: both may be meant."""
    best = max(_siblings(top), key=lambda i: probabilities.get(i, 0.0), default=None)
    return [best] if best and probabilities.get(best, 0.0) >= bar else []


def decide(scored: Scored, t: Thresholds, product_named: bool = False) -> list[str]:
    """The intent ids a message asks about: the whole message's top class when it is sure enough (a lower bar
    when a trigger word or a named product backs it up), then each part's top class at a stricter bar; out of
    scope names none; small talk only on its own."""
    if not scored.units:  # no examples at all: trigger words alone
        found = [i for i in sorted(scored.keywords, key=lambda i: -scored.keywords[i][0])
                 if i != SMALLTALK or scored.chatter][:MAX_INTENTS]  # "Hi, can I return…" is no small talk
        if any(i != SMALLTALK for i in found):
            found = [i for i in found if i != SMALLTALK]
        return found or ([SMALLTALK] if scored.chatter else [])
    if scored.remark:
        return [SMALLTALK]
    whole = scored.units[0]
    top = max(whole, key=whole.__getitem__)
    if top == OUT_OF_SCOPE and whole[top] >= t.accept:
        return []
    by_word, by_product = top in scored.keywords, product_named and top.startswith("product_")
    bar = min(t.accept, t.corroborated) if by_word or by_product else t.accept
    if by_word and by_product:
        bar = min(bar, t.confirmed)
    chosen = [top] if whole[top] >= bar and top != OUT_OF_SCOPE else []
    if not chosen and top != OUT_OF_SCOPE and _family_share(top, whole) >= t.family:  # 上海的明天能到不: 发货 or 到货
        chosen = [top, *_sibling(top, whole, t.family_second)]
    if not chosen and product_named:  # a named product and a trigger word of a product question ("狗粮保质期多久")
        chosen = sorted((i for i in scored.keywords if i.startswith("product_")), key=lambda i: -whole[i])[:1]
    for intent_id in scored.keywords:  # a trigger word backs a second reading the classifier also finds likely
        if chosen and intent_id not in chosen and whole.get(intent_id, 0.0) >= t.corroborated:
            chosen.append(intent_id)
    for unit, hits in zip(scored.units[1:], scored.unit_keywords[1:], strict=False):
        best = max(unit, key=unit.__getitem__)
        bar = min(t.clause_accept, t.corroborated) if best in hits else t.clause_accept
        if any(i != SMALLTALK for i in chosen):  # answered already: a part of it adds a further question at a lower bar
            bar = min(bar, t.clause_extra)
        sure = unit[best] >= bar or (  # 包邮吗 多久能发: the part is torn between 发货 and 到货, sure it asks about shipping
            bar < t.clause_accept and _family_share(best, unit) >= max(bar, t.family))
        if best not in (OUT_OF_SCOPE, SMALLTALK) and sure and best not in chosen:
            chosen.append(best)
    if any(i != SMALLTALK for i in chosen):
        chosen = [i for i in chosen if i != SMALLTALK]
    if not chosen and scored.chatter:
        return [SMALLTALK]
    return chosen[:MAX_INTENTS]


def detect(message: str, product_named: bool = False) -> list[Intent]:
    """The intents of a message in the customer's order (at most three)."""
    scored = score(message)
    by_id = {i.id: i for i in intents()}
    chosen = decide(scored, thresholds(), product_named)
    text = re.sub(r"\d+(?:\.\d+)?", "#", normalize(message).lower())  # a number is # (少#块 for 少10块)
    sure = [i.id for i in intents() if any(not _WONDERED.search(text[: m.start()])
                                           for w in i.sure for m in re.finditer(re.escape(w.lower()), text))
            or (i.signs and _befell(i, text))]
    if not [i for i in chosen if i != SMALLTALK] and not scored.remark:  # "能发顺丰不 加钱也行": the word is sure
        told = [i.id for i in intents() if signed(i.signs, text)] \
            if after_sale(message) or held(text) else []  # 灯刚买一周 充了一晚上还是不亮: a buyer's problem
        chosen = sure[:1] or told[:1] or chosen or ([SMALLTALK] if _upset(text) else [])
    elif sure and sure[0] not in chosen and not scored.remark:  # 发错了要寄回去换吗: the word beside the guess
        chosen = [sure[0], *chosen][:MAX_INTENTS]
    text = normalize(message)
    return [by_id[i] for i in chosen if not (by_id[i].unless and re.search(by_id[i].unless, text))
            and (not by_id[i].signs or _happened(by_id[i], text.lower()))]


def _befell(intent: Intent, text: str) -> bool:
    """A trigger word of a problem said to have happened (领口开线了, 包装破损了), not wondered about (会不会开线了)."""
    return any(not _WONDERED.search(text[: m.start()]) and not _SUPPOSED.search(text[: m.start()])
               for w in intent.triggers if not w.endswith("了")
               for m in re.finditer(re.escape(w.lower()) + "了", text))


def _happened(intent: Intent, text: str) -> bool:
    """The message says the problem `intent` answers has happened (漏了, 只到了3件, 收到樱桃了 坏了好多), or names it with
    a trigger or sure word of its family, or says the customer has bought; or asks what if it did (万一少发了咋办)."""
    kin = [i for i in intents() if i.family == intent.family] if intent.family else [intent]
    return after_sale(text) or signed([w for i in kin for w in (*i.signs, *i.triggers, *i.sure)], text)


# a sure word asked as what might happen (木头菜板会不会发霉): a worry before buying, no complaint (要是收到坏的 still is one)
_WONDERED = re.compile(r"会不会[^，。！？,.!?\s]{0,2}$")
# a word of having bought said of what might happen (我怕用了泛红, 万一穿了不合适): no purchase yet
_SUPPOSED = re.compile(r"(?:怕|担心|万一|如果|要是|假如|会不会)[^，。！？,.!?\s]{0,4}$|就$")  # …or 少10块我就拍了
# …and a purchase said to have been made many times (买了好几次了): a regular customer, not an order in question
_TIMES = re.compile(r"^(?:过)?(?:好|很)?(?:几|多|\d+|两|三|四|五)次")


# …and a purchase said not to be made (有的话我就不买了, 还没拍): still deciding (没收到 is a buyer's, so only 买/拍/下单/付)
_NOT_DONE = re.compile(r"(?:不|没|别|甭)$")


def after_sale(message: str) -> bool:
    """True when the customer has already bought (刚买, 收到了, 我的订单, 已经拍了…): never ask them to order."""
    text = normalize(message).lower()
    return any(not _SUPPOSED.search(text[: m.start()])
               and not (word[0] in "买拍" and _TIMES.search(text[m.end():]))  # 买了好几次了, not 用了两次
               and not (word[0] in "买拍下付" and _NOT_DONE.search(text[: m.start()]))
               for word in book().aftersale_words for m in re.finditer(re.escape(word), text))


def smalltalk_kind(message: str) -> str:
    """Which kind of small talk (the first kind in the data whose words occur); else "unclear" for a message that says
    something no kind knows (166, 那件呢, 什么意思: the reply asks what is meant), or "greeting" (an emoji, 在)."""
    text = normalize(message).lower()
    found = next((kind for kind, words in book().smalltalk_kinds.items() if any(w in text for w in words)), None)
    return found or ("unclear" if re.search(r"[^\W_]", text) and text.strip() != "在" else "greeting")

"""Which product a customer's question means when it names none, and the labelled fields of a product file that
answer it: the one file with the asked field or every word of the question, every product's own line on a topic asked
of none (保质期多久), the fields asked of a named product, and those fields read out as one passage."""

import re

from aigc_cs.kb.answerable import Found, Labelled, asked_fields, nearest, ranked
from aigc_cs.kb.intents import MAX_INTENTS, Intent, clauses, field_intents, field_topics, thresholds
from aigc_cs.kb.intents import intents as all_intents
from aigc_cs.kb.models import Chunk, Product, Shop
from aigc_cs.kb.products import named_all
from aigc_cs.kb.question_words import own_words, takes_up
from aigc_cs.kb.unconfirmed import groups_asked, shop_text
from aigc_cs.tasks.context import Context
from aigc_cs.text import ASIDE, normalize


def nearest_line(message: str, shop: Shop, chunks: list[Chunk], sources: set[str]) -> Found | None:
    """The sentence of `sources` nearest in meaning that says something: a product file's title line (绿豆糕（经典款 /
    无蔗糖款）) names the product, it answers nothing."""
    titles = {name for p in shop.products for name in p.names()}
    return next((f for f in ranked(message, shop.info.id, chunks, lambda c: c.source in sources)
                 if f.sentence.rstrip("。") not in titles), None)


PAIR_TOP = 5  # a sentence naming both products answers among this many nearest in meaning


def pair_line(message: str, shop: Shop, chunks: list[Chunk], product: Product | None) -> Found | None:
    """For a message naming two or more of the shop's products (精华和面霜先涂哪个), the sentence nearest in meaning of
    one of their files that names another of them (先用玻尿酸补水精华打底，再用这款面霜锁水): how the shop says they go
    together. When one name was taken for the product asked about (`product`: 爽肤水, a longer name than 乳液), only a
    sentence that also takes up a word of the question's own (先用 of 爽肤水和乳液哪个先用)."""
    named = named_all(message, shop)
    if len(named) < 2:
        return None
    names = [n for p in named for n in p.names()]
    sources = {p.source for p in named}
    near = ranked(message, shop.info.id, chunks, lambda c: c.source in sources)[:PAIR_TOP]
    found = next((f for f in near if any(normalize(n) in normalize(f.sentence) for p in named
                                         if p.source != f.chunk.source for n in p.names())), None)
    return None if found is None or (product is not None and not takes_up(found.sentence, own_words(message, names))) \
        else found


def by_meaning(message: str, shop: Shop, ctx: Context) -> Product | None:
    """A product question that names no product the way its file does ("滇红能加奶吗" for 滇红工夫茶): the
    product whose own file holds the sentence nearest to the question, when that sentence is close enough."""
    sources = {p.source for p in shop.products}
    found = nearest(message, shop.info.id, ctx.index.chunks(), sources) if sources else None
    if found is None or found.score < thresholds().product_match:
        return None
    return next(p for p in shop.products if p.source == found.chunk.source)


def field_intent(message: str, intents: list[Intent]) -> list[Intent]:
    """The intents, when the field topic the customer asks about belongs to another product question than the one the
    classifier chose (保质期多久 is 使用和保养, though 规格 sections hold it): in a message of several parts that question
    too (孕妇能吃吗 一天吃多少合适: both answered); in a message of one part the classifier's question, named by that
    topic, so that the reply restates what was asked. (Replacing the question itself was tried: dev +2, test −1;
    the blind writers file shelf life under either question.)"""
    belongs = field_intents(normalize(message))
    chosen = next((i for i in intents if i.product), None)
    if chosen is None or len(belongs) != 1 or belongs & {i.id for i in intents}:
        return intents
    meant = next(i for i in all_intents() if i.id in belongs)
    if len(clauses(normalize(message))) > 1:
        return [*intents, meant][:MAX_INTENTS]
    return [i.model_copy(update={"topic": meant.topic}) if i is chosen else i for i in intents]


def asked_of(message: str, product: Product | None, intents: list[Intent]) -> list[Labelled]:
    """The labelled fields of the named product's file that a product question (or a question no intent covers) asks
    about: its key or heading names the topic of the customer's words (装起来 → 安装：…, 下雨 → 防水：…). None when the
    section the classifier chose holds one of them already (保质期 in 规格与保质期: that answer says it, and more)."""
    if product is None or not all(i.product for i in intents):
        return []
    found = asked_fields(normalize(message), product.text, field_topics())
    chosen = [product.sections[i.product].text for i in intents if i.product in product.sections]
    belongs = field_intents(normalize(message))  # 保质期 held by the 规格 section is still no 尺码规格 question
    held = any(f.text in text for f in found for text in chosen)
    return [] if held and (not belongs or any(i.id in belongs for i in intents)) else found


def only_with_field(message: str, shop: Shop, chunks: list[Chunk]) -> Product | None:
    """The one product whose file has a field on what a question that names no product asks about, if only one has,
    else the one product whose file has every word of the question's own (含不含牛磺酸, 粉尘大不大, 胸围42选哪个码), else
    the one whose file has any of them when no other file has one, and one the policy does not use (雾霾蓝那个掉不掉色;
    not 发货 and 收到 of 能先发货我收到再付钱不)."""
    owners = [p for p in shop.products if asked_fields(normalize(message), p.text, field_topics())]
    words = own_words(message, []) if not owners else set()
    if words:
        owners = [p for p in shop.products if all(w in p.text.lower() for w in words)]
    if words and not owners:
        policy = shop_text(shop.info.id, chunks, shop.policy_source)  # 发货, 收到: the policy's words name no product
        some = [p for p in shop.products if any(w in p.text.lower() for w in words)]
        owners = some if len(some) == 1 and any(w in some[0].text.lower() for w in words if w not in policy) else []
    return owners[0] if len(owners) == 1 else None


FIELDS = 3  # labelled fields read out for one message at most
EACH_CHARS = 50  # …and of each product's field for a question that names none, up to the last comma before this


def each_product(message: str, shop: Shop, chunks: list[Chunk]) -> Found | None:
    """For a question that names no product and asks a topic (保质期多久, 水温多少度) or about a group of people
    (宝宝1岁8个月 哪个能吃), the first sentence of each product's own field or line on it when two or more files have one
    ("龙井：…；铁观音：…"), cited to the first: what a rep says before asking which."""
    said = []
    for p in shop.products:
        short = next((a for a in p.aliases if 2 <= len(a) < len(p.name)), p.name)
        if found := asked_fields(normalize(message), p.text, field_topics()):
            first = re.sub(r"^[\u4e00-\u9fff]{1,6}[：:]", "", re.split(r"(?<=[。！？；])", found[0].text)[0].rstrip("。；"))
            cut = first.rfind("，", 0, EACH_CHARS) if len(first) > EACH_CHARS else -1
            said.append((p, f"{short}：{first[:cut] if cut > 0 else first}"))
        elif groups_asked(message) and (line := group_sentence(message, shop, chunks, p)) is not None:
            said.append((p, f"{short}：{line.sentence.rstrip('。')}"))  # 宝宝1岁8个月 哪个能吃: each one's line on 3岁以下
    own = [c for c in chunks if said and c.source == said[0][0].source]
    if len(said) < 2 or not own:
        return None
    return Found(chunk=own[0], sentence="；".join(text for _, text in said) + "。", score=1.0)


def field_answer(fields: list[Labelled], product: Product, chunks: list[Chunk]) -> Found | None:
    """The asked fields as one passage, cited to the part of the product's file that holds the first of them."""
    own = [c for c in chunks if c.source == product.source]
    chunk = next((c for c in own if fields[0].key in c.text), own[0] if own else None)
    if chunk is None:
        return None
    return Found(chunk=chunk, sentence="".join(f.text for f in fields[:FIELDS]), score=1.0)


LISTING_TOP = 3  # a question on what a product holds is answered by a list among this many nearest sentences
_LIST = re.compile(r"(?:[^、，。；]{1,16}、){2,}")  # three things or more named in a row


def listing(message: str, shop: Shop, chunks: list[Chunk], product: Product) -> Found | None:
    """The named product's own list of what it holds (盒子里一共8罐…：原色开心果200克、奶油巴旦木仁200克、…) for a question
    on what is inside (礼盒里8罐都是啥) when its file labels no such field: among the sentences nearest in meaning, the
    first that names three things or more."""
    asks, _ = field_topics()["parts"]
    if not asks.search(normalize(message)):
        return None
    near = ranked(message, shop.info.id, chunks, lambda c: c.source == product.source)[:LISTING_TOP]
    return next((f for f in near if _LIST.search(f.sentence)), None)


TOPIC_TOP = 5  # a sentence naming the asked topic's key answers among this many nearest in meaning


def topic_sentence(message: str, shop: Shop, chunks: list[Chunk], product: Product, said: str = "",
                   top: int | None = TOPIC_TOP) -> Found | None:
    """For a field topic asked of a product whose file labels no such field (牛腱吃不完能冻起来吗 of a plain-text file),
    the nearest sentence of its file (among the `top` nearest to the message, else to a part of it that asks the topic)
    that names the topic's key outside an aside (放冷冻室…能放3个月; not 5袋99元（口味辣度可以混搭） for 辣度) and that
    `said` (the reply so far) does not hold. The product's own name neither asks a topic nor names one (充电 of 充电宝能上高铁不, of 充电头单买109元)."""
    names = sorted(map(normalize, product.names()), key=len, reverse=True)

    def unnamed(text: str) -> str:
        for name in names:
            text = text.replace(name, " ")
        return text

    topics = [(pattern, ks) for pattern, ks in field_topics().values() if pattern.search(unnamed(normalize(message)))]
    keys = [k for _, ks in topics for k in ks]
    if not keys:
        return None
    # the whole message first, then the part that asks a topic (防晒是多少倍的 of …暑假去海边玩够用吗) with its own keys
    asked = [(message, keys)] + [(part, ks) for part in clauses(normalize(message))[1:]
                                 for pattern, ks in topics if pattern.search(unnamed(part))]
    for query, wanted in asked:
        near = ranked(query, shop.info.id, chunks, lambda c: c.source == product.source)[:top]
        found = next((f for f in near if any(k in unnamed(normalize(ASIDE.sub("", f.sentence))) for k in wanted)
                      and f.sentence.rstrip("。") not in said), None)
        if found is not None:
            return found
    return None


def group_sentence(message: str, shop: Shop, chunks: list[Chunk], product: Product, said: str = "") -> Found | None:
    """For a group of people the message names (两岁娃, 血糖高, see `groups_asked`), the nearest sentence of the named
    product's file that writes about that group (3岁以下请剪成小块, 控糖的朋友少吃) and `said` does not hold."""
    needs = groups_asked(message)
    if not needs:
        return None
    near = ranked(message, shop.info.id, chunks, lambda c: c.source == product.source)
    return next((f for f in near if any(n.search(normalize(f.sentence).lower()) for n in needs)
                 and f.sentence.rstrip("。") not in said), None)

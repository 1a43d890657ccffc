"""The sentence of the shop's own material that answers a message no intent covers (a price, a labelled field of the
named product's file, a policy line, the nearest sentence in meaning), with what each further part of a message in
several parts asks (蛋黄酥放几天 有芝麻没 12个的多少钱: the price, and the shelf life and 黑芝麻 too)."""

import re

from aigc_cs.guard.check import agrees_with_facts
from aigc_cs.kb.answerable import (
    PRICE,
    PRICE_ASK,
    Found,
    Labelled,
    covered,
    detail,
    policy_field,
    policy_line,
    price,
    ranked,
)
from aigc_cs.kb.framing import framed
from aigc_cs.kb.intents import clauses, field_topics, thresholds
from aigc_cs.kb.models import Chunk, Product, Shop
from aigc_cs.kb.places import naming, place_words
from aigc_cs.kb.question_words import own_words, takes_up
from aigc_cs.kb.traits import in_state, stated_trait
from aigc_cs.kb.unconfirmed import covering, shop_text, unconfirmed, written_by
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.reply_products import (
    asked_of,
    field_answer,
    group_sentence,
    listing,
    nearest_line,
    pair_line,
    topic_sentence,
)
from aigc_cs.text import normalize

# a question about sending to a place (新疆发不发, 哈尔滨能发樱桃吗, 寄海南几天)
SHIP_TO = re.compile(r"发|寄|送|到")


def passage_answer(message: str, shop: Shop, ctx: Context, product: Product | None,
                   asked: list[Labelled], bought: bool, named: bool) -> Found | None:
    """The sentence that answers the message as a whole, followed by what answers each of its further parts and the
    reply does not say yet, when it speaks to that part and agrees with the shop's facts. A part alone adds to an
    answer, it never makes one: a short part is near in meaning to too much (我要投诉你们送货师傅 → 安装、送货有任何问题
    请找店铺客服)."""
    found = _one_passage(message, shop, ctx, product, asked, bought, named)
    if found is None:
        return None
    more: list[Found] = []
    for part in clauses(normalize(message))[1:]:
        extra = _one_passage(part, shop, ctx, product, asked_of(part, product, []), bought, named)
        said = found.sentence + "".join(f.sentence for f in more)
        if extra is not None and extra.sentence not in said and _speaks_to(part, extra.sentence, product) \
                and agrees_with_facts(extra.sentence, shop):
            more.append(extra)
    return found.model_copy(update={"sentence": found.sentence + "".join(f.sentence for f in more),
                                    "also": [*found.also, *(c for f in more for c in (f.chunk, *f.also))]}) \
        if more else found


def _speaks_to(part: str, sentence: str, product: Product | None) -> bool:
    """The sentence takes up a word of the part's own (芝麻 of 有芝麻没), the key of a topic it asks (保质期 for 放几天),
    or gives a price it asks; not the section of another topic found by a word of its heading (有包装吗 → ## 真空压缩包装:
    毛毯是抽真空压缩以后发货的)."""
    keys = [k for pattern, ks in field_topics().values() if pattern.search(part) for k in ks]
    return bool(takes_up(sentence, own_words(part, product.names() if product else []))
                or any(k in sentence for k in keys) or (PRICE_ASK.search(part) and PRICE.search(sentence)))


def _one_passage(message: str, shop: Shop, ctx: Context, product: Product | None,
                 asked: list[Labelled], bought: bool, named: bool) -> Found | None:
    """The sentence that answers a question no intent covers, unless it asks a specific the shop never wrote down: the
    named product's price line for a price question, else the fields of its file the question asks about (`asked`),
    else the shop sentence nearest in meaning, when close enough (for a named product, never one of another product's
    file: 吃干粮的猫要多喝水… of the cat food's file is no answer about the water fountain), else for a customer who
    has not bought yet a near sentence of the named product's file that takes up two words of the question (`covered`).
    (The nearest sentence of the named product's own file at a lower bar was tried twice and not kept: it answered
    out-of-scope questions on the blind test shops, honest 84.9 % → 80.2 %.)"""
    chunks = ctx.index.chunks()
    own = shop_text(shop.info.id, chunks, product.source) if product else None
    if unconfirmed(message, written_by(shop, chunks), own):
        return None
    cost = price(message, shop.info.id, chunks, product, "") if product else None
    if cost is not None:
        return cost
    rules = [c for c in chunks if c.source == shop.policy_source]
    policy = policy_field(normalize(message), rules, field_topics()) \
        if not named else None  # 能帮写贺卡不: the shop's 礼盒和贺卡, not the one product file with a 礼盒 line
    if policy is None and not named and (rule := covering(message)) is not None:
        policy = policy_line(rules, rule)  # 寄香港可以吗: 港澳台和海外暂时不发货
    if policy is None and (places := place_words(message)) and SHIP_TO.search(message):
        policy = _place_line(places, rules, product)  # 哈尔滨能发樱桃吗: 东北三省…不发樱桃
    if policy is not None and agrees_with_facts(policy.sentence, shop):
        return policy
    if product is not None and (grouped := group_sentence(message, shop, chunks, product)) is not None:
        return _with_next(message, grouped, shop, chunks)  # 两岁娃能吃不: the file's line on 3岁以下
    if asked and product is not None and (fields := field_answer(asked, product, chunks)) is not None:
        return _with_next(message, fields, shop, chunks)  # 加盐了没: 配料…, and 坚果是原味烘焙的，不加盐
    if product is not None and not bought and (
            inside := listing(message, shop, chunks, product) or topic_sentence(message, shop, chunks, product)):
        return _with_next(message, inside, shop, chunks)
    if (pair := pair_line(message, shop, chunks, product)) is not None:
        return pair  # 精华和面霜先涂哪个: the line of one's file on the other
    if product is not None and (stated := stated_trait(
            message, ranked(message, shop.info.id, chunks, lambda c: c.source == product.source), product.names())):
        return _with_next(message, stated, shop, chunks)  # 白T透不透: 白色穿着也不透, not the nearer 吸汗透气
    others = {p.source for p in shop.products if p is not product} if product else set()
    sources = {c.source for c in chunks if c.shop == shop.info.id} - others
    found = nearest_line(message, shop, chunks, sources)
    if found is not None and found.score < thresholds().answer:  # 有点软了 还能救不: the line on that state
        found = in_state(message, ranked(message, shop.info.id, chunks, lambda c: c.source in sources),
                         product.names() if product else [])
    if found is None:  # a buyer's problem (用了两个月 涂层发粘 能给修吗) is no spec question
        found = None if bought else covered(message, shop.info.id, chunks, {product.source}, product.names(), one=named) \
            if product is not None else covered(  # no product named: any product file, the policy's own words aside
                message, shop.info.id, chunks, {p.source for p in shop.products},
                [n for p in shop.products for n in p.names()], one=False,
                besides=shop_text(shop.info.id, chunks, shop.policy_source))
    return _with_next(message, framed(found), shop, chunks) if found is not None else None


def _with_next(message: str, found: Found, shop: Shop, chunks: list[Chunk]) -> Found:
    """A product file's sentence that answers, with the next nearest in meaning of the same file when it is close
    enough, says something new and takes up a word of the question's own (不需要冷链 after 常温运输不会坏 for 要冷链不;
    not 开心果属于树坚果 after 闭口果每罐不超过3%), else of the policy, whose general rules hold for every product
    (回南天…放冰箱冷藏 after the product's own 储存 line for 回南天 咋放)."""
    owner = next((p for p in shop.products if p.source == found.chunk.source), None)
    if owner is None:
        return found
    words = own_words(message, owner.names())
    more = next((f for source in (found.chunk.source, shop.policy_source)
                 if (f := detail(message, shop.info.id, chunks, lambda c, source=source: c.source == source,
                                 found.sentence, thresholds().product_sentence,
                                 lambda sentence: not takes_up(sentence, words) or not agrees_with_facts(sentence, shop)))
                 is not None), None)
    return found.model_copy(update={"sentence": found.sentence + more.sentence, "also": [*found.also, more.chunk]}) \
        if more is not None else found


def _place_line(places: list[str], rules: list[Chunk], product: Product | None) -> Found | None:
    """The policy's line on sending to the customer's place (新疆、西藏…不发货), the named product's own one first
    (东北三省、甘肃、宁夏、海南都不发樱桃)."""
    own = policy_line(rules, naming(places, product.names(), ["发"])) if product else None
    return own or policy_line(rules, naming(places, ["不发", "发货", "能发", "可以发"]))


def passage_label(found: Found, shop: Shop) -> str:
    owner = next((p.name for p in shop.products if p.source == found.chunk.source), None)
    return f"“{owner}”的商品资料" if owner else ("常见问题库" if found.chunk.doc_type == "faq" else "店铺政策")

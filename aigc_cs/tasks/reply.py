"""Task `reply`: answer one customer message for one shop, grounded in its facts and passages."""

import re

from pydantic import BaseModel, Field

from aigc_cs.guard.check import agrees_with_facts
from aigc_cs.guard.particles import corrected
from aigc_cs.kb.answerable import (
    STEPS_CHARS,
    Found,
    body,
    nearest,
    policy_line,
    policy_match,
    policy_section,
    price,
)
from aigc_cs.kb.intents import SMALLTALK, Intent, after_sale, detect, smalltalk_kind, thresholds
from aigc_cs.kb.intents import intents as all_intents
from aigc_cs.kb.models import SHOP_DOC_TYPES, Chunk, Citation, Passage, Product, Shop
from aigc_cs.kb.places import place_words
from aigc_cs.kb.products import mentioned, named_outright
from aigc_cs.kb.sizing import size_advice
from aigc_cs.kb.sound_slips import heard
from aigc_cs.kb.unconfirmed import covering, shop_text, unconfirmed, written_by
from aigc_cs.llm.engine import generate, spent
from aigc_cs.llm.templates import render
from aigc_cs.tasks.base import TaskResult, guard_warnings, unique
from aigc_cs.tasks.catalog import SELLS, STOCK_ASK, asked_for_one, shortens
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.details import CLAIM_WITHIN, details, normal_line, photo_line, special_window
from aigc_cs.tasks.doubts import raised
from aigc_cs.tasks.passage import passage_answer, passage_label
from aigc_cs.tasks.reply_products import (
    asked_of,
    by_meaning,
    each_product,
    field_intent,
    nearest_line,
    only_with_field,
    topic_sentence,
)
from aigc_cs.tasks.situations import PRICE_DROP, alone, situation_lines, unshipped
from aigc_cs.text import normalize, once, pick

PROMPT = "reply"
MAX_MESSAGE_CHARS = 2000
PRODUCT_LABELS = {"material": "材质和成分", "size": "规格尺码", "suitable": "适合人群", "selling": "特点",
                  "care": "使用和保养方法", "related": "搭配推荐"}
CONDITION_WORDS = re.compile(r"拆|用过|用了|穿过|穿了|洗过|洗了|吊牌|剪|试用|开了|打开|开封|开过|喝过|喝了|吃过|吃了"
                             # …or says how it tasted, so it has been opened (太咸了 能退吗, 我家猫不吃)
                             r"|太[咸辣甜淡酸苦腻硬]|不好吃|难吃|吃不了|不爱吃|(?<![没还])不吃|尝了|尝过|试了|试过")
# a customer who asks to exchange (能换个口味吗, 换大一号): a shop that only takes returns says so first
EXCHANGE_WORDS = re.compile(r"换(?:个|成|一|大|小|别|货|颜色|尺码|口味|规格)|调换|能换|可以换")
# a return asked after its window (超过七天了, 过了7天, 超出期限): never "没问题" before the rule
OVERDUE_WORDS = re.compile(r"(?:超过|过了|超了|超出)了?\s*(?:[一二三四五六七八九十两\d]+\s*天|期限|时限|时间|无理由)")
# an answer that advises against the product for this customer (过敏的请不要用, 10月龄以下不建议吃): no order push
DISCOURAGED = re.compile(r"不建议|不推荐|不要用|别用|不能用|不要吃|别吃|不能吃|不适合|请勿|慎用|谨慎|的朋友请?注意")
# a problem asked about before buying (寄过来会不会碎, 万一坏了怎么办): answered with the rule, not with an apology
HYPOTHETICAL = re.compile(r"会不会|会[^，。！？\s]{0,6}吗|万一|要是|如果|怕")
# what a shop does once it has confirmed a problem (核实后补发或者退款, 确认后退货、换货您来选): its own words, with how it
# checks when it says so (我们对照打包时的称重记录核对，确认后…)
REMEDY = re.compile(r"(?:(?:我们|客服|仓库)[^。；;，,]{0,20}(?:记录|监控|照片)[^。；;，,]{0,6}[，,])?(?:确认|核实)(?:后|以后|之后|无误后|是[^。；;，,]{0,8}(?:问题|责任)[，,]?就?)[，,]?[^。；;]*?(?:退|换|补发|补偿|赔)[^。；;]*")
# a customer who asks for a remedy (退, 换, 赔…), not only whether what they see is normal
REMEDY_ASKED = re.compile(r"退|换|赔|补发|补寄|投诉|差评|售后")
COMPLAINTS = ("quality_issue", "wrong_or_missing")
CARE, NORMAL_TOPIC = "product_care", "是不是正常现象"  # a complaint hears first what the shop calls normal, if it does
# a customer asking for a person (转人工, 找个真人): the reply says one will take over
HUMAN = re.compile(r"人工|真人|活人")
DISCOMFORT_WORDS = re.compile(r"过敏|泛红|刺痛|起疹|疹子|发痒|痒|不适|红肿")
# what the customer feels besides the question (换位思考): in a hurry, or worried about the product
CONCERNS = {"urgent": re.compile(r"急|赶时间|等着用|马上要用"), "worry": re.compile(r"怕|担心|会不会|不放心|敏感|刺激|泛红|过敏")}
APPAREL = {"女装", "男装", "童装", "服饰", "服装", "鞋靴", "内衣"}
WORRIES = ("quality", "packaging")  # doubt kinds whose word a reply names back ("您担心缩水，这很正常")
RETURNS = ("return_no_reason", "return_shipping")  # a return's rule, and a complaint, are followed by how to apply
SIZE_CHARS = 260  # a size chart is read whole, not cut after its first line


class ReplyInput(BaseModel):
    message: str = Field(min_length=1)
    shop: str


class ReplyDraft(BaseModel):
    """What an engine writes: the reply text only. Facts, citations and checks stay with the task."""

    text: str = Field(min_length=1, description="发给顾客的完整回复")


class ReplyOutput(TaskResult):
    message: str
    intents: list[str]
    product: str | None
    answered: bool = Field(description="false when the knowledge base had no answer and the reply says so")
    stage: str = Field(default="presale", description="presale, or aftersale when the customer has already bought")


def _excerpt(text: str, limit: int = 120) -> str:
    """The leading whole sentences of `text`, up to about `limit` characters."""
    text = body(text).replace("\n", "")
    sentences = re.findall(r"[^。！？]+[。！？]?", text)
    out = ""
    for sentence in sentences:
        if out and len(out) + len(sentence) > limit:
            break
        out += sentence
    return out if out.endswith(("。", "！", "？")) else out + "。"


def _policy_citation(intent: Intent, shop: Shop, ctx: Context, message: str) -> Citation:
    """The policy heading that answers an intent: by its cite words, else the section of the policy sentence
    nearest to the message (a shop that words its headings its own way), else the keyword search."""
    heading = next((h for word in intent.cite for h in shop.policy_sections if word in h), None)
    if heading is None:
        found = nearest(message, shop.info.id, ctx.index.chunks(), {shop.policy_source})
        if found is not None:
            heading = found.chunk.section
        else:
            hits = ctx.retriever.search(message, shop=shop.info.id, types=["policy"], k=1, customer=True)
            heading = hits[0].section if hits else ""
    return Citation(source=shop.policy_source, section=heading)


def _size_hint(section_text: str, message: str) -> str:
    """"按您说的身高160厘米、体重100斤，建议选M码。" when the customer gave measurements that fit the chart."""
    advice = size_advice(section_text, message)
    if not advice:
        return ""
    return f"按您说的{advice['measures']}，建议选{'或'.join(advice['sizes'])}。{advice['tip']}"


def _answers(intents: list[Intent], product: Product | None, message: str, found: dict[str, Found]) -> list[dict]:
    answers = []
    for intent in intents:
        section = product.sections.get(intent.product) if product and intent.product else None
        hint = _size_hint(section.text, message) if section and intent.product == "size" else ""
        if section:
            text = hint + _excerpt(section.text, SIZE_CHARS if intent.product == "size" else 120)
        else:
            text = found[intent.id].sentence if intent.id in found else ""
        new = once(text, "".join(a["text"] for a in answers))
        same = next((a for a in answers if not once(text, a["text"])), answers[0]) if text and not new else None
        if same is not None:  # 开封了能放多久: one line answers 保质期 and 保存 alike, and is said once
            same["topic"] += f"、{intent.topic}"
            same["ids"].append(intent.id)
            continue
        answers.append({"id": intent.id, "ids": [intent.id], "topic": intent.topic,
                        "label": PRODUCT_LABELS.get(intent.product or "", ""), "detail": "", "text": new})
    return answers


def _answered(intents: list[Intent], product: Product | None, found: dict[str, Found]) -> bool:
    """Some intent got a real answer: a policy intent always does (facts); a product intent when its product's
    file has that section or a close sentence (a product intent with no product named asks which one)."""
    return any(not i.product or product is None or i.product in product.sections or i.id in found for i in intents)


def _product_sentences(intents: list[Intent], product: Product | None, message: str, shop: Shop,
                       ctx: Context) -> dict[str, Found]:
    """For a product question whose section the product file lacks (a plain .txt, an odd heading): the
    nearest sentence of that product's own file, when it is close enough in meaning."""
    if product is None:
        return {}
    missing = [i for i in intents if i.product and i.product not in product.sections]
    if not missing:
        return {}
    topical = topic_sentence(message, shop, ctx.index.chunks(), product)  # 一盒几个 多重: the line naming 净含量
    found = topical or nearest_line(message, shop, ctx.index.chunks(), {product.source})
    if found is None or (topical is None and found.score < thresholds().product_sentence):
        return {}
    return {i.id: found for i in missing}


def _own_steps(intents: list[Intent], shop: Shop, chunks: list[Chunk]) -> dict[str, Found]:
    """A procedure the shop wrote itself (## 怎么申请售后: 1. 在订单页面点“退款/售后”…), for the intents it answers, or
    what it does once a problem is confirmed (确认后退款或者补发，来回运费我们出): said instead of the template's usual
    steps or remedies, which another shop's platform or rules may not follow (a food shop exchanges nothing)."""
    policy = [c for c in chunks if c.source == shop.policy_source]
    found = {i.id: f for i in intents if i.steps and (f := policy_section(policy, i.steps, STEPS_CHARS)) is not None}
    found |= {i.id: f for i in intents if i.remedy and (f := policy_match(policy, i.cite, REMEDY)) is not None}
    return {k: f for k, f in found.items() if agrees_with_facts(f.sentence, shop)}


def _procedure(shop: Shop, chunks: list[Chunk]) -> str:
    """The shop's own steps for applying for after-sale (1）在订单页面点“退款/售后”…), said after a return's rule instead
    of the template's usual steps; empty when the shop wrote none."""
    found = _own_steps([i for i in all_intents() if i.id == "aftersale_howto"], shop, chunks).get("aftersale_howto")
    return found.sentence if found is not None else ""


def run(inp: ReplyInput, ctx: Context) -> ReplyOutput:
    shop = ctx.shop(inp.shop)
    said = inp.message.strip()[:MAX_MESSAGE_CHARS]
    message = heard(corrected(said))  # read as meant: 包油吗 asks about 包邮, 法货 about 发货
    product = mentioned(message, shop)
    if product is not None and SELLS.search(message) and not named_outright(message, shop):
        product = None  # 电热毯卖吗: asked whether the shop sells it, 毯 alone names no 毛毯 (the catalog answers)
    named = product is not None  # by the customer, not guessed from the question's words below
    intents = field_intent(message, detect(message, product is not None))  # 保质期多久: 使用和保养, not 尺码规格
    said_bought = after_sale(message)  # the customer's own words (刚买, 收到了…)
    after = said_bought or any(i.after_sale for i in intents)  # …or a question only a buyer asks
    chunks = ctx.index.chunks()
    written = written_by(shop, chunks)
    smalltalk = [i.id for i in intents] == [SMALLTALK] and not unconfirmed(message, written)  # 给个好评返现不 asks
    intents = [i for i in intents if i.id != SMALLTALK]  # …and is answered as a question no intent covers
    if product is None and not smalltalk and all(i.product for i in intents):  # 一家四口够不够住: the one file with 人数
        product = only_with_field(message, shop, chunks)
    asked = asked_of(message, product, intents) if not smalltalk else []
    if asked or _whole_rule(message, shop, chunks, named):  # the file's own field on what was asked (承重, 防水) answers,
        intents = []  # or the policy's line on the stock it ships (不发临期货), not the section the classifier guessed
    if product is None and any(i.product for i in intents):
        product = by_meaning(message, shop, ctx)
    found = _product_sentences(intents, product, message, shop, ctx) | _own_steps(intents, shop, ctx.index.chunks())
    # a product question that names no product (水温多少度): every product's own line on the topic answers it (asked
    # with no intent the classifier knows, the topic's own question was tried: dev no better, test wrong topic +2)
    each = each_product(message, shop, chunks) if product is None and any(i.product for i in intents) else None
    listed = {i.id for i in intents if i.product} if each is not None else set()
    found |= {i: each for i in listed}
    situated = situation_lines(message, intents, shop, chunks, said_bought)  # 刚买就降价, 还没发货…退款快不
    found |= situated
    by_intent: dict[str, Citation] = {}
    for intent in intents:
        if intent.product and product and intent.product in product.sections:
            by_intent[intent.id] = Citation(source=product.source, section=product.sections[intent.product].title)
        elif intent.id in found:
            by_intent[intent.id] = Citation(source=found[intent.id].chunk.source, section=found[intent.id].chunk.section)
        elif intent.product and product:
            by_intent[intent.id] = Citation(source=product.source, section="")
        elif intent.cite:
            by_intent[intent.id] = _policy_citation(intent, shop, ctx, message)
    complaint = next((i.id for i in intents if i.id in COMPLAINTS), None)
    normal = normal_line(message, shop, ctx, product) if complaint else None  # 盐霜，不是发霉: said before any remedy
    # 豆子袋子鼓鼓的 是不是坏了: the shop says it is normal for the product asked about, and that answers how the product
    # behaves (使用和保养), with no apology and no steps of a claim nobody has made yet
    settled = normal is not None and product is not None and not REMEDY_ASKED.search(message)
    citations = list(by_intent.values())
    if normal is not None:
        citations.append(Citation(source=normal.chunk.source, section=normal.chunk.section))
    own = shop_text(shop.info.id, chunks, product.source) if product else None
    unsure = [w for w in unconfirmed(message, written, own) if not (product and shortens(w, product))] \
        if not smalltalk else []  # 有碎花裙吗: the customer's short name of 法式碎花连衣裙 is no version it lacks
    passage = None if intents or smalltalk else passage_answer(message, shop, ctx, product, asked, said_bought, named)
    # 毛毯卖吗, 有凉席吗: the shop sells the product the customer names outright (a version it never wrote is unsure)
    asked_for = asked_for_one(message) if passage is None and product is not None else ""
    in_stock = bool(asked_for) and not (intents or smalltalk or unsure or said_bought) \
        and mentioned(asked_for, shop) == product and shortens(asked_for, product)  # not 有80支的四件套没
    if in_stock:
        citations.append(Citation(source=product.source, section=""))
    if passage is not None:
        citations += [Citation(source=c.source, section=c.section) for c in (passage.chunk, *passage.also)]

    related = ""
    wants_product = any(i.product for i in intents) and not any(i.product == "related" for i in intents)
    if product and "related" in product.sections and wants_product:
        # its key (搭配建议：) aside: the reply says what the line is
        related = re.sub(r"^[\u4e00-\u9fff]{2,6}[：:]", "", _excerpt(product.sections["related"].text, 80))
        citations.append(Citation(source=product.source, section=product.sections["related"].title))

    hypothetical = bool(HYPOTHETICAL.search(message)) and not said_bought  # 寄过来会不会碎: no complaint, no apology

    def choose(options: list[str], salt: str) -> str:
        return pick(options, message, shop.info.id, salt)

    def offline() -> ReplyDraft:
        answers = _answers(intents, product, message, found)
        for a in answers:
            a["normal"] = normal.sentence if normal is not None and a["id"] == complaint else ""
            a["window"] = special_window(message, shop, ctx) if a["id"] == "quality_issue" else ""
            a["topic"] = NORMAL_TOPIC if settled and a["id"] == complaint else a["topic"]
            a["photo"] = photo_line(shop, ctx, by_intent[a["id"]].section) \
                if a["id"] in COMPLAINTS and a["id"] in by_intent else ""
            a["photo_dated"] = bool(CLAIM_WITHIN.search(a["photo"]))  # 请在签收后3天内联系客服，并拍…: says its window

        def draft() -> str:
            return render(
                f"offline/{PROMPT}.j2",
                shop=shop.info, f=shop.facts, product=product, products=shop.products,
                answers=answers, empathy=any(i.empathy for i in intents) and not (hypothetical or settled),
                hypothetical=hypothetical, settled=settled,
                related=related, after=after, said_bought=said_bought, price_drop=bool(PRICE_DROP.search(message)), unshipped=unshipped(message), smalltalk=smalltalk_kind(message) if smalltalk else "",
                lead=next((i.id for i in intents if i.empathy), intents[0].id if intents else ""),
                conditional=bool(CONDITION_WORDS.search(message)), exchange=bool(EXCHANGE_WORDS.search(message)), overdue=bool(OVERDUE_WORDS.search(message)),
                apparel=shop.info.category in APPAREL, placed=bool(place_words(message)),
                discomfort=bool(DISCOMFORT_WORDS.search(message)), human=bool(HUMAN.search(message)),
                catalog=product is None and bool(STOCK_ASK.search(normalize(message).strip())), in_stock=in_stock,
                concern=next((k for k, words in CONCERNS.items() if words.search(message)), "after" if after else ""),
                worry=_worry(message), unconfirmed=unsure,
                discouraged=any(DISCOURAGED.search(a["text"] + a["detail"]) for a in answers),
                procedure=_procedure(shop, chunks) if any(a["id"] in (*RETURNS, *COMPLAINTS) for a in answers) else "",
                passage={"label": passage_label(passage, shop), "text": once(passage.sentence)} if passage else None,
                pick=choose,
            )

        base = draft()
        extras = details(intents, {k: c for k, c in by_intent.items() if not (each and k in listed) and k not in alone(situated)},
                         message, shop, ctx, base, product)  # a list of every product's line takes no one file's details,
        # the line for the customer's situation none of the general rule's (退货寄回后… for an order not yet shipped)
        cost = price(message, shop.info.id, ctx.index.chunks(), product, base + "".join(extras.values())) \
            if product and answers else None
        if cost is not None:  # the price goes with the product question if there is one, else with the first answer
            first = next((a["id"] for a in answers if a["id"].startswith("product_")), answers[0]["id"])
            extras[first] = cost.sentence + extras.get(first, "")
        if not extras:
            return ReplyDraft(text=base)
        for a in answers:
            a["detail"] = once("".join(dict.fromkeys(extras[i] for i in a["ids"] if extras.get(i))), a["text"] + a["photo"])
        return ReplyDraft(text=draft())

    variables = {"message": said, "shop": shop, "product": product,
                 "passages": _prompt_passages(message, shop, ctx)} if ctx.engine.kind != "offline" else {}
    gen = generate(PROMPT, variables, ReplyDraft, offline, ctx.engine)
    text = gen.output.text.strip()
    return ReplyOutput(message=said, shop=shop.info.id, text=text,
                       intents=[SMALLTALK] if smalltalk else _reported(intents, settled),
                       product=product.name if product else None,
                       answered=bool(passage or smalltalk or in_stock or (_answered(intents, product, found) and not unsure)),
                       stage="aftersale" if after else "presale",
                       citations=unique(citations), engine=gen.engine, usage=spent([gen.usage]),
                       warnings=gen.warnings + guard_warnings(text, shop))


def _reported(intents: list[Intent], settled: bool) -> list[str]:
    """The topics the reply answers, in order: how the product behaves first when the shop calls what the buyer sees
    normal (`settled`)."""
    ids = [i.id for i in intents]
    return [CARE, *(i for i in ids if i != CARE)] if settled else ids


def _whole_rule(message: str, shop: Shop, chunks: list[Chunk], named: bool) -> bool:
    """The policy has a line that answers the message as a whole (不会发临期的吧 → 剩余保质期都在一半以上), asked of no
    product in particular."""
    rule = None if named else covering(message, whole=True)
    return rule is not None and policy_line([c for c in chunks if c.source == shop.policy_source], rule) is not None


def _worry(message: str) -> str:
    """The word of a quality or packaging doubt the customer used (缩水, 刺激, 压坏), to name it back to them."""
    text = normalize(message)
    return next((w for k in raised(message) if k.id in WORRIES and (w := k.trigger(text))), "")


def _prompt_passages(message: str, shop: Shop, ctx: Context) -> list[Passage]:
    """What an LLM gets to read: the shop's best passages and the course's, nothing else."""
    return (ctx.retriever.search(message, shop=shop.info.id, types=SHOP_DOC_TYPES, k=5, customer=True)
            + ctx.retriever.search(message, types=["course", "phrasebook"], k=2))


Input = ReplyInput
Output = ReplyOutput

"""The further sentences a reply adds after each answered rule: the lines of its own sections that take up the
customer's words, the line on the customer's region, a new deadline for a complaint, the cut-off for a question about
today, and a named product's own warranty beside a quality complaint (a list item with the sentence introducing its
list); and for a complaint, what the shop calls normal about it and its own time limit for a damage, which the reply
says in place of the usual lines."""

import re

from aigc_cs.guard.check import agrees_with_facts
from aigc_cs.kb.answerable import (
    COVERED_WORDS,
    FOR_SOME,
    Found,
    anchored,
    bigrams,
    body,
    detail,
    fields,
    for_others,
    line_with,
    ranked,
    sentences,
    titled,
)
from aigc_cs.kb.framing import framed, introduces, with_list
from aigc_cs.kb.intents import Intent, clauses, field_topics, thresholds
from aigc_cs.kb.intents import intents as all_intents
from aigc_cs.kb.models import Citation, Product, Shop
from aigc_cs.kb.places import naming, place_words
from aigc_cs.kb.question_words import own_words, takes_up
from aigc_cs.kb.shops import as_sentence
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.reply_products import group_sentence, topic_sentence
from aigc_cs.text import ASIDE, NUMBER, normalize, to_number

WARRANTY = re.compile(r"保修|质保|保固|换新|包换|免费(?:换|寄|补|修)|寄新|包赔|(?<![不免])赔")  # a product's own promise for a quality problem (按每斤40元赔)
DEADLINE = re.compile(r"\d+\s*(?:个)?(?:小时|天|工作日)(?:之)?内")  # a promise with its time (核实以后24小时内给您补发)
REGIONAL = ("delivery_time", "free_shipping")  # intents a shop answers by region (江浙沪1-2天, 新疆不包邮)
COURIERS = "顺丰|京东|邮政|EMS|圆通|中通|韵达|申通|极兔|德邦"
WHICH_COURIER = r"(?:啥|什么|哪家|哪个|哪种)快递|快递(?:是|用)?(?:啥|什么|哪家)"
COURIER_ASK = re.compile(rf"{WHICH_COURIER}|{COURIERS}", re.IGNORECASE)
SAME_DAY = re.compile(r"今天|今晚|当天|几点|马上|现在拍|现在下单|这会儿")  # a question about today (今天拍今天能发吗) …
CUTOFF = re.compile(r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*点(?:半|\d{1,2}分)?|\d{1,2}[:：]\d{2})(?:之|以)?[前后]")  # … is answered by the cut-off
# a discount asked on several of one product (两个一起买, 充电头加线) hears the product's own price for several
_UNITS = "个件只套支盒把罐袋包瓶箱块盆本束条双"
SEVERAL = re.compile(rf"一起|一块儿?买|俩|[两二三2-9][{_UNITS}]|多买|套装|组合|加[^，。？?]{{0,3}}(?:线|头|壳|膜)")
SEVERAL_PRICE = re.compile(rf"(?:一起|套装|组合|[两二三2-9][{_UNITS}])[^，。；]{{0,8}}\d+(?:\.\d+)?元")
# a sentence that calls what a customer complains about normal (盐霜不是发霉, 有折痕是正常的), among this many nearest
NORMAL = re.compile(r"正常|不是质量问题|不算质量问题|不属于质量问题|不是坏了|不是发霉|不算坏[果的]|不是坏[果的]"
                    r"|不影响(?:食用|使用|用|里面|口感|冲泡|效果)|放心吃|放心用"
                    r"|这是(?:为了)?保护|慢慢回弹|就(?:会)?(?:散|没|软)了")  # 握一会儿就软了, 开水烫一下…就没了
NORMAL_TOP = 8
CLAIM_WITHIN = re.compile(r"\d+\s*(?:个)?(?:小时|天)(?:之)?内")  # a time limit to report within (not 3个工作日内 to refund)
DAMAGE = "碎破漏裂瘪"  # a parcel damaged on the way (瓶子碎了, 包装破了 漏了一地): a shop often gives it its own time limit
DETAILS = 3  # further sentences per answered intent: two for one question, one more for a message of several
KIND_NAME = re.compile(r"[\d一二两三四五六七八九十]+件套|礼盒")  # a name that says what a product is, as the policy does too
# another part of the policy named by its heading (看下面“开学季说明”一节, 详见“退换货运费”, 按下面“上楼费”收费), …
_WHERE = r"(?:下面|下文|上面|上文|后面|前面)"
POINTER = re.compile(rf"(?:见|看|按|参考|参照){_WHERE}?的?(?:“[^”]+”[、和及]?)+")
# …a clause that only sends the reader there (…，具体看下面“开学季说明”一节), and where a rule's part is (按下面“上楼费”)
REFERENCE = re.compile(rf"[，,；;]?[^，,；;。：:（）()]*?(?:见|看|参考|参照){_WHERE}?的?(?:“[^”]+”[、和及]?)+[^，,；;。（）()]*")
PLACE = re.compile(rf"(?<=按){_WHERE}的?(?=“)")
ASKS = re.compile(r"[吗么呢？?]|[不没]$|(\w)[不没]\1|啥|什么|多少|几|怎么|咋|哪|多久|多长")  # 能不能, 会不会, 有没有, 是不是


def details(intents: list[Intent], citations: dict[str, Citation], message: str, shop: Shop, ctx: Context,
            said: str, named: Product | None) -> dict[str, str]:
    """For each answered intent, up to two sentences of its own sections that take up the customer's words (none about
    a product the customer did not ask about), a policy sentence under any heading that takes up two of them, and first
    the named product's own rule on a policy question; for a quality complaint the named product's own warranty line,
    and for a discount on several the named product's own price for them."""
    out: dict[str, str] = {}
    others = [name for p in shop.products if p != named for name in p.names()
              if name not in message and not KIND_NAME.fullmatch(name)]  # 预售的礼盒… is no other product's line

    def off_topic(sentence: str) -> bool:
        """About another product than the one asked about (10kg犬粮单买就够包邮 for 逗猫棒包邮不)."""
        return (named is None or not any(n in sentence for n in named.names())) and any(n in sentence for n in others)

    for intent in intents:
        cite = citations.get(intent.id)
        if cite is None:
            continue
        headings = {cite.section.split(" > ")[-1]}
        own = titled(cite.section, intent.steps)  # the shop's own procedure: its own section alone
        if cite.source == shop.policy_source and not own:  # every section the intent's words name (发货时间, 快递与时效)
            headings |= {h for h in shop.policy_sections if any(word in h for word in intent.cite)
                         and not _others(h, intent, intents)}
        elif intent.product:  # a product file's own headings vary (滤芯, 开袋以后): any part of the file may add to it
            headings = {""}
        if cite.source == shop.policy_source:  # 具体看下面“开学季说明”一节: the part a line of its sections points to
            headings |= _pointed(shop, ctx, headings)

        def allow(chunk, cite=cite, headings=headings) -> bool:
            return chunk.source == cite.source and ("" in headings or bool(headings & set(chunk.section.split(" > "))))

        added = 0
        found = _own_word(intent, message, shop, ctx, said, off_topic) if cite.source == shop.policy_source else None
        if found is not None and not any(found.sentence in f for f in out.values()):  # 到付 asked: the 到付 line, wherever
            _add(out, intent.id, found)  # (beside the usual details, not instead)
            said += found.sentence
        topical = topic_sentence(message, shop, ctx.index.chunks(), named, said, None) \
            if intent.product and named else None  # 一次挤多少: the named product's line on 用量, wherever its file wrote it
        grouped = group_sentence(message, shop, ctx.index.chunks(), named, said) \
            if intent.product and named else None  # 两岁娃能吃吗: the named product's line on 3岁以下
        for found in (topical, grouped):
            if found is not None and not any(found.sentence in f for f in out.values()) and found.sentence not in said:
                _add(out, intent.id, found)
                said += found.sentence
                added += 1
        asked = [c for c in clauses(message)[1:] if ASKS.search(c)]  # 到杭州几天, not 加钱也行 or 我有点急
        for query in [*asked, message, message] if intent.product else [message, message, *asked]:
            found = detail(query, shop.info.id, ctx.index.chunks(), allow, said, thresholds().detail, off_topic)
            if found is not None:  # 请准备这几样：or one of its items: the whole short list, else not the bare intro
                found = with_list(found) or (detail(query, shop.info.id, ctx.index.chunks(), allow, said,
                                                    thresholds().detail, lambda s: off_topic(s) or introduces(s))
                                             if introduces(found.sentence) else found)
            if found is None or any(found.sentence in f for f in out.values()) \
                    or (found.chunk.source == shop.policy_source and not agrees_with_facts(found.sentence, shop)):
                continue
            _add(out, intent.id, found)
            said += found.sentence
            added += 1
            if added >= DETAILS:
                break
        if cite.source == shop.policy_source and added < DETAILS:  # 能取消吗 beside 没发货: the policy's 取消 line
            found = anchored(message, shop.info.id, ctx.index.chunks(), lambda c: c.source == shop.policy_source,
                             said, [*intent.triggers, *intent.cite], off_topic)
            if found is not None and not introduces(found.sentence) and not any(found.sentence in f for f in out.values()) \
                    and agrees_with_facts(found.sentence, shop):
                _add(out, intent.id, found)
                said += found.sentence
        if cite.source == shop.policy_source:  # 刻字的几天能发: 刻字要多等1天, under another heading; and however many
            queries = [message] * (added < DETAILS) + asked  # details it has, a further question's line (寄回去那几天
            found = next((f for query in queries if (f := _covering(query, shop, ctx, said, off_topic, named))
                          is not None), None)  # 会不会自动确认收货 → …延长收货时间10天)
            if found is not None and not any(found.sentence in f for f in out.values()):
                _add(out, intent.id, found)
                said += found.sentence
        if named is not None and not intent.product and cite.source == shop.policy_source:  # the product's own rule
            found = _product_rule(intent, message, shop, ctx, said, named)  # (鲜花订阅要另外出运费不 → 都是顺丰包邮),
            if found is not None and not any(found.sentence in f for f in out.values()):  # said first: it is the one
                out[intent.id] = found.sentence + out.get(intent.id, "")  # that holds for what was asked
                said += found.sentence
        whole = [c for c in ctx.index.chunks() if c.source == shop.policy_source]
        courier = next((line for pattern in _courier(message) if (line := line_with(pattern, whole, said))), "") \
            if intent.id in (*REGIONAL, "ship_time") else ""  # 发啥快递: 默认发韵达, wherever the shop wrote it
        if courier:  # what was asked, first (the details found it no nearer than the rest of the rule)
            out[intent.id] = courier + out.get(intent.id, "")
            said += courier
        policy = [c for c in ctx.index.chunks() if allow(c)] if cite.source == shop.policy_source else []
        places = place_words(message) if intent.id in REGIONAL else []
        # 乌鲁木齐的: the line on 新疆, the customer's own place before its region (满59也要补运费12元, not 偏远地区除外)
        place = next((p for p in places if line_with(re.compile(re.escape(p)), policy, said)), None)
        for pattern in (re.compile(re.escape(place)) if place else None,
                        _new_deadline(said) if intent.empathy else None,  # who does what by when
                        CUTOFF if SAME_DAY.search(message) else None,  # 下午3点前付款的当天发出
                        _over_limit(message, shop) if intent.id == "bargain" else None):  # 超过20元的需要主管审批
            line = line_with(pattern, policy, said)
            if line and agrees_with_facts(line, shop):
                out[intent.id] = out.get(intent.id, "") + line
                said += line
        topic = [*intent.cite, *intent.triggers]  # …and, under any heading, its line on the topic there
        more = line_with(naming(places, topic), whole, said) if places and topic else ""  # 偏远地区加收: 新疆…每件加收150元
        if more and agrees_with_facts(more, shop):
            out[intent.id] = out.get(intent.id, "") + more
            said += more
    if named and "quality_issue" in citations:  # the product's own warranty (涂层1年内起皮免费换新) beside the policy
        warranty = next((f.sentence for f in ranked(message, shop.info.id, ctx.index.chunks(),
                                                    lambda c: c.source == named.source)
                         if WARRANTY.search(f.sentence) and _unsaid(f.sentence, said)), "")
        out["quality_issue"] = out.get("quality_issue", "") + warranty
    if named and "wrong_or_missing" in citations:  # 地钉少了: what the product comes with (配件：地钉12根、风绳6根…)
        keys = field_topics()["parts"][1]
        listed = [f.text for f in fields(named.text) if any(k in f.key for k in keys) and f.text not in said]
        words = own_words(message, named.names())  # 剥壳器 asked: the 赠品 line that names it, before the 配料 list
        parts = max(listed, key=lambda text: takes_up(text, words), default="")
        out["wrong_or_missing"] = out.get("wrong_or_missing", "") + parts
    if named and "bargain" in citations and SEVERAL.search(message):  # 两个一起买有优惠吗 → 两个一起拍168元
        deals = [f for f in ranked(message, shop.info.id, ctx.index.chunks(), lambda c: c.source == named.source)
                 if SEVERAL_PRICE.search(ASIDE.sub("", f.sentence)) and _unsaid(f.sentence, said)]
        asked = bigrams(message)  # the price the customer's words ask (两套一起拍239元, not 刷头4支装29元)
        deal = max(deals, default=None, key=lambda f: (len(asked & bigrams(f.sentence)), f.score))
        out["bargain"] = out.get("bargain", "") + (deal.sentence if deal else "")
    return out


_DISCOUNT = re.compile(rf"(?:便宜|少|优惠|减|抹|让)(?:个|点)?\s*({NUMBER})\s*(?:块|元)?")  # 便宜50行不, 少50我立马拍


def _over_limit(message: str, shop: Shop) -> re.Pattern[str] | None:
    """A discount asked beyond what the shop lets a rep give (便宜50 where the limit is 20元): its line on who decides
    a larger one (超过20元的需要主管审批)."""
    limit = shop.facts.bargain_limit_yuan
    asked = [to_number(m.group(1)) for m in _DISCOUNT.finditer(normalize(message))]
    if not limit or not any(n is not None and n > limit for n in asked):
        return None
    return re.compile(rf"(?:超过|超出|高于|多于)\s*{limit:g}\s*元")


def _unsaid(sentence: str, said: str) -> bool:
    """The reply does not say the sentence yet, however it ends there (…可以找客服退差价；秒杀…除外)."""
    return sentence.rstrip("。！？；;") not in said


def _courier(message: str) -> list[re.Pattern[str]]:
    """A question about the courier: the courier it names (能发顺丰不 → the line on 顺丰), or which one (发啥快递 → the
    line on the usual courier, else the first naming one)."""
    if COURIER_ASK.search(message) is None:
        return []
    named = re.findall(COURIERS, message, re.IGNORECASE)
    if named and not re.search(WHICH_COURIER, message):
        return [re.compile("|".join(named), re.IGNORECASE)]
    return [re.compile(rf"(?:默认|一般|统一|都)(?:是|用|走)?发?(?:{COURIERS})", re.IGNORECASE),
            re.compile(COURIERS, re.IGNORECASE)]


def _others(heading: str, intent: Intent, asked: list[Intent]) -> bool:
    """A heading that also names another kind of question, not asked and not of the intent's family: 到货破损 is the
    damage rule's, though 到货 is a word of delivery time."""
    return any(word in heading for other in all_intents() if other.id != intent.id and other not in asked
               and not (intent.family and other.family == intent.family) for word in other.cite)


def _pointed(shop: Shop, ctx: Context, headings: set[str]) -> set[str]:
    """The policy headings that a line under `headings` sends the reader to (具体看下面“开学季说明”一节)."""
    named = {name for c in ctx.index.chunks() if c.source == shop.policy_source
             and headings & set(c.section.split(" > ")) for m in POINTER.finditer(body(c.text))
             for name in re.findall(r"“([^”]+)”", m.group())}
    return {h for h in shop.policy_sections if any(name in h for name in named)}


def _add(out: dict[str, str], intent_id: str, found: Found) -> None:
    """A further sentence for the intent's answer, not sending the customer to another part of the policy (…，具体看下面
    “开学季说明”一节: the customer reads no policy); a list item with the sentence introducing its list, unless that list is the
    one said last (下面这些算质量问题：开线、破洞…。盖子拧紧了还漏…)."""
    unpointed = PLACE.sub("", REFERENCE.sub("", found.sentence))
    if unpointed.strip("，,；;。 "):
        found = found.model_copy(update={"sentence": unpointed})
    sentence = framed(found).sentence
    intro = sentence[: len(sentence) - len(found.sentence)]
    so_far = out.get(intent_id, "")
    last = max(so_far.rfind("："), so_far.rfind(":"))  # the list said last is the one this item may continue
    same = bool(intro) and so_far.rfind(intro) >= 0 and so_far.rfind(intro) + len(intro) - 1 == last
    out[intent_id] = so_far + (found.sentence if same else sentence)


COVERING_TOP = 5  # policy sentences nearest in meaning among which one that takes up two of the question's words is added


def _covering(message: str, shop: Shop, ctx: Context, said: str, off_topic, named: Product | None) -> Found | None:
    """Among the policy sentences nearest in meaning, under any heading, the one that takes up the most words of the
    question's own, two at least, and the reply has not said (奶瓶刻字的话几天能发 → 刻字要多等1天才能发货, written under
    刻字定制; 寄回去那几天会不会自动确认收货 → …延长收货时间10天，避免…被自动确认收货, not …的订单，店铺确认后…)."""
    words = own_words(message, named.names() if named else [])
    if len(words) < COVERED_WORDS:
        return None
    near = ranked(message, shop.info.id, ctx.index.chunks(), lambda c: c.source == shop.policy_source)[:COVERING_TOP]
    taken = [(n, f) for f in near if (n := takes_up(f.sentence, words)) >= COVERED_WORDS and _unsaid(f.sentence, said)
             and not introduces(f.sentence) and not off_topic(f.sentence) and agrees_with_facts(f.sentence, shop)]
    return max(taken, key=lambda pair: pair[0])[1] if taken else None


def _product_rule(intent: Intent, message: str, shop: Shop, ctx: Context, said: str, named: Product) -> Found | None:
    """The named product's own sentence on a policy question, nearest in meaning among those that use a word of the
    intent's (运费已含 for 大号龟背竹还要运费吗): a product may keep a rule of its own beside the shop's."""
    words = [w for w in {*intent.cite, *intent.triggers, *intent.sure} if len(w) >= 2 and "#" not in w]
    return next((f for f in ranked(message, shop.info.id, ctx.index.chunks(), lambda c: c.source == named.source)
                 if any(w in f.sentence for w in words) and _unsaid(f.sentence, said) and not introduces(f.sentence)
                 and agrees_with_facts(f.sentence, shop)), None)


def _own_word(intent: Intent, message: str, shop: Shop, ctx: Context, said: str, off_topic) -> Found | None:
    """The policy sentence nearest in meaning that holds a trigger or sure word of the intent the customer used and the
    reply has not said yet (退货能寄到付吗 → 退货请不要选择到付，到付的包裹仓库会拒收, written under ## 其他说明)."""
    text = normalize(message).lower()
    words = [w for w in [*intent.triggers, *intent.sure] if len(w) >= 2 and w in text and w not in said]
    if not words:
        return None
    return next((f for f in ranked(message, shop.info.id, ctx.index.chunks(), lambda c: c.source == shop.policy_source)
                 if any(w in f.sentence for w in words) and not introduces(f.sentence) and not off_topic(f.sentence)
                 and _unsaid(f.sentence, said) and not for_others(f, said)
                 and agrees_with_facts(f.sentence, shop)), None)


def normal_line(message: str, shop: Shop, ctx: Context, named: Product | None) -> Found | None:
    """Among the shop's sentences nearest in meaning to a complaint, the first that calls something normal and takes up
    a word of the complaint's own (表面白白一层粉 是不是发霉了 → 白霜是盐霜，不是发霉; 浴巾拆开皱巴巴的 → 有折痕是正常的),
    from the named product's file or the policy: the reply says it before any remedy."""
    words = own_words(message, named.names() if named else [])
    if not words:
        return None
    sources = {named.source, shop.policy_source} if named else {c.source for c in ctx.index.chunks()
                                                                 if c.shop == shop.info.id}
    near = ranked(message, shop.info.id, ctx.index.chunks(), lambda c: c.source in sources)[:NORMAL_TOP]
    return next((framed(f) for f in near if NORMAL.search(ASIDE.sub("", framed(f).sentence))  # an aside calls no whole line normal
                 and takes_up(f.sentence, words)
                 and agrees_with_facts(f.sentence, shop)), None)


def special_window(message: str, shop: Shop, ctx: Context) -> str:
    """The shop's line on the damage complained of (a character of 碎破漏裂瘪 in both) when it gives that damage its own
    time limit (开箱发现瓶子碎了的，请在签收后48小时内拍照…): said instead of the usual claim window, which would
    contradict it."""
    damage = {ch for ch in DAMAGE if ch in message}
    if not damage:
        return ""
    policy = [c for c in ctx.index.chunks() if c.source == shop.policy_source]
    lines = (as_sentence(line) for c in policy for line in body(c.text).splitlines() if line.strip())
    usual = f"{shop.facts.quality_claim_days}天"  # the usual window is no special one (请在收货后2天内联系客服)
    found = next((line for line in lines if (m := CLAIM_WITHIN.search(line)) and re.sub(r"\s|个|之|内", "", m.group()) != usual
                  and re.search(r"拍照|照片|找客服|联系客服", line) and any(ch in line for ch in damage)), "")
    return found if found and agrees_with_facts(found, shop) else ""


def _new_deadline(said: str) -> re.Pattern[str]:
    """A time limit (24小时内) other than those the reply gives already (签收后3天内 is the claim window, said anyway)."""
    known = "|".join(re.escape(m.group()) for m in DEADLINE.finditer(said))
    return re.compile(rf"(?<!\d)(?!{known})" + DEADLINE.pattern) if known else DEADLINE


PHOTO = re.compile(r"拍(?:下|清|照|几张|一下|张|视频)|照片|视频")  # what to photograph for a complaint …
_ASKED_OF_BUYER = re.compile(r"请|麻烦|需要|要")  # … asked of the customer


def photo_line(shop: Shop, ctx: Context, section: str) -> str:
    """The policy's own sentence, under the heading the complaint's answer cites, on what the customer should photograph
    (请拍下问题照片或短视频，并拍清楚包装上的批号和生产日期): said instead of the template's 一张整体、一张问题细节."""
    lines = (s for c in ctx.index.chunks() if c.source == shop.policy_source and c.section == section
             for s in sentences(c.text))
    return next((s for s in lines if PHOTO.search(s) and _ASKED_OF_BUYER.search(s) and not FOR_SOME.search(s)
                 and agrees_with_facts(s, shop)), "")  # not 吃出异物的，请…拍清楚: a line for some complaints only

"""Does the shop's own material answer a message? The nearest sentence of its policy, product and FAQ texts,
by meaning (the semantic matcher), never by shared characters."""

import json
import re
from collections.abc import Callable

from pydantic import BaseModel

from aigc_cs.kb.models import SHOP_DOC_TYPES, Chunk, Product
from aigc_cs.kb.question_words import alternatives, asking_words, own_words, takes_up
from aigc_cs.kb.semantic import matcher
from aigc_cs.kb.shops import BULLET, NAME_KEYS, OPEN_KEY, PAIR, as_sentence, keyed
from aigc_cs.kb.traits import TRAIT_TOP, stated, trait

MIN_CHARS = 5
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_WHOLE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# "时效：江浙沪1-2天；其他省份2-4天；偏远地区5-7天": the items after a colon belong to it, one sentence
_ENUMERATION = re.compile(r"^[^；;。]{2,40}[：:][^；;]+[；;]")


class Found(BaseModel):
    chunk: Chunk
    sentence: str
    score: float
    also: list[Chunk] = []  # other chunks the sentence goes on from (a policy rule after a product's line): cited too


def body(text: str) -> str:
    """A chunk's text without the `【…】` breadcrumb the index puts before it."""
    return re.sub(r"^【[^】]*】\s*", "", text)


def sentences(text: str) -> list[str]:
    """The sayable sentences of a chunk: headings and the `【…】` breadcrumb left out; FAQ answers only."""
    text = body(text)
    if "答：" in text:
        text = text.split("答：", 1)[1]
    out = []
    for line in map(keyed, text.splitlines()):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if pair := PAIR.match(BULLET.sub("", line).strip()):
            if pair.group(1) not in NAME_KEYS:  # 商品名：手工牛轧糖（…）names the product, it answers nothing
                out.append(as_sentence(line))
            continue
        line = BULLET.sub("", line)
        pattern = _WHOLE if _ENUMERATION.match(line.strip()) else _SENTENCE
        out.extend(as_sentence(s) for s in pattern.findall(line) if len(s.strip()) >= MIN_CHARS)
    return [s for s in out if len(s) >= MIN_CHARS]


def _shop_matcher(shop: str, chunks: list[Chunk]):
    """One label per sentence ("<chunk id>#<n>"), so that a message is scored against every sentence at once."""
    mine = {c.id: c for c in chunks if c.shop == shop and c.doc_type in SHOP_DOC_TYPES}
    examples = {f"{cid}#{n}": [sentence] for cid, c in mine.items() for n, sentence in enumerate(sentences(c.text))}
    return (matcher(f"sentences-{shop}", json.dumps(examples, ensure_ascii=False), 1) if examples else None), mine


def warm(shop: str, chunks: list[Chunk]) -> None:
    m, _ = _shop_matcher(shop, chunks)
    if m is not None:
        m.vectors()


def ranked(message: str, shop: str, chunks: list[Chunk], allow: Callable[[Chunk], bool] | None = None) -> list[Found]:
    """The shop's sentences (optionally only those of chunks `allow` accepts), nearest in meaning first;
    empty without a model."""
    m, mine = _shop_matcher(shop, chunks)
    table = m.scores([message]) if m is not None else None
    if table is None:
        return []
    out = []
    for j, label in enumerate(m.labels):
        cid, n = label.rsplit("#", 1)
        chunk = mine[cid]
        if allow is None or allow(chunk):
            out.append(Found(chunk=chunk, sentence=sentences(chunk.text)[int(n)], score=float(table[0, j])))
    return _numbers_first(message, sorted(out, key=lambda f: -f.score))


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-|–|~|～|到|至)\s*(\d+(?:\.\d+)?)")
NUMBER_MARGIN = 0.02  # e5's scores of one file's sentences lie close together (0.886–0.901 for 胸围48 选啥码)


def _gives(sentence: str, numbers: set[float], units: set[str]) -> bool:
    """The sentence has a range the customer's number falls in (胸围48 → 40-55厘米), or the same number with
    the same unit (5公斤 → 5公斤约70克)."""
    if any(lo <= n <= hi for a, b in _RANGE.findall(sentence) for lo, hi in [(float(a), float(b))] for n in numbers):
        return True
    return any(unit in sentence for unit in units)


def _numbers_first(message: str, found: list[Found]) -> list[Found]:
    """A customer who gives a measurement (身高165, 胸围48, 5公斤) asks for the sentence that covers it: among
    the sentences about as near in meaning as the best, those that do come first."""
    numbers = {float(n) for n in _NUMBER.findall(message)}
    if not numbers or not found:
        return found
    units = {m.group(0) for m in re.finditer(r"\d+(?:\.\d+)?\s*[\u4e00-\u9fffa-zA-Z]{1,2}", message)}
    close = [f for f in found if f.score >= found[0].score - NUMBER_MARGIN]
    first = [f for f in close if _gives(f.sentence, numbers, units)]
    return first + [f for f in found if f not in first]


def nearest(message: str, shop: str, chunks: list[Chunk], sources: set[str] | None = None) -> Found | None:
    """The shop sentence nearest in meaning to `message` (optionally only from `sources`), or None without a model."""
    found = ranked(message, shop, chunks, None if sources is None else (lambda c: c.source in sources))
    return found[0] if found else None


def bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff0-9]", "", text)
    return {text[i: i + 2] for i in range(len(text) - 1)}


SHORT_RULE = 16  # characters: a sentence this short whose every number the reply gave is the rule said again


def _repeats(sentence: str, said: str, share: float = 0.5) -> bool:
    """Half of the sentence's character pairs are already in the reply, or it is a short sentence whose every number
    the reply already gave (单笔订单实付满59元包邮 after 满59元包邮): it would say the same thing twice."""
    pairs = bigrams(sentence)
    numbers = set(_NUMBER.findall(sentence))
    known = set(_NUMBER.findall(said))
    restated = bool(numbers) and numbers <= known and len(bigrams(sentence)) < SHORT_RULE
    news = bool(numbers - known)  # 不满59元的，运费6元 after 满59元包邮，不满的话运费在下单页会显示: 6元 is new
    return not pairs or restated or (not news and len(pairs & bigrams(said)) / len(pairs) >= share)


def detail(message: str, shop: str, chunks: list[Chunk], allow: Callable[[Chunk], bool], said: str,
           bar: float, off_topic: Callable[[str], bool] = lambda _: False) -> Found | None:
    """The sentence of the answering section nearest in meaning to the message (at least `bar`) that the reply
    does not say yet and that is not `off_topic` (about a product the customer did not ask about): the detail a
    rep adds after the rule itself (运费6元 for 邮费多少, 不接受到付件 for 到付)."""
    return next((found for found in ranked(message, shop, chunks, allow)
                 if found.score >= bar and not _repeats(found.sentence, said) and not off_topic(found.sentence)
                 and not for_others(found, said)), None)


FOR_SOME = re.compile(r"^(?:如果|若|凡是|要是)|^[^。！？，,]{2,16}的[，,]")  # 质量问题、发错货需要寄回的，…


def for_others(found: Found, said: str) -> bool:
    """A sentence of a policy line that goes on from a first one saying whom the line is for (质量问题、发错货需要寄回的，
    来回运费店铺出。→ 您先垫付…和货款一起退给您), when the reply has not said that one: alone it reads as if it were
    for everyone. (Where a line names places first, 新疆…不发货。→ 路上时间太长…, was tried: it also dropped 顺丰一般比中通快1天
    after a list of regions' delivery days, dev −1.)"""
    if found.chunk.doc_type != "policy":
        return False
    line = next((line for line in body(found.chunk.text).splitlines() if found.sentence.rstrip("。") in line), "")
    first = re.split(r"(?<=[。！？])", BULLET.sub("", line).strip())[0]
    return bool(first) and found.sentence.rstrip("。") not in first and bool(FOR_SOME.search(first)) \
        and first.rstrip("。") not in said


def anchored(message: str, shop: str, chunks: list[Chunk], allow: Callable[[Chunk], bool], said: str,
             cues: list[str], off_topic: Callable[[str], bool] = lambda _: False) -> Found | None:
    """The nearest sentence in meaning that takes up a word of the message other than the question's own (取消 in 快一天了
    没发货 能取消吗) and speaks about the question's topic (one of `cues`: 发货, 补发): the detail a rep adds to the rule
    wherever in the allowed text it is written, not only under the rule's heading."""
    from aigc_cs.text import tokens

    words = {w for w in tokens(message) if len(w) >= 2 and not any(w in c or c in w for c in cues)}
    return next((f for f in ranked(message, shop, chunks, allow)
                 if any(w in f.sentence for w in words) and any(c in f.sentence for c in cues)
                 and not off_topic(f.sentence) and not _repeats(f.sentence, said) and not for_others(f, said)), None)


COVERED_WORDS = 2  # words of the question a sentence must take up
COVERED_TOP = 5  # among this many sentences nearest in meaning
COVERED_ONE_TOP = 2  # …and among this many when the question has one word of its own


def _unnamed(sentence: str, names: list[str]) -> str:
    """A sentence, lower-cased, with the product names in it blanked out."""
    text = sentence.lower()
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name.lower(), " ") if name else text
    return text


def covered(message: str, shop: str, chunks: list[Chunk], sources: set[str], names: list[str],
            one: bool = True, besides: str = "") -> Found | None:
    """Among the sentences of `sources` nearest in meaning, the first that takes up two words of the question other
    than the product's `names` and the words any question uses (微波炉 and 热奶 of 奶瓶可以微波炉热奶不), or its only such
    word (苹果 of 猕猴桃跟苹果放一起会咋样) in one of the very nearest, if `one` (the customer named the product: when
    that word alone chose it, 滤芯 of 滤芯多久换一次, it says nothing more): nearness alone answers
    questions the file does not (a sentence on 滤芯 for 别的牌子的滤芯能装吗), and so does one shared word of a longer
    question. Words the text `besides` uses count for nothing (the policy's 发货 and 收到, when every product file is
    searched: 能先发货我收到再付钱不 is no question about storing the gift box). A choice question (黄油还是植物油) is
    answered by one of the nearest that names either alternative outside a product's name (配料是…黄油…, not 商品名称是
    手工黄油曲奇罐)."""
    words = {w for w in own_words(message, names) if w not in besides}
    near = ranked(message, shop, chunks, lambda c: c.source in sources)
    if one and (asked := trait(message, names)):  # 礼盒辣不辣 送长辈的: the trait, not 长辈, is asked
        return next((f for f in near[:TRAIT_TOP] if asked in f.sentence), None) or next(
            (f for f in near if stated(asked).search(f.sentence)), None)
    found = _taking_up(near, words) if words and (len(words) > 1 or one) else None
    if found is None and (offered := alternatives(message)):
        found = next((f for f in near[:COVERED_TOP] if takes_up(_unnamed(f.sentence, names), offered)), None)
    if found is None and one and 0 < len(asking := asking_words(message, names) & words) < len(words):
        found = _taking_up(near, asking)  # A3有降噪吗 坐地铁用的: 降噪 is asked, 坐地铁 says what for
    return found


def _taking_up(near: list[Found], words: set[str]) -> Found | None:
    """The first of the nearest sentences that takes up two of `words`, or the only one, among the very nearest."""
    top = near[:COVERED_TOP if len(words) > 1 else COVERED_ONE_TOP]
    return next((f for f in top if takes_up(f.sentence, words) >= min(COVERED_WORDS, len(words))), None)


# a customer asking what something costs (多少钱, 中号多钱, 两支装多少, 一起买多少米): not a discount, a price
PRICE_ASK = re.compile(r"多少钱|多钱|几块钱|什么价|啥价|价格|价钱|多少米|咋卖|怎么卖|一共多少|装多少(?![克毫升斤])")
PRICE = re.compile(r"\d+(?:\.\d+)?\s*元")
LISTED_PRICE = "{name}的标价是{price}元。"  # a file that gives its price only in its front matter (price_yuan)


def price(message: str, shop: str, chunks: list[Chunk], product: Product, said: str) -> Found | None:
    """For a message that asks a price, the sentence of the product's own file that gives one (中号多钱 大号呢 →
    大号…139元；中号…99元), unless the reply says it already: the one that shares the most words with the message (雨罩
    多少钱 → 雨罩39元), else the one with the product's own price (价格69元一只), else the nearest in meaning. The product's
    own file is the only place its price is written, however unlike the question the sentence reads; a file that
    writes no price at all has the one of its front matter (price_yuan)."""
    if not PRICE_ASK.search(message):
        return None
    asked = bigrams(message)
    own = f"{product.price_yuan:g}" if product.price_yuan is not None else None
    near = ranked(message, shop, chunks, lambda c: c.source == product.source)
    found = [f for f in near if PRICE.search(f.sentence) and f.sentence not in said]
    if not found and own is not None and near and f"{own}元" not in said and not any(PRICE.search(f.sentence) for f in near):
        return Found(chunk=near[0].chunk, sentence=LISTED_PRICE.format(name=product.name, price=own), score=1.0)
    return max(found, default=None, key=lambda f: (len(asked & bigrams(f.sentence)),
                                                    own is not None and own in _NUMBER.findall(f.sentence), f.score))


class Labelled(BaseModel):
    """A labelled part of a product file: a `键：值` line, a `键：` line with the lines under it, or a `## ` heading
    with its lines. The key says what the text is about, as the shop wrote it."""

    key: str
    text: str


FIELD_CHARS = 160  # a field read out whole, up to about this many characters of whole sentences
KEY_NUMBER = re.compile(r"^([\u4e00-\u9fff]{2,4})(?=\d)")  # a bullet that runs its key into the value: "- 承重150公斤"


def fields(text: str) -> list[Labelled]:
    """The labelled fields of a product file, in file order (a line inside a `## ` section is a field of its own too)."""
    found: list[tuple[str, list[str]]] = []
    heading: list[str] | None = None
    under: list[str] | None = None  # the lines of a `键：` line with no value of its own ("使用注意：" then a list)
    for raw in map(keyed, text.splitlines()):
        line = BULLET.sub("", raw).strip()
        if raw.lstrip().startswith("#"):
            heading = [] if raw.lstrip().startswith("## ") else None
            if heading is not None:
                found.append((raw.strip("# \t"), heading))
            under = None
            continue
        if not line:
            under = None
            continue
        opened = OPEN_KEY.match(line)  # "使用注意：" and its list below (read the way the shop reader reads it)
        if opened:
            under = []
            found.append((opened.group(1), under))
            continue
        pair = PAIR.match(line) or (KEY_NUMBER.match(line) if BULLET.match(raw) else None)
        sentence = as_sentence(line)
        if pair:
            found.append((pair.group(1), [sentence]))
        for block in (heading, under):
            if block is not None:
                block.append(sentence)
    return [Labelled(key=key, text=_whole(lines)) for key, lines in found if lines]


def _whole(sentences: list[str], limit: int = FIELD_CHARS) -> str:
    out = ""
    for sentence in sentences:
        if out and len(out) + len(sentence) > limit:
            break
        out += sentence
    return out


def line_with(pattern: re.Pattern[str] | None, chunks: list[Chunk], said: str) -> str:
    """The first line of `chunks` (a policy's sections) that `pattern` finds something in (the customer's province or
    region: 新疆、西藏、青海每单补20元运费 for 乌鲁木齐的; a deadline: 核实以后24小时内给您补发), without the parts of it
    (between ； or 。) that `said` has already; "" when none does or there is no pattern."""
    if pattern is None:
        return ""
    lines = (as_sentence(line) for c in chunks for line in body(c.text).splitlines() if line.strip())
    for line in lines:
        news = [p for p in re.split(r"(?<=[；;。！？])", line) if p.strip() and p.rstrip("。；;！？") not in said]
        if pattern.search(line) and any(pattern.search(p) for p in news):
            return as_sentence("".join(news))
    return ""


STEP = re.compile(r"^\s*(\d{1,2})[.、)）](?!\d)")  # "1. 在订单页面点…": a numbered step
STEPS_CHARS = 240  # a shop's own procedure is read whole, up to about this many characters


def titled(section: str, words: list[str]) -> bool:
    """The section's own heading (the last part of `区 > 小节`) holds one of `words`."""
    return any(word in section.split(" > ")[-1] for word in words)


def policy_match(chunks: list[Chunk], words: list[str], pattern: re.Pattern[str]) -> Found | None:
    """The first stretch of a policy section titled with one of `words` that `pattern` finds (## 质量问题 →
    确认后退款或者补发，来回运费我们出。), else of a line naming one of them under another heading (## 其他 → 少发、漏发了，
    …确认后给您补发或者退款。)."""
    stretches = [(chunk, text) for chunk in chunks if titled(chunk.section, words) for text in [body(chunk.text)]] + [
        (chunk, line) for chunk in chunks for line in body(chunk.text).splitlines() if any(w in line for w in words)]
    return next((Found(chunk=chunk, sentence=m.group().rstrip("，,") + "。", score=1.0)
                 for chunk, text in stretches if (m := pattern.search(text))), None)


def policy_line(chunks: list[Chunk], pattern: re.Pattern[str]) -> Found | None:
    """The first line of a shop's policy (`chunks`) that `pattern` finds, under whatever heading (下单以后商品降价…，
    不补差价)."""
    return next((Found(chunk=c, sentence=as_sentence(line), score=1.0) for c in chunks
                 for line in body(c.text).splitlines() if line.strip() and pattern.search(line)), None)


def policy_section(chunks: list[Chunk], words: list[str], limit: int = FIELD_CHARS) -> Found | None:
    """The first section of a shop's policy (`chunks`) whose heading holds one of `words`, read out from its start
    (its numbered steps keep their numbers: 1）在订单页面点“退款/售后”…2）…)."""
    chunk = next((c for c in chunks if titled(c.section, words)), None)
    if chunk is None:
        return None
    lines = [(f"{step.group(1)}）" if (step := STEP.match(line)) else "") + as_sentence(line)
             for line in body(chunk.text).splitlines() if line.strip()]
    return Found(chunk=chunk, sentence=_whole(lines, limit), score=1.0)


def policy_field(message: str, chunks: list[Chunk], topics: dict[str, tuple[re.Pattern[str], list[str]]]
                 ) -> Found | None:
    """The first section of a shop's policy (`chunks`) whose heading names a topic the message asks about (包安装吗 →
    ## 安装服务, 保修多久 → ## 保修), read out from its start; the topic asked in more words first (别放价格单 of 送人的
    有包装吗: ## 送礼和包装, not ## 真空压缩包装)."""
    return next((found for _, keys in _asked(message, topics) if (found := policy_section(chunks, keys))), None)


def _asked(message: str, topics: dict[str, tuple[re.Pattern[str], list[str]]]) -> list[tuple[int, list[str]]]:
    """(how many letters of the message ask it, the words of a key that covers it) for each topic asked, most first."""
    return sorted(((len(m.group()), keys) for pattern, keys in topics.values() if (m := pattern.search(message))),
                  key=lambda pair: -pair[0])


def asked_fields(message: str, text: str, topics: dict[str, tuple[re.Pattern[str], list[str]]]) -> list[Labelled]:
    """The fields of a product file (`text`) whose key names a topic the message asks about (`topics`: id → (the
    customer's words, the words of a key that covers it)); a field inside another one that is asked too is said
    once (保质期 inside 规格与保质期: the line, not the section). The field of the topic asked in more words comes first."""
    asked = _asked(message, topics)

    def said(f: Labelled) -> int:  # how much of the message asks the field's topic: 收起来 before 多长 of 收起来多长
        return max((n for n, keys in asked if any(word in f.key for word in keys)), default=0)

    found = list({f.text: f for f in fields(text) if said(f)}.values())
    found = [f for f in found if not any(g is not f and g.text in f.text for g in found)]
    return sorted(found, key=said, reverse=True)

"""Which product a customer or a teacher means: by name, alias or substring, else by meaning."""

import re

from aigc_cs.errors import UserError
from aigc_cs.kb.models import Product, Shop
from aigc_cs.text import normalize

# e5 cosine between a typed name and a product name (query prefix on both sides), and the lead over the next
# product. Measured on the demo shops: 眼霜→面霜 0.933 (a different product), 牛仔长裤→高腰直筒牛仔裤 0.950,
# 保湿霜→水润保湿面霜 0.949; meaning alone decides only when it is this sure.
MIN_NAME_SIMILARITY = 0.945
MIN_LEAD = 0.02


def _key(text: str) -> str:
    return normalize(text).lower().replace(" ", "")


def _matches(text: str, shop: Shop) -> list[tuple[int, Product]]:
    """(length of the longest name of the product found in `text`, product), longest first."""
    text = _key(text)
    best: dict[str, tuple[int, Product]] = {}
    for product in shop.products:
        lengths = [len(_key(n)) for n in product.names() if _key(n) and _key(n) in text]
        if lengths:
            best[product.source] = (max(lengths), product)
    return sorted(best.values(), key=lambda item: -item[0])


def named_outright(message: str, shop: Shop) -> bool:
    """The message says a product's name or one of its aliases (not only a size, a word or the category character)."""
    return bool(_matches(message, shop))


def named_all(message: str, shop: Shop) -> list[Product]:
    """Every product the message names outright (精华 and 面霜 of 精华和面霜先涂哪个), the longest name first; not one
    named only inside another's name (礼盒 of 腊味礼盒)."""
    text = _key(message)
    matches = [p for _, p in _matches(message, shop)]
    said = {p.source: {_key(n) for n in p.names() if _key(n) and _key(n) in text} for p in matches}

    def inside(name: str, source: str) -> bool:  # part of a longer name of another product the message says
        return any(name in longer and name != longer for other, names in said.items() if other != source for longer in names)

    return [p for p in matches if not all(inside(n, p.source) for n in said[p.source])]


def mentioned(message: str, shop: Shop) -> Product | None:
    """The product a customer's message names; when two products share the longest name, none of them. A message
    that names none may still say a size only one product comes in (中号), a word of one product's name only (普洱),
    or the one-character category word that ends one product's name only, alone or in a word of its own ("这个窝",
    "绳子" for 反光牵引绳套装, 饭盒 for 耐热玻璃保鲜盒, 锅底 for 不粘炒锅)."""
    found = _matches(message, shop)
    if not found:
        return (_by_spec(message, shop) or _by_letters(message, shop) or _by_name_word(message, shop)
                or _by_category_char(message, shop) or _by_sound(message, shop))
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None
    return found[0][1]


_SPEC = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(kg|g|ml|l|cm|千克|公斤|克|毫升|升|斤|厘米)(?![a-z])")
_UNITS = {"千克": "kg", "公斤": "kg", "克": "g", "毫升": "ml", "升": "l", "厘米": "cm"}
_SIZE_WORD = re.compile(r"(?:特大|加大|大|中|小)号")  # a named size of the product (大号40×28厘米 / 中号34×24厘米)


def _specs(text: str) -> set[str]:
    text = _key(text)
    return {f"{float(n):g}{_UNITS.get(unit, unit)}" for n, unit in _SPEC.findall(text)} | set(_SIZE_WORD.findall(text))


_VARIANTS = re.compile(r"[（(]([^）)]*)[）)]")


def _variants(name: str) -> set[str]:
    """The variants a product's name lists in brackets, in words (标准款 and 加大款 of 折叠月亮椅（标准款/加大款））, each
    also without the measure it goes on with (四人位 of 四人位2.4米)."""
    listed = [v.strip() for part in _VARIANTS.findall(name) for v in re.split(r"[/／、，,]", part)]
    heads = [m.group(0) for v in listed if (m := re.match(r"[\u4e00-\u9fff]{2,}(?=\d)", v))]
    return {v for v in listed + heads if len(v) >= 2 and re.search(r"[\u4e00-\u9fff]", v)}


# a size said by its number alone (750的一个人能用多久, 1.8的): the one of that number
_BARE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=的|款|装)")


def _by_spec(message: str, shop: Shop) -> Product | None:
    """A size or variant only one product's name gives ("4kg的是一整袋吗" for 鲜鸡肉全价猫粮（1.5kg / 4kg）, "750的" for
    生姜控油洗发水（400毫升/750毫升）, "中号多钱" for 乌檀木整木菜板（大号… / 中号…）, "坐标准款会不会塌" for 折叠月亮椅（标准款/加大款））."""
    said, text = _specs(message), _key(message)
    bare = {f"{float(n):g}" for n in _BARE.findall(text)}
    owners = [p for p in shop.products
              if said & _specs(p.name) or bare & {re.sub(r"[^\d.]", "", s) for s in _specs(p.name)}
              or any(re.search(rf"(?<![\d.]){re.escape(_key(v))}", text) for v in _variants(p.name))]
    if not owners:  # …or, with its unit, only one product's file (2.2L的空瓶多重: 容量有两个：1.5L 45元，2.2L 55元)
        owners = [p for p in shop.products if said - set(_SIZE_WORD.findall(text)) & _specs(p.text)]
    return owners[0] if len(owners) == 1 else None


def _name_words(product: Product, shop: Shop) -> set[str]:
    """The words of a product's name that no other product's name has and fewer than half of the other products'
    files use ("普洱" of 云南普洱熟茶饼, though 龙井's file suggests a 普洱 beside it; "吸管" of 重力球吸管学饮杯): a
    customer who types one means that product. Words most files use (宝宝, 不锈钢) are the shop's, not one product's."""
    from aigc_cs.kb.shops import base_name
    from aigc_cs.text import word_spans

    words: set[str] = set()
    for name in {_key(base_name(n)) for n in product.names()}:  # a name the file opens with too (墨红玫瑰洋甘菊花草茶)
        words |= {name[b:e] for b, e in word_spans(name)}
        words |= {name[i:i + 2] for i in range(len(name) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", name[i:i + 2])}
    others = [p for p in shop.products if p is not product]
    names = "|".join(_key(n) for p in others for n in p.names())
    texts = [_key(p.text) for p in others]
    return {w for w in words if len(w) >= 2 and not w.isascii() and w not in names
            and 4 * sum(w in text for text in texts) < 3 * len(texts)}


_ASKS_FOR = re.compile(r"有吗|有没有|有没|有不|有卖|卖吗|卖不")


def _by_name_word(message: str, shop: Shop) -> Product | None:
    """The one product a word of whose name the message uses (see `_name_words`), or two characters of it that no word
    of the message runs across (挂耳 of 挂耳是纯黑的吗 and 挂耳咖啡, not 连衣 of 连衣帽: 连|衣帽) and that do not open
    another thing the customer asks the shop to have (牛仔 of 牛仔外套有吗)."""
    from aigc_cs.text import word_spans

    text = _key(message)
    said = {text[b:e] for b, e in word_spans(text, search=True)}
    spans = word_spans(text)

    asks_for = bool(_ASKS_FOR.search(text))  # 牛仔外套有吗: whether the shop has another thing with the same word

    def stands(at: int, name: str) -> bool:
        head = next((text[b:e] for b, e in spans if b == at + 2 and e - b >= 2), "")  # 外套 after 牛仔
        return all(text[b:e] in name or (b == at and e == at + 3)  # jieba glues a character on: 挂耳|冲 of 挂耳冲多少水
                   for b, e in spans if b < at < e or b < at + 2 < e) and not (  # not 连|衣帽
            asks_for and re.fullmatch(r"[\u4e00-\u9fff]+", head) and head not in name)

    def names(piece: str, product: Product) -> bool:
        if len(piece) > 2:
            return piece in said
        return any(stands(m.start(), _key(product.name)) for m in re.finditer(re.escape(piece), text))

    owners = [p for p in shop.products if any(names(w, p) for w in _name_words(p, shop))]
    return owners[0] if len(owners) == 1 else None


_LETTERED = re.compile(r"(?<![A-Za-z])([A-Za-z]{1,3})[\u4e00-\u9fff]")  # T of T恤


def _by_letters(message: str, shop: Shop) -> Product | None:
    """The one product a name of which opens a word with Latin letters that the message types alone (白T, 这件T透不透
    for T恤): customers drop the Chinese character that follows."""
    text = normalize(message)
    owners = [p for p in shop.products if any(
        re.search(rf"(?<![A-Za-z]){re.escape(m.group(1))}(?![A-Za-z\d])", text, re.IGNORECASE)
        for n in p.names() for m in _LETTERED.finditer(normalize(n)))]
    return owners[0] if len(owners) == 1 else None


def _by_category_char(message: str, shop: Shop) -> Product | None:
    from aigc_cs.text import word_spans

    text = _key(message)
    ends = [(_last_char(p.name), p) for p in shop.products if _last_char(p.name)]
    words = {text[b:e] for b, e in word_spans(text)
             if text[b:e].endswith("子") or not _COUNTED.search(text[max(0, b - 1):b + 1])}
    for char, product in ends:
        others = [p for p in shop.products if p is not product and any(char in n for n in p.names())
                  and _last_char(p.name) == char]
        if not others and '\u4e00' <= char <= '\u9fff' and any(_names_kind(word, char) for word in words):
            return product
    return None


# a word opening with a number or after one (3盆多肉, 12支一盒): a measure word, not a thing of that kind (花盆, 收纳盒);
# a word in 子 is a thing (胸围48 绳子)
_COUNTED = re.compile(r"[\d一二两三四五六七八九十几半每]")


def _last_char(name: str) -> str:
    """The last Chinese character of a product's base name, its category (椅 of 人体工学椅 M5)."""
    from aigc_cs.kb.shops import base_name

    bare = re.sub(r"(?:[\s×xX*/+]*\d+(?:\.\d+)?\s*(?:克|千克|毫升|升|斤|公斤|片|包|袋|罐|盒|支|条|个|g|kg|ml))+\s*$", "",
                  base_name(name))
    return (re.findall(r"[\u4e00-\u9fff]", bare) or [""])[-1]  # 云南普洱熟茶饼 357克: 饼, not 克


SOUND_NAME_CHARS = 3  # a name this long typed with a wrong character of the same sound still names the product


def _by_sound(message: str, shop: Shop) -> Product | None:
    """The one product a name of which the message types with a character of the same sound (耙耙甘 for 耙耙柑, 学引杯
    for 学饮杯); names shorter than three characters are too easily another word."""
    from aigc_cs.guard.sound import readings

    text = _key(message)

    def sounds_like(name: str) -> bool:
        return any(all(set(readings(a)) & set(readings(b)) for a, b in zip(name, text[i:i + len(name)], strict=True))
                   for i in range(len(text) - len(name) + 1))

    owners = [p for p in shop.products
              if any(sounds_like(n) for n in map(_key, p.names()) if len(n) >= SOUND_NAME_CHARS
                     and re.fullmatch(r"[\u4e00-\u9fff]+", n))]
    return owners[0] if len(owners) == 1 else None


def _names_kind(word: str, char: str) -> bool:
    """A word that speaks of a thing of the kind `char` ends a product's name with: the character alone or with 子,
    a compound whose head it is (饭盒, 玻璃盒, 不沾锅 for 保鲜盒 and 炒锅; a typed-wrong 学引杯), or a two-character
    word it opens (锅底, 锅盖, and jieba's cuts 这窝, 窝能). A longer word it opens is another thing (机器人, 车载支架)."""
    return word in (char, char + "子") or (len(word) >= 2 and word.endswith(char)) \
        or (len(word) == 2 and word.startswith(char))


def resolve(shop: Shop, name: str) -> Product:
    """The product a `--product` option means: exact name or alias, a name that contains it (or that it
    contains), else the nearest name by meaning. No match or several equally good ones: one line that
    lists the candidates."""
    typed = _key(name)
    exact = [p for p in shop.products if typed in (_key(n) for n in p.names())]
    partial = exact or [p for p in shop.products if any(typed in _key(n) or _key(n) in typed for n in p.names())]
    if len(partial) == 1:
        return partial[0]
    candidates = partial or _nearest(shop, name)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        listed = "、".join(p.name for p in candidates)
        raise UserError(f"店铺 {shop.info.id} 里“{name}”可能指：{listed}；请写得更具体一些，例如 --product {candidates[0].name}")
    known = "、".join(p.name for p in shop.products) or "（还没有商品资料）"
    raise UserError(f"店铺 {shop.info.id} 没有商品“{name}”，可选：{known}")


def _nearest(shop: Shop, name: str) -> list[Product]:
    from aigc_cs.kb.semantic import embed

    names = [(p, n) for p in shop.products for n in p.names()]
    vectors = embed([name, *(n for _, n in names)]) if names else None
    if vectors is None:
        return []
    scores = vectors[1:] @ vectors[0]
    best: dict[str, tuple[float, Product]] = {}
    for (product, _), value in zip(names, scores, strict=True):
        if value > best.get(product.source, (-1.0, product))[0]:
            best[product.source] = (float(value), product)
    ranked = sorted(best.values(), key=lambda item: -item[0])
    lead = ranked[0][0] - (ranked[1][0] if len(ranked) > 1 else 0.0)
    return [ranked[0][1]] if ranked[0][0] >= MIN_NAME_SIMILARITY and lead >= MIN_LEAD else []

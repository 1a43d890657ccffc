"""Read a shop folder: policy.md (facts in YAML front matter, prose body) and products/*.md."""

import re
from pathlib import Path

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.kb.loaders import load
from aigc_cs.kb.models import PolicyFacts, Product, ProductSection, Shop, ShopInfo

SHOP_READER = "shop-reader-27"  # bump when reading a folder changes (aliases, sections, product text): saved shops are read again
POLICY_FILE = "policy.md"
PRODUCTS_DIR = "products"
# H2 headings of a product file, matched by keyword so that a dropped-in shop may word them its own way.
# A product file without headings is read line by line: `- 键：值` bullets and `键：值` lines go to the section
# whose words their key contains.
PRODUCT_SECTIONS = {
    "material": ("材质", "成分", "面料", "配料", "原料", "配方", "材料"),
    "size": ("规格", "尺码", "容量", "净含量", "重量", "尺寸", "保质期", "型号", "克重", "码数", "多大", "多重", "参数", "放多久"),
    "suitable": ("适合", "适用", "人群", "场合", "兼容", "合适", "哪些人"),
    "selling": ("卖点", "特点", "亮点", "口感", "风味", "产地", "等级", "功能", "特色", "介绍", "味道", "香气", "喝起来",
                "来历", "口味", "辣度", "甜度", "好在哪"),
    "care": ("使用", "保养", "洗护", "用法", "储存", "存放", "保存", "冲泡", "食用", "吃法", "喝法", "注意", "清洗", "清洁",
             "怎么存", "怎么用", "怎么吃", "怎么喝", "怎么冲", "怎么洗", "怎么放", "冲煮", "养护", "喂食"),
    "related": ("关联", "搭配", "推荐", "一起"),
}
PRODUCT_SUFFIXES = (".md", ".txt")
# the number is the price when 元 or the end of a clause follows it, not a size (价格：90厘米款169元)
PRICE = re.compile(r"(?:价格|售价|单价|到手价|定价|价钱)\s*[：:]?\s*[¥￥]?\s*(\d+(?:\.\d+)?)\s*(?:元|(?=$|[\s，,。；;/]))", re.M)
UNIT_PRICE = re.compile(r"[¥￥]?\s*(\d+(?:\.\d+)?)\s*元\s*(?:/|每|一)\s*(?:罐|袋|盒|饼|份|件|个|瓶|支|包|斤|套|条|只)")
NAME_KEYS = ("品名", "名称", "商品名", "产品名", "商品名称", "产品名称")
_KEY_LINE = re.compile(r"^\s*(?:[-*•·]\s*)?([^：:\s]{1,8})\s*[：:]\s*(.+)$")
_SPEC = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_TYPE_WORDS = {
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "greater_than": "应大于 0",
    "greater_than_equal": "不能为负数",
}


def explain(exc: ValidationError, path: Path, model: type[BaseModel]) -> str:
    """Turn the first pydantic error into one Chinese line naming the file and the field."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "（整体）"
    kind = error["type"]
    if kind == "missing":
        return f"{path}：缺少字段 {field}，请在 YAML 头里补上（字段说明见 README）"
    if kind == "extra_forbidden":
        known = "、".join(model.model_fields)
        return f"{path}：未知字段 {field}（拼写错误？可用字段：{known}）"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{path}：字段 {field} 的值 {error.get('input')!r} 不可用，只能是 {allowed}"
    if kind == "string_pattern_mismatch":
        return f"{path}：字段 {field} 只能用字母、数字、- 和 _"
    reason = _TYPE_WORDS.get(kind, error["msg"])
    return f"{path}：字段 {field} 的值 {error.get('input')!r} 不对，{reason}"


def _section_key(text: str) -> str | None:
    """The section a heading or key names: the one whose word comes first in it (适合多大的孩子 is 适合, not 多大)."""
    found = [(text.find(w), order, k) for order, (k, words) in enumerate(PRODUCT_SECTIONS.items()) for w in words
             if w in text]
    return min(found)[2] if found else None


_HOW_KEYS = PRODUCT_SECTIONS["care"]


_CLAUSE_KEY = re.compile(r"^(?:不|怎么|咋)|[请别]|不要|不能|(?<!适)[有用]$")


def _sentence(key: str, value: str) -> str:
    """A `键：值` line read out: `适合：送礼` → "适合送礼。"; `产地：杭州` → "产地是杭州。"; `净含量：250克` →
    "净含量250克。"; `冲泡：85度的水` → "冲泡方法：85度的水。"; `材质：盒身是玻璃` stays as it is."""
    value = value.strip().rstrip("。；;，,")
    if key[:1].isdigit() or key.isascii() or "是" in re.split(r"[，,；;。]", value)[0] or _CLAUSE_KEY.search(key):
        return f"{key}：{value}。"  # a variant (1.5kg：…, S：…) keeps its colon, so does a value that says 是 itself
        # (材质：盒身是高硼硅玻璃, not 材质是盒身是…) and a key that is a clause of its own (这些情况请不要用：孕妇…,
        # 盒子里有：钢笔1支…)
    if key.endswith(("适合", "适用", "用于")) or (value[:1].isdigit() and not key.endswith(_HOW_KEYS)):
        return f"{key}{value}。"
    if any(word in key for word in _HOW_KEYS):
        return f"{key}{'' if key.endswith(('法', '方式', '建议')) or '怎么' in key else '方法'}：{value}。"
    if any(word in key for word in PRODUCT_SECTIONS["related"]):
        return f"{key}{'' if key.endswith(('建议', '推荐')) else '建议'}：{value}。"
    return f"{key}是{value}。"


BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.、)）](?!\d))\s*")  # "- ", "1、", "2) "; not the "1." of "1.5kg"
PAIR = re.compile(r"^([^：:\s]{1,8})(?<!\d)\s*[：:]\s*(.+)$")  # the key never ends in a digit: 9:00-22:00 is a time
_BRACKET_KEY = re.compile(r"^(\s*(?:[-*•·]\s*)?)【([^】\s]{1,8})】\s*")


def keyed(line: str) -> str:
    """A `【键】值` line (the way many shops write a detail page) as the `键：值` line it means."""
    return _BRACKET_KEY.sub(r"\1\2：", line)


def as_sentence(line: str) -> str:
    """A line of a document as a sentence a rep can say: bullets dropped, `键：值` read out, a full stop at the end."""
    line = BULLET.sub("", keyed(line)).strip()
    pair = PAIR.match(line)
    if pair:
        return _sentence(pair.group(1), pair.group(2))
    line = line.rstrip("；;，,")
    return line if line.endswith(("。", "！", "？", "!", "?", "：", ":")) else line + "。"


def _sayable(content: str) -> str:
    """A section's lines as sentences a rep can say."""
    return "\n".join(as_sentence(line) for line in content.splitlines() if BULLET.sub("", line).strip())


OPEN_KEY = re.compile(r"^([^：:\s]{1,8})\s*[：:]$")  # "使用注意：" alone on its line, its list below it


def _line_sections(body: str) -> dict[str, ProductSection]:
    """Sections from `键：值` lines (bullets or not), and from a `键：` line with the lines under it up to a blank line
    (a plain file's "使用注意：" and its numbered list). Prose is left to the semantic matcher: a keyword in a
    sentence says too little about what the sentence is for ("别和味道重的东西放一起" is about storage)."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    under: str | None = None
    for line in body.splitlines():
        line = keyed(line.strip())
        if not line or line.startswith("#"):
            under = None
            continue
        opened = OPEN_KEY.match(BULLET.sub("", line))
        if opened:
            under = _section_key(opened.group(1))
            if under:
                found.setdefault(under, ([], []))[0].append(opened.group(1))
            continue
        if under:
            found[under][1].append(as_sentence(line))
            continue
        pair = _KEY_LINE.match(line)
        if pair and not PRICE.match(line):
            key = _section_key(pair.group(1))
            if key:
                titles, texts = found.setdefault(key, ([], []))
                titles.append(pair.group(1))
                texts.append(_sentence(pair.group(1), pair.group(2)))
    return {key: ProductSection(title="、".join(dict.fromkeys(titles)) or "正文", text="".join(texts))
            for key, (titles, texts) in found.items()}


def _sections(body: str) -> dict[str, ProductSection]:
    """Sections by `##` heading where the heading says what it holds; the rest read line by line."""
    blocks = re.split(r"(?m)^##\s+", body)
    found: dict[str, ProductSection] = {}
    loose = [blocks[0]]
    for block in blocks[1:]:
        heading, _, content = block.partition("\n")
        key = _section_key(heading)
        if key and key not in found:
            found[key] = ProductSection(title=heading.strip(), text=_sayable(content))
        else:
            loose.append(content)
    for key, section in _line_sections("\n".join(loose)).items():
        found.setdefault(key, section)
    return found


_PACKAGING = re.compile(r"(?:[\d一二两三四五六七八九十]+件套|套装|套餐|礼盒装|礼盒|组合装|混合装|组合|盒装|袋装|罐装|家庭装|装)$")


def base_name(name: str) -> str:
    """A product name without its bracketed specs and packaging word (四季两用宠物窝, 反光牵引绳)."""
    return _PACKAGING.sub("", _SPEC.sub("", name).strip())


def _head_noun(part: str) -> str:
    """The category word a product name ends in: its last dictionary word, joined to the word before while it
    is a single character ("宠物窝" in 四季两用宠物窝, "猫粮" in 鲜鸡肉全价猫粮), packaging words dropped
    ("牵引绳" in 反光牵引绳套装)."""
    from aigc_cs.text import word_spans

    part = _PACKAGING.sub("", part)
    words = [part[b:e] for b, e in word_spans(part)]
    head = ""
    while words and len(head) < 2:
        head = words.pop() + head
    return head


_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,3}-?\d{1,5}(?![A-Za-z0-9])")
_MODEL = re.compile(r"^[A-Za-z0-9-]+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[A-Za-z0-9-]+$")


def derived_aliases(name: str) -> list[str]:
    """Names a customer uses for a product the file gives no aliases for: the name without its bracketed
    specs ("明前龙井（250克罐装）" → "明前龙井") and without its packaging word ("耐热玻璃保鲜盒"), that word
    when it names what the product is ("四件套", "礼盒"; shared by two products it names neither), its
    parts ("福鼎白茶·白牡丹" → "白牡丹") and the category word at the end of each part ("龙井", "白茶")."""
    base = re.sub(r"(?:[\s×xX*]*\d+(?:\.\d+)?\s*(?:克|g|ml|毫升|斤|kg|片|包|袋)\b)+", "", _SPEC.sub("", name)).strip()  # 10克×10包
    parts = [_MODEL.sub("", p) for p in re.split(r"[·・\s/|｜]+|-(?=\d+[罐盒袋包瓶支件个只])", base)]  # model codes aside: 半入耳蓝牙耳机A3
    parts = [p for p in parts if len(p) >= 2]
    out = [base] if base and base != name else []
    unpacked = base_name(base)
    out += [unpacked] if len(unpacked) >= 3 and unpacked != base else []
    out += [w for p in dict.fromkeys([base, *parts]) for w in re.findall(r"[\d一二两三四五六七八九十]+件套$|礼盒$", p)]  # 五件套是哪五件, 礼盒辣不辣
    out += [p for p in parts if p != base and len(p) >= 3]
    out += [code for code in _CODE.findall(base) if code != base]  # a model code customers type alone (A3, M5, PB-20000)
    for part in parts:
        head = _head_noun(part)
        if len(head) >= 2 and not head.isascii() and head != part:
            out.append(head)
    out += [_colloquial(a) for a in [name, *out] if _colloquial(a) != a]
    return list(dict.fromkeys(out))


_COLLOQUIAL = str.maketrans({"犬": "狗"})  # a label's written word → the one customers type (犬粮 → 狗粮)


def _colloquial(name: str) -> str:
    return name.translate(_COLLOQUIAL)


def _short_name(name: str, text: str) -> str:
    """The longest end of the name that the product's own file also uses on its own: the word the shop itself
    calls the product by (碧根果 in 奶香碧根果's file: "碧根果也叫长寿果…")."""
    base = base_name(name)
    return next((base[i:] for i in range(1, len(base) - 1) if re.fullmatch(r"[\u4e00-\u9fff]+", base[i:])
                 and text.count(base[i:]) > text.count(base[i - 1:])), "")


def _name_from_text(text: str, stem: str) -> str:
    """A file without a title is named by a first line on its own that reads as one (团圆坚果礼盒（8罐，1500克）), else by
    its file name, unless that is in Latin letters: then by a short name the
    text opens with (zhengshan.txt: "正山小种红茶，产自…"), else by the words of the text the file name spells in
    pinyin (mangguogan.txt: "我们家的芒果干（108克×3袋）是…" → 芒果干（108克×3袋）), else by the product the text
    introduces (SG01.txt: "这款是我们家自己做的羊奶燕麦冷制手工皂，…")."""
    named = re.search(rf"(?m)^\s*(?:[-*•·]\s*)?(?:{'|'.join(NAME_KEYS)})\s*[：:]\s*(.+?)\s*$", text)
    if named:
        return named.group(1)
    first = re.match(r"\s*([^\n]{2,40})\n", text)
    bare = re.sub(r"[（(][^）)]*[）)]", "", first.group(1)) if first else ""  # its specs in brackets aside (8罐，1500克)
    if first and bare.strip() and not re.search(r"[，,。：:；;！!？?的是了]", bare):
        return first.group(1).strip()  # a first line on its own with no sentence in it is a title (20000毫安快充充电宝 PB-20000)
    if not stem.isascii():
        return stem
    opening = re.match(r"\s*([^，,。：:；;！!？?\n]{2,40})([，,。；;：:\n])", text)  # 一周一花鲜花订阅：每周…
    short = opening is not None and len(_SPEC.sub("", opening.group(1)).strip()) <= 16  # specs aside: 铝合金蛋卷桌（90厘米/120厘米）
    spelled = _spelled(text, stem)
    if not (opening and short):
        introduced = _INTRODUCED.match(text)  # SG01.txt: "这款是我们家自己做的羊奶燕麦冷制手工皂，…"
        return spelled or (introduced.group(1) if introduced else stem)
    if not spelled and re.search("[的是了]", opening.group(1)):  # LB-03.txt: "LB-03 是我们家的水培绿萝，…" → 水培绿萝
        introduced = _INTRODUCED.match(re.sub(rf"^\s*{re.escape(stem)}\s*(?:就是|是)?", "", text, flags=re.IGNORECASE))
        if introduced:
            return introduced.group(1)
    sentence = spelled and (_SPEC.sub("", spelled) not in opening.group(1) or re.search("[的是了]", opening.group(1)))
    return spelled if sentence else opening.group(1).strip()  # 我们的山楂卷用的是… is no name; 正山小种红茶 is, not 正山


SPELLED_WITHIN = 1000  # characters of a product file searched for its name: a file names its product early


def _spelled(text: str, stem: str) -> str:
    """The first run of two or more Chinese characters of `text` that `stem` spells in toneless pinyin (any reading of
    each character, as `guard.sound` reads it), with the bracketed specs right after it; "" when none does. A name
    with digits or signs in it is read by its runs of four letters or more, the longest first; one of words joined
    by - or _ that the text never spells together by each word, the first first (niujian_lengcang → 牛腱)."""
    joined = re.sub(r"[-_\s]", "", stem.lower())
    words = [w for w in re.split(r"[-_\s]+", stem.lower()) if len(w) >= 4 and w != joined]
    parts = [joined, *words] if joined.isalpha() else sorted(re.findall(r"[a-z]{4,}", joined), key=len, reverse=True)
    return next(filter(None, (_spelled_by(text, part) for part in parts)), "")


def _spelled_by(text: str, target: str) -> str:
    """`_spelled` for one run of letters of the file name (ganghuamo of ganghuamo-2pian)."""
    from aigc_cs.guard.sound import readings

    def ends(sounds: list[list[str]], at: int, done: int) -> int:
        if done == len(target):
            return at
        if at == len(sounds):
            return 0
        return next((end for r in sounds[at] if target.startswith(r, done)
                     and (end := ends(sounds, at + 1, done + len(r)))), 0)

    for run in re.finditer(r"[\u4e00-\u9fff]{2,}", text[:SPELLED_WITHIN]):
        sounds = [list(readings(char)) for char in run.group()]
        for start in range(len(sounds) - 1):
            end = ends(sounds, start, 0)
            if end - start >= 2:
                specs = re.match(r"[（(][^）)\n]{1,20}[）)]", text[run.start() + end:])
                return run.group()[start:end] + (specs.group() if specs else "")
    return ""


# a plain file that opens by naming its product the way a shop owner writes (这款墨红玫瑰洋甘菊花草茶，… / 我们家的X是… /
# 这款是我们家自己做的羊奶燕麦冷制手工皂，…)
_INTRODUCED = re.compile(r"\s*(?:这款|这个|我们家的?|我家的?|本店的?|咱家的?)(?:是[^，,。]{0,10}?的)?"
                         r"((?![是一])(?:(?!的)[\u4e00-\u9fff]){3,16}?)(?=[（(，,。是有])")  # a name has no 的


_ALSO_CALLED = re.compile(r"(?:也叫|又叫|又称|俗称|别名)[：:]?[“\"]?([\u4e00-\u9fff]{2,6}?)(?=[”\"，,。；;、\s]|$)")  # 碧根果也叫长寿果


def read_product(path: Path, source: str, max_bytes: int) -> Product:
    loaded = load(path, max_bytes)
    meta = loaded.front_matter
    title = re.search(r"(?m)^#\s+(.+)$", loaded.text)
    name = str(meta.get("name") or (title.group(1).strip() if title else _name_from_text(loaded.text, path.stem)))
    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list):
        raise UserError(f"{path}：字段 aliases 应是列表，例如 [保湿面霜, 面霜]")
    price = meta.get("price_yuan")
    if price is not None and not isinstance(price, int | float):
        raise UserError(f"{path}：字段 price_yuan 的值 {price!r} 不对，应为数字")
    if price is None and (found := PRICE.search(loaded.text) or UNIT_PRICE.search(loaded.text)):
        price = float(found.group(1))
    names = [str(a) for a in aliases]
    known = {n.lower() for n in [name, *names]}
    names += [a for a in [*derived_aliases(name), *_ALSO_CALLED.findall(loaded.text)] if a.lower() not in known]
    opened = _INTRODUCED.match(loaded.text) if not meta.get("name") and not title else None
    if opened and opened.group(1) not in name:  # 花草茶HC15.txt: "这款墨红玫瑰洋甘菊花草茶，一袋15个三角包…"
        known = {n.lower() for n in [name, *names]}
        names += [a for a in [opened.group(1), *derived_aliases(opened.group(1))] if a.lower() not in known]
    stem = re.sub(r"\d+(?:\.\d+)?\s*(?:克|g|ml|毫升|斤|kg)", "", path.stem, flags=re.IGNORECASE)
    if len(re.findall(r"[\u4e00-\u9fff]", stem)) >= 2 and stem not in name:  # 焦糖瓜子500g.txt for 焦糖味葵花籽
        known = {n.lower() for n in [name, *names]}
        names += [a for a in [stem, *derived_aliases(stem)] if a.lower() not in known and len(a) >= 2]
    return Product(name=name, aliases=names, price_yuan=price, source=source, sections=_sections(loaded.text),
                   text=loaded.text)


def read_shop(folder: Path, source_root: Path, max_bytes: int, shop_id: str | None = None) -> tuple[Shop, list[str]]:
    """Parse a shop folder into (shop, problems with single product files).

    `shop_id` (from ``--shop``) overrides the id in the front matter. A broken policy raises `UserError`.
    """
    policy = folder / POLICY_FILE
    if not policy.is_file():
        raise UserError(f"{folder}：不是店铺目录，缺少 {POLICY_FILE}（格式见 README 的“添加店铺”）")
    loaded = load(policy, max_bytes)
    meta = dict(loaded.front_matter)
    info_data = meta.pop("shop", None)
    if not isinstance(info_data, dict):
        raise UserError(f"{policy}：YAML 头缺少 shop: {{id, name, category}}")
    if shop_id:
        info_data = {**info_data, "id": shop_id}
    try:
        info = ShopInfo.model_validate(info_data)
    except ValidationError as exc:
        raise UserError(explain(exc, policy, ShopInfo).replace("字段 ", "字段 shop.", 1)) from None
    try:
        facts = PolicyFacts.model_validate(meta)
    except ValidationError as exc:
        raise UserError(explain(exc, policy, PolicyFacts)) from None
    headings = [h.strip() for h in re.findall(r"(?m)^#{2,3}\s+(.+)$", loaded.text)]
    products, problems = [], []
    files = (p for p in (folder / PRODUCTS_DIR).glob("*") if p.suffix.lower() in PRODUCT_SUFFIXES)
    for path in sorted(files):
        try:
            products.append(read_product(path, path.relative_to(source_root).as_posix(), max_bytes))
        except UserError as exc:
            problems.append(exc.message)
    shop = Shop(info=info, facts=facts, policy_source=policy.relative_to(source_root).as_posix(),
                policy_sections=headings, policy_text=loaded.text, products=_plain_first(_short_names(products)))
    return shop, problems


def _short_names(products: list[Product]) -> list[Product]:
    """Each product with the word its own file calls it by (`_short_name`) as one more alias, unless another product's
    file uses that word on its own too (果干 of 芒果干 is also in 每日坚果's "果干大约占三成")."""
    every = "\n".join(p.text for p in products)  # each text holds `base` only where it holds `short`: counts subtract
    out = []
    for product in products:
        short, base = _short_name(product.name, product.text), base_name(product.name)
        if not short or short.lower() in {n.lower() for n in product.names()}:
            out.append(product)
            continue
        elsewhere = (every.count(short) - every.count(base)) - (product.text.count(short) - product.text.count(base))
        out.append(product if elsewhere else product.model_copy(update={"aliases": [*product.aliases, short]}))
    return out


def _plain_first(products: list[Product]) -> list[Product]:
    """A category word two products share ("毛尖" of 信阳毛尖 and 信阳毛尖礼盒) means the plain product: the packed
    variant (礼盒, 套装 …) loses it, so that "毛尖怎么泡" is not ambiguous."""
    def packed(product: Product) -> bool:
        return bool(_PACKAGING.search(_SPEC.sub("", product.name).strip()))

    plain = {a for p in products if not packed(p) for a in p.aliases}
    return [p.model_copy(update={"aliases": [a for a in p.aliases if a not in plain]}) if packed(p) else p
            for p in products]

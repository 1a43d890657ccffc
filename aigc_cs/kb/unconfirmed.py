"""Specifics a message asks about that the shop's own material never mentions (a test report, shipping to
Singapore, whether a neutered cat may eat it, next month's price): the reply answers the topic and says it
will check these instead of answering them (data: corpus/phrasebook/unconfirmed.yaml)."""

import re
from functools import cache

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.kb.models import SHOP_DOC_TYPES, Chunk, Shop
from aigc_cs.paths import corpus_dir, corpus_yaml
from aigc_cs.text import normalize

FILE = "phrasebook/unconfirmed.yaml"


class Kind(BaseModel):
    pattern: str
    always: bool = False  # no shop material settles it ahead of time (a future price)
    needs: str = ""  # written down only when the shop's text matches this (价保), not merely the customer's words
    also: str = ""  # …or written down too when the shop's text matches this: a rule that covers every other (除中通和顺丰外不能指定)
    product: bool = False  # a product's attribute (保质期, 产地): written down only if the named product's own file says it
    label: str = ""  # what the reply calls it ("产地" for 哪产的), when not the customer's own words
    whole: bool = False  # the line `also` finds answers the whole message, whatever topic the classifier guessed
    who: bool = False  # a group of people (两岁娃, 血糖高): the product file's line on them answers whether it suits them


@cache
def _kinds() -> list[tuple[re.Pattern[str], Kind, re.Pattern[str] | None]]:
    try:
        kinds = {k: Kind.model_validate(v) for k, v in (corpus_yaml(FILE).get("kinds") or {}).items()}
        for k in kinds.values():
            re.compile(k.also)
        return [(re.compile(k.pattern, re.IGNORECASE), k, re.compile(k.needs) if k.needs else None)
                for k in kinds.values()]
    except (AttributeError, ValidationError, re.error) as e:
        raise UserError(f"{corpus_dir() / FILE}：kinds 下每一项要有 pattern（正则表达式），可选 always、needs、also、product、label、whole、who（{e}）"
                        ) from None


def shop_text(shop: str, chunks: list[Chunk], source: str | None = None) -> str:
    """Everything the shop has written (policy, product files, FAQ), or only its file `source` (a product's own
    file), normalised and lower-cased."""
    return normalize("".join(c.text for c in chunks if c.shop == shop and c.doc_type in SHOP_DOC_TYPES
                             and source in (None, c.source))).lower()


def written_by(shop: Shop, chunks: list[Chunk]) -> str:
    """Everything the shop has written, the free-text facts of its policy's front matter included (每单补偿3元券)."""
    facts = [shop.facts.return_condition, shop.facts.delay_compensation or ""]
    return shop_text(shop.info.id, chunks) + normalize("".join(facts)).lower()


_JOINED = re.compile(r"和|跟|与|及|、|或者?|还是")
_VAGUE = re.compile(r"^(?:(?:你们|你家|咱家)的?)?(?:那个|这个|那种|这种|那款|这款)?|(?:那些|这些|那种|之类的?|什么的|啥的)$")  # 植脂末那些, 那个隔茶叶, 你们这个樱桃
_AROUND = re.compile(r"^(?:加了?|添加了?|含有?|放了?)(?=..)|(?<=..)(?:里面?|里头)$")  # 加淀粉 (不含淀粉), 牛肉干里


# a colour asked by its family (蓝色) and a colour of that family the shop writes (雾霾蓝、, 天蓝色): the hue letter ends a
# name of up to four letters and is followed by 色 or by what ends an item of a list (not 蓝牙, 黑芝麻)
_FAMILY = re.compile(r"^([黑白红橙黄蓝绿青灰粉紫棕褐银金咖米])[色的]$")  # 蓝色, 粉的
_SHADE = r"[\u4e00-\u9fff]{{1,3}}{}(?=色|[、，,/／）)；;。\s]|$)"


_FIBRE = re.compile(r"棉|麻|真丝|桑蚕丝|羊毛|羊绒|涤纶|氨纶|莫代尔")  # a fibre asked by name alone (not 新疆棉), which a
# garment's 成分 line answers either way
_ADDED = re.compile(r"添加剂|防腐剂|色素|香精")  # what is added to a food, which its full 配料 list answers
_ADDITIVES = {"酒精", "香精", "色素", "激素", "硅油", "果酸", "味精", "糖精", "代糖"}  # two asked in one word (酒精香精)


def _written(word: str, where: str, own: str | None) -> bool:
    """The shop's text names the specific (its vague words, and the verb or place word around it, aside), or each of the things it joins (糖和奶精: 不含糖，
    不含奶精); for a colour family, a colour of it (雾霾蓝 for 蓝色), of the named product's own file (`own`) when there is
    one, where a list of its colours answers 有粉色的不 either way."""
    word = _AROUND.sub("", _VAGUE.sub("", word.lower()))
    family = _FAMILY.match(word)
    if family and own is not None:  # the named product's colours, not another product's (香皂 beside a 雾霾蓝 toothbrush)
        return bool(re.search(_SHADE.format(family.group(1)), own) or "颜色" in own)
    if _ADDED.fullmatch(word) and own is not None and "配料" in own:  # 添加剂多不多: its list of what goes in says
        return True
    if _FIBRE.fullmatch(word) and own is not None and "成分" in own:  # 是真丝的吗: its fibre content (成分为聚酯纤维) says
        return True
    halves = {word[:2], word[2:]} <= _ADDITIVES and word[:2] in where and word[2:] in where  # 酒精香精: 不含香精，也不含酒精
    return word in where or halves or all(part in where for part in _JOINED.split(word) if part) or bool(
        family and re.search(_SHADE.format(family.group(1)), where))


_INSIDE = re.compile(r"里(?:面|头|边)?$")  # 猪肉脯里 有没有鱼虾: what goes into the product is asked


def _listed_inside(before: str, own: str | None) -> bool:
    """A thing asked to be inside the named product (猪肉脯里有没有鱼虾), whose own file lists what goes in (配料：…): the
    list answers either way."""
    return own is not None and "配料" in own and bool(_INSIDE.search(before.rstrip()))


def unconfirmed(message: str, written: str, product_text: str | None = None) -> list[str]:
    """The specifics of `message` (in its order, each once) that `written` — the shop's own text — never
    mentions, or that no shop text can settle; a product's attribute counts only in `product_text`, the named
    product's own file (normalised, lower-cased), when there is one."""
    text = normalize(message)
    found: list[tuple[int, str]] = []
    for pattern, kind, needs in _kinds():
        where = product_text if kind.product and product_text is not None else written
        for m in pattern.finditer(text):
            word = kind.label or next((g for g in m.groups() if g), m.group(0))  # the group of the branch that matched
            documented = bool(needs.search(where)) if needs else (
                _written(word, where.replace(" ", ""), product_text) or bool(kind.also and re.search(kind.also, where))
                or _listed_inside(text[:m.start()], product_text))
            if kind.always or not documented:
                found.append((m.start(), word))
    return list(dict.fromkeys(word for _, word in sorted(found)))



def covering(message: str, whole: bool = False) -> re.Pattern[str] | None:
    """The rule that covers every specific of a kind the message asks about (`also`: 除中通和顺丰外不能指定 for 能发韵达吗,
    港澳台 for 寄香港可以吗): a policy line it finds answers the message; with `whole`, only a rule whose line answers the
    message as a whole (剩余保质期都在一半以上 for 不会发临期的吧, asked in words of a quality complaint)."""
    text = normalize(message)
    return next((re.compile(kind.also) for pattern, kind, _ in _kinds()
                 if kind.also and (kind.whole or not whole) and pattern.search(text)), None)


def groups_asked(message: str) -> list[re.Pattern[str]]:
    """For each group of people a `who` kind names in the message (两岁娃, 血糖高), how a product file writes
    about that group (`needs`: 3岁以下, 控糖): the named product's sentence that does answers whether it suits them."""
    text = normalize(message)
    return [needs for pattern, kind, needs in _kinds() if kind.who and needs is not None and pattern.search(text)]

"""The words a customer's question has of its own (what it asks about, not how it asks), and the alternatives a
choice question offers (黄油还是植物油): what a sentence must take up to answer it."""

import re

# words any question uses: sharing them says nothing about what a sentence answers
_QUESTION_WORDS = frozenset([
    "可以", "能不能", "怎么", "会不会", "有没有", "是不是", "咋整", "一下", "多少", "这个", "那个", "你们", "你家", "我家", "怎么办", "可不可以", "需要",
    "还是", "就是", "现在", "感觉", "知道", "问下", "请问", "想问", "东西", "时候", "一般", "比较", "合适", "适合", "正常", "什么样", "怎么样", "咋样",
    "多久", "一起", "如果", "的话", "不会", "没有", "不是", "已经", "这款", "那款", "用的", "能用", "一个", "有点", "一次",
    "哪儿", "哪里", "哪个", "哪些", "哪种", "哪款", "什么", "为什么", "为啥", "不想", "别是", "买点", "那种",
])
# what asks (哑铃一对多钱: a price, not 对)
ASKS = re.compile(r"[?？吗么嘛]|能不能|可不可以|有没有|怎么|多少|多钱|几|还是|哪")
# …and what else asks, unless the customer will ask someone else (我问问我妈她要不要) or asks who answers (是不是机器人)
ASKS_TOO = re.compile(r"(\w)不\1|啥|什么|咋|帮我|[不没](?=[\s，,。!！]|$)")  # 酸不酸, 搭个啥好看, 能帮我写个好评不, 能烫银色不
_EITHER = re.compile(r"(\w{1,2})[不没]\1")  # 大不大, 好不好: how a yes-no question asks, no word a sentence takes up
_AMOUNT = re.compile(r"^[一二两三四五六七八九十几半\d]+[袋包瓶盒个件只箱罐支套份斤块组]$")  # 两袋: how many, not what about


def own_words(message: str, names: list[str]) -> set[str]:
    """The words of two letters or more a question has of its own: not the words any question uses, not an amount
    (两袋), not `names` nor what is left of a word jieba cut across one of them when it says nothing (宝有 of 充电宝有3c吗;
    结团 of 豆腐砂结团 stays), nor a 能/会/吗… that jieba's guess at an unknown word took in (柴犬 of 柴犬能); a word jieba
    knows no part of is kept whole (高硼硅 of 高|硼|硅); lower-cased."""
    from aigc_cs.text import normalize, word_spans

    text = normalize(message).lower()
    named = [(m.start(), m.end()) for n in names if n for m in re.finditer(re.escape(normalize(n).lower()), text)]
    spans = word_spans(text)
    words = (_own_part(text, b, e, named) for b, e in spans + _single_runs(text, spans) if e - b >= 2)
    return {w for w in words if len(w) >= 2 and w not in _QUESTION_WORDS and not _AMOUNT.match(w) and not _EITHER.fullmatch(w)
            and not any(w in n.lower() or n.lower() in w for n in names if n)}


_FUNCTION = re.compile(r"[有是的能会要都也还就吗呢了]")  # what is left of a word jieba cut across a name, when it says nothing
_ASKING = re.compile(r"[有是的能会要都也还就吗呢了啥咋谁几么不没吧啊呀哦嘛哪]")  # a letter that asks, or says nothing


RUN_LETTERS = 3  # two one-letter words side by side are mostly a verb and its object (烫|坏, 给|装), not one word


def _single_runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of RUN_LETTERS or more one-letter Chinese words jieba left side by side, none of them a function letter or one
    that asks: a word it knew no part of (高|硼|硅)."""
    runs, start = [], None
    for (b, e), nxt in zip(spans, [*spans[1:], (len(text), len(text))], strict=True):
        one = e - b == 1 and "\u4e00" <= text[b] <= "\u9fff" and not _ASKING.fullmatch(text[b])
        start = (b if start is None else start) if one else None
        if start is not None and not (nxt[1] - nxt[0] == 1 and "\u4e00" <= text[nxt[0]] <= "\u9fff"
                                      and not _ASKING.fullmatch(text[nxt[0]])):
            runs += [(start, e)] if e - start >= RUN_LETTERS else []
            start = None
    return runs


def _own_part(text: str, start: int, end: int, named: list[tuple[int, int]]) -> str:
    """The jieba word text[start:end] without the name it was cut across (砂结团 → 结团 for 豆腐砂; "" for 宝有 of 充电宝)
    and, when jieba made it up (no dictionary word), without a function letter at either end (柴犬能 → 柴犬)."""
    from aigc_cs.text import word_frequency

    word = text[start:end]
    for nb, ne in named:
        if start < ne and nb < end and (rest := text[max(start, ne):end] + text[start:min(end, nb)]):
            if _FUNCTION.fullmatch(rest):
                return ""
            word = rest if len(rest) >= 2 else word
    if len(word) >= 3 and not word_frequency(word) and word not in _QUESTION_WORDS:
        word = word[1:] if _FUNCTION.fullmatch(word[0]) else word
        word = word[:-1] if _FUNCTION.fullmatch(word[-1]) else word
    return word


def takes_up(sentence: str, words: set[str]) -> int:
    """How many of the question's own `words` (lower-cased) a sentence uses, in any case (3c and 【3C】), or with one
    letter typed as another of the same sound (带牙套 for 戴牙套)."""
    lowered = sentence.lower()
    return sum(w in lowered or _typed_for(w, lowered) for w in words)


SOUND_WORD_CHARS = 3  # a shorter word with a letter of the same sound is too easily another word (事实, 实施)


def _typed_for(word: str, text: str) -> bool:
    """`text` has `word` with one of its letters written as another that sounds the same."""
    from aigc_cs.guard.sound import main_sound

    if len(word) < SOUND_WORD_CHARS or not re.fullmatch(r"[\u4e00-\u9fff]+", word):
        return False
    for i in range(len(text) - len(word) + 1):
        window = text[i:i + len(word)]
        other = [(a, b) for a, b in zip(word, window, strict=True) if a != b]
        if len(other) == 1 and main_sound(other[0][0]) == main_sound(other[0][1]):
            return True
    return False


# a choice question (黄油还是植物油, 是印的还是绣的, 是高硼硅的吗 还是普通钢化玻璃): the words on either side of 还是
_CHOICE = re.compile(r"(\w+?)的?[吗呢嘛]?\s*还是\s*(?:说|用|要)?(\w+)")
_ASKED_PART = re.compile(r"^.*[是用啥]")  # what comes before the alternative itself (碎花裙的花是印 → 印)
_EMPHASIS = re.compile(r"^(?:真的|真|纯|全|正宗)")
_PARTICLES = re.compile(r"[的呢吗啊呀吧嘛哦不没]+$")


def alternatives(message: str) -> set[str]:
    """The two alternatives of a choice question, lower-cased, each of two letters or more (黄油 and 植物油 of 曲奇用的啥油
    黄油还是植物油; 胡桃 and 贴皮 of 桌子是真胡桃还是贴皮的): a sentence that names either one answers it."""
    from aigc_cs.text import normalize

    found = _CHOICE.search(normalize(message).lower())
    if found is None:
        return set()
    first, second = (_EMPHASIS.sub("", _PARTICLES.sub("", part)) for part in (
        _ASKED_PART.sub("", found.group(1)), found.group(2)))
    return {w for w in (first, second) if len(w) >= 2 and w not in _QUESTION_WORDS}


def asking_words(message: str, names: list[str]) -> set[str]:
    """The own words of the parts of a message that ask (降噪 of A3有降噪吗 坐地铁用的), all of them when no part asks."""
    from aigc_cs.kb.intents import clauses
    from aigc_cs.text import normalize

    parts = [p for p in clauses(normalize(message).lower())[1:] if ASKS.search(p) or ASKS_TOO.search(p)]
    return set().union(*(own_words(p, names) for p in parts)) if parts else own_words(message, names)

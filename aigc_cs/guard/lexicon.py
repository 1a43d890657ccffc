"""The phrase book's word lists (禁用语, 极限词, 网络流行语) and a scanner that returns their spans. Words inside a
name (a shop called 居家好物) are not the agent's wording and never count."""

import re
from collections.abc import Sequence
from functools import cache
from typing import Literal

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.paths import corpus_dir, corpus_yaml
from aigc_cs.text import cuts_a_word, normalize

TermKind = Literal["banned", "extreme", "slang", "blame", "pressure", "rhetorical", "stall"]
KIND_NAMES: dict[str, str] = {"banned": "禁用语", "extreme": "极限词", "slang": "网络流行语", "blame": "推卸责任",
                              "pressure": "催单施压", "rhetorical": "反问质疑", "stall": "拖延敷衍"}
LANGUAGE_KINDS = ("banned", "extreme", "slang")  # the word lists of 用语规范; the others judge how a case is handled
# what `check` reports: the word lists, and the handling faults a phrase shows by itself (stalling depends on what follows)
CHECK_KINDS = (*LANGUAGE_KINDS, "blame", "pressure", "rhetorical")
LEXICON_FILE = "phrasebook/lexicon.yaml"


# A name is no wording of the agent's: a shop's name in a header or after a greeting, an agent's name after 客服.
_NAMES = re.compile(r"【[^】]*】|(?:欢迎光临|欢迎来到|这里是|来自)[^，。！？、\s]{2,10}|^您好，[^，。！？]{2,10}店"
                    r"|(?:客服|我是|我叫)(?:小|阿)[\u4e00-\u9fff]{1,2}")
_CLAUSE_END = "。！？!?；;，,：:\n"
_SENTENCE_END = "。！？!?；;\n"
QUOTE_CHARS = 60  # a quotation longer than this is no quoted remark
_QUOTES = {"“": "”", "‘": "’", "「": "」", "《": "》", '"': '"'}  # a title (《最好的告别》) is a mention too


def _around(text: str, start: int, end: int, stops: str) -> str:
    """The clause or sentence of `text` that holds text[start:end]."""
    left = max(text.rfind(c, 0, start) for c in stops) + 1
    rights = [i for i in (text.find(c, end) for c in stops) if i >= 0]
    return text[left: min(rights, default=len(text))]


def quoted(text: str, start: int, end: int) -> bool:
    """text[start:end] lies inside a short “…”, ‘…’ or 「…」: the customer's words quoted back (您说“拍照特别出片”)."""
    for left, right in ((a, b) for a, b in _QUOTES.items() if a != b):
        opened, closed = text.rfind(left, 0, start), text.find(right, end)
        if opened >= 0 and text.rfind(right, opened, start) < 0 and 0 <= closed - opened <= QUOTE_CHARS:
            return True
    return False


def name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the names in `text`: 【优享数码】, 欢迎光临衣见倾心女装, 客服小月."""
    return [m.span() for m in _NAMES.finditer(text)]


# a shop's or brand's name in the frames agents name it in (我是沐屿的小沐, 感谢您对沐屿的支持, 沐屿的老顾客, 沐屿售后部,
# 沐屿 W2 冲牙器, 海澜3000 with a model number and no unit; 感谢您在拾川购物, 是拾川自己的品牌, 拾川从2016年…): a
# made-up name is no misspelt word (after blind dev16, dev21 and dev24, 2026-12-01; 感谢您选择线岛手作, 冒充线岛手作的客服,
# 线岛手作售后组 after dev27). "拾川客服小禾" was tried too: it
# hid 售候客服小唐, a real slip, so a name before 客服 still counts.
_BRANDS = re.compile(
    r"(?:我是|我们是)([\u4e00-\u9fff]{2,10}?)的(?:官方)?(?:客服|售后|店长|小|阿)"
    r"|(?:对|选择|支持|关注|信任)([\u4e00-\u9fff]{2,6}?)的(?:支持|信任|喜爱|厚爱|关注|认可)"
    r"|([\u4e00-\u9fff]{2,4}?)的?(?:老顾客|老客户|会员|售后部|旗舰店|官方店|专卖店)"
    r"|(?:在|来)([\u4e00-\u9fff]{2,4}?)(?:购物|下单|选购)|是([\u4e00-\u9fff]{2,4}?)自己的(?:品牌|设计|工厂)"
    r"|(?:感谢|谢谢)(?:您|你)?(?:选择|光临)([\u4e00-\u9fff]{2,6}?)(?=[，。！？、,!?]|$)|冒充([\u4e00-\u9fff]{2,4}?)的"
    r"|([\u4e00-\u9fff]{2,4}?)(?:售后组|售后中心|客服部|客服中心)"
    r"|^([\u4e00-\u9fff]{2,4}?)从\d{4}年"
    r"|((?:(?![的是从为约在有到了和共])[\u4e00-\u9fff]){2,4})\s?(?=[A-Z]{1,3}\d|\d{3,}(?![\d.×xX*]|\s?(?:元|块|角|分|天|克|毫升|升|米|厘米|毫米|件|个|斤|公斤|小时|年|月|日|号|度|次|台|支|瓶|包|盒|箱|套|条|张|只|位|岁|页|码|人|单|份|瓦|颗|粒|片|寸|%|ml|g|mm|cm|w|v)))")


def brand_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the shop and brand names in `text` that agents name in passing (the typo check skips them)."""
    return [m.span(m.lastindex or 0) for m in _BRANDS.finditer(text)]


def in_name(start: int, end: int, names: Sequence[tuple[int, int]]) -> bool:
    return any(b <= start and end <= e for b, e in names)


@cache
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A lexicon pattern compiled once per process (there are more than `re`'s own cache keeps: it would recompile)."""
    return re.compile(pattern, flags)


class Term(BaseModel):
    term: str
    pattern: str | None = None
    unless: str | None = None  # regex over the match's clause: when it matches, the words are no fault (最好先…)
    unless_sentence: str | None = None  # the same over the whole sentence (冷藏后口感最好: a usage tip, no claim)
    boundary: bool = False  # the match must not cut through a dictionary word (服了 inside 客服了解)
    deniable: bool = False  # a claim the clause denies or the sentence refutes is none (lexicon.yaml `claim_denied`)
    why: str
    instead: str

    def regex(self) -> re.Pattern[str]:
        return compiled(self.pattern or re.escape(self.term), re.MULTILINE)

    def excused(self, text: str, start: int, end: int) -> bool:
        """No fault: the match cuts a word, its context says so, or it is quoted (广告法禁止使用“最”: a mention)."""
        if self.boundary and cuts_a_word(text, start, end):
            return True
        if start > 0 and end < len(text) and _QUOTES.get(text[start - 1]) == text[end]:
            return True
        if quoted(text, start, end):
            return True
        if self.deniable and _denied(text, start, end):
            return True
        if self.unless and compiled(self.unless).search(_around(text, start, end, _CLAUSE_END)):
            return True
        return bool(self.unless_sentence and compiled(self.unless_sentence).search(_around(text, start, end, _SENTENCE_END)))


def _denied(text: str, start: int, end: int) -> bool:
    """The clause denies what follows (不具备预防疾病的作用, 没办法替您判断一定不会过敏) or the sentence refutes a claim others
    made (有人说我们的产品能治病，那都不是我们官方的说法): lexicon.yaml `claim_denied`."""
    denied = lexicon_data().get("claim_denied") or {}
    clause = _around(text, start, end, _CLAUSE_END)
    head = clause[: max(clause.find(text[start:end]), 0)]
    return bool((denied.get("before") and compiled(denied["before"]).search(head))
                or (denied.get("refuted") and compiled(denied["refuted"]).search(_around(text, start, end, _SENTENCE_END))))


class Hit(BaseModel):
    kind: TermKind
    term: str
    quote: str
    start: int
    end: int
    why: str
    instead: str

    def message(self) -> str:
        return f"{KIND_NAMES[self.kind]}“{self.quote}”：{self.why}；可以改成：{self.instead}"


@cache
def lexicon_data() -> dict:
    """corpus/phrasebook/lexicon.yaml, read once: word lists, synonyms and domain terms."""
    return corpus_yaml(LEXICON_FILE) or {}


def read_through(text: str) -> str:
    """Net spellings replaced by the plain words they mean (木有 → 没有, 阔以 → 可以; `readings`), each of the same
    length, so offsets hold."""
    from aigc_cs.text import word_frequency

    readings = lexicon_data().get("readings") or {}
    for spelling in sorted(readings, key=len, reverse=True):
        if len(readings[spelling]) == len(spelling):  # not the 木有 of 实木有没有味 (实木 is a word)
            text = re.sub(re.escape(spelling), lambda m, plain=readings[spelling]: m.group() if m.start() and word_frequency(
                m.string[m.start() - 1: m.start() + 1]) else plain, text)
    return text


def courtesy_words(kind: str) -> list[str]:
    """The `courtesy` word list `kind` (polite, empathy) of lexicon.yaml that the rules scorer counts."""
    words = (lexicon_data().get("courtesy") or {}).get(kind)
    if not isinstance(words, list) or not words:
        raise UserError(f"{corpus_dir() / LEXICON_FILE}：courtesy 下要有 polite 和 empathy 两个词表（字符串列表）")
    return [str(w) for w in words]


# kinds whose phrases count only on word edges (告我们 inside 报告我们 is none); slang terms say so one by one, and
# 极限词 do not (their recall fell on dev)
BOUNDED = ("banned", "blame", "pressure", "rhetorical", "stall")


@cache
def lexicon() -> dict[str, list[Term]]:
    data = lexicon_data()
    return {kind: [Term.model_validate({"boundary": kind in BOUNDED, "deniable": kind == "extreme", **item})
                   for item in data.get(kind, [])] for kind in KIND_NAMES}


def scan(text: str, kinds: tuple[str, ...] = LANGUAGE_KINDS) -> list[Hit]:
    """Every lexicon hit in `text` (normalised), ordered by position."""
    text = normalize(text)
    names = name_spans(text)
    hits = []
    for kind in kinds:
        for term in lexicon()[kind]:
            for match in term.regex().finditer(text):
                quote = match.group(0).strip("。！？.~～\n ")
                if (quote and not in_name(match.start(), match.end(), names)
                        and not term.excused(text, match.start(), match.end())):
                    hits.append(Hit(kind=kind, term=term.term, quote=quote, start=match.start(), end=match.end(),
                                    why=term.why, instead=term.instead))
    return sorted(hits, key=lambda h: h.start)


@cache
def synonyms() -> dict[str, str]:
    data = lexicon_data()
    return {str(k): str(v) for k, v in (data.get("synonyms") or {}).items()}

"""Homophone typos: a written word that is no word at all but sounds like a real word with one character swapped
(退宽 → 退款, 解绝 → 解决, 视屏 → 视频).

A noisy channel decides. A window of 2–4 characters of the text is a candidate typo when

- it is no word itself: not common in jieba's dictionary, not a word of the course and shop documents, not a curated
  domain term or known word (a real word is never a typo: 连接 beside 链接, 全棉 beside 全面);
- one of its characters, swapped for a common character of the same or a near sound (tone-less pinyin, z/zh, n/l,
  an/ang … folded), for a look-alike (形近字: 侍 written for 持, as 五笔 and handwriting users do) or for the right
  character of a curated confusion (券 written 卷), makes a real word: a common jieba word, a domain word (the typical
  words of the documents and the curated domain terms) or a curated known word (a product word jieba lacks);
- that character may be a slip at all: no numeral, no very common function word (有), none the writer uses again in
  the text (the topic: 绒 in 羽绒被 … 含绒量) and none that makes a dictionary word with its other neighbours;
- the swapped character is in no dictionary word of the sentence that reaches out of the window (收后 in 签收后;
  but 化算 in 很化算了: 算了 holds the other one), nor in a name (客服小月, 【优享数码】, 我是墨屿文具的客服).

It is flagged when the corrected clause is more probable than the written one by a margin, under jieba's unigram
language model (the best segmentation, as jieba's DAG finds it) with the documents' words mixed in, plus a weighted
gain under a character model of professional text (charlm.py: 鲜花订单, not 鲜化订单), after the
channel's costs: a near sound or a look-alike costs more than the same sound, a written character outside the common
ones (an input method offers it late) costs more again, and so does a pair beside a free function word (绳请 in
蟹绳请不要: more often two words than one misspelt). A domain word needs a smaller margin than a general one: the course
checks those words first. So 先在 (先 + 在, two common words) is no misspelt 现在, while 解绝 is 解决."""

import contextlib
import hashlib
import math
import re
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.files import write_text_atomic
from aigc_cs.guard.charlm import gain
from aigc_cs.guard.lexicon import brand_spans, in_name, lexicon_data, name_spans, quoted
from aigc_cs.guard.particles import particle_slips
from aigc_cs.guard.sound import fold, homophones, is_common, readings, word_sounds
from aigc_cs.paths import corpus_dir
from aigc_cs.text import COURSE_WORDS, dictionary_size, normalize, word_frequency, word_spans

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CLAUSE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")
_NUMERALS = "零一二两三四五六七八九十百千万亿半几每"
_PAIRING = re.compile(r"([一两])[\u4e00-\u9fff]\1[\u4e00-\u9fff]")  # 一大一小, 一甜一香, 一来一回
WORDS_FORMAT = "typo-words-1"  # bump when the way `_document_words` counts or weighs changes


class Typo(BaseModel):
    quote: str
    suggestion: str
    start: int
    end: int

    def message(self) -> str:
        return f"错别字“{self.quote}”应为“{self.suggestion}”"


class TypoSettings(BaseModel):
    common_frequency: int = 10  # a word jieba saw this often is a real word, never a typo
    candidate_frequency: int = 20  # a word jieba saw this often can be the word that was meant …
    long_candidate_frequency: int = 10  # … or this often, for a word of three characters or more
    min_length: int = 2
    max_length: int = 4
    sources: list[str] = []  # globs under corpus/ whose words are real words, the typical ones domain words
    min_count: int = 3  # a document word used at least this often there …
    min_keyness: float = 3.5  # … with log(share there / share in jieba's dictionary) at least this is a domain word
    known_count: int = 2  # a document word used this often is a real word, never a typo
    document_weight: float = 1.0  # how much the documents' word shares add to jieba's in the language model
    curated_frequency: int = 100  # the language model's frequency of a curated word that jieba lacks
    longest_word: int = 6  # the longest word the language model segments
    function_char_frequency: int = 200000  # a character this common alone (的, 是, 有) is never the mistyped one
    near_sound_cost: float = 2.0  # log-odds cost of a near sound (zan for zhang) over the same sound
    rare_char_cost: float = 3.0  # … and of a written character that is not common (an input method offers it late)
    shape_cost: float = 2.0  # … of a look-alike (形近字) that does not sound alike
    boundary_chars: str = ""  # free function words: a pair of one and the swapped character costs `boundary_cost`
    boundary_cost: float = 3.0
    char_weight: float = 0.0  # the weight of the character model's gain (charlm.py) added to the margin
    margin: float = 9.0  # the corrected clause must be this much more probable (natural log) than the written one …
    domain_margin: float = 6.0  # … or this much, when the meant word is a domain word (the words this course checks)
    misspelling_doubt: float = 1e9  # a curated misspelling is no slip where professional text reads it this much likelier


@cache
def settings() -> TypoSettings:
    return TypoSettings.model_validate(lexicon_data().get("typo_check") or {})


class DocumentWords(BaseModel):
    counts: dict[str, int]  # how often each word (jieba's cut, new words too) occurs in the documents
    typical: list[str]  # the words typical of them: the domain words the documents bring


@cache
def _document_words() -> DocumentWords:
    """The words of the course and shop documents. Cutting them and weighing each word takes about a second, so they
    are kept in ``<cache>/typos`` under a digest of everything they depend on (the documents' text, the settings,
    jieba's dictionary, the course's own words, OpenCC); a cache that cannot be read or written only means
    counting again."""
    texts = [path.read_text(encoding="utf-8") for pattern in settings().sources
             for path in sorted(corpus_dir().glob(pattern))]
    path = _words_file(texts)
    with contextlib.suppress(OSError, ValueError):
        return DocumentWords.model_validate_json(path.read_bytes())
    counts: Counter[str] = Counter()
    for raw in texts:
        text = normalize(raw)
        counts.update(w for b, e in word_spans(text) if _CJK_RUN.fullmatch(w := text[b:e]))
    found = DocumentWords(counts=counts, typical=_typical(counts))
    with contextlib.suppress(UserError):
        write_text_atomic(path, found.model_dump_json())
    return found


def _typical(counts: Counter[str]) -> list[str]:
    """The words used often in the documents and much more often there than in jieba's dictionary."""
    conf = settings()
    total, general = sum(counts.values()), dictionary_size()

    def typical(word: str, count: int) -> bool:
        frequency = word_frequency(word)
        return (frequency > 0 and count >= conf.min_count and conf.min_length <= len(word) <= conf.max_length
                and math.log((count / total) / ((frequency + 1) / general)) >= conf.min_keyness)

    return [w for w, n in counts.items() if typical(w, n)]


def _words_file(texts: list[str]) -> Path:
    import opencc

    from aigc_cs.config import Settings
    from aigc_cs.jieba_cache import cache_file

    digest = hashlib.sha1()
    for part in (WORDS_FORMAT, settings().model_dump_json(), cache_file(Path()).name, opencc.__version__, *COURSE_WORDS,
                 *texts):
        digest.update(part.encode("utf-8") + b"\x1f")
    return Settings().cache / "typos" / f"words-{digest.hexdigest()[:16]}.json"


@cache
def document_counts() -> Counter[str]:
    """How often each word (jieba's cut, new words too) occurs in the course and shop documents."""
    return Counter(_document_words().counts)


@cache
def _document_scale() -> float:
    """Turns a count in the documents into a frequency on the scale of jieba's dictionary."""
    return settings().document_weight * dictionary_size() / max(1, sum(document_counts().values()))


@cache
def vocabulary() -> frozenset[str]:
    """The domain words: typical words of the course and shop documents, and the curated terms."""
    return frozenset(_document_words().typical) | _curated("domain_terms")


@cache
def _curated(key: str) -> frozenset[str]:
    """A word list of corpus/phrasebook/lexicon.yaml: domain_terms or known_words."""
    return frozenset(lexicon_data().get(key) or [])


@lru_cache(maxsize=1 << 16)
def is_word(text: str) -> bool:
    """A real word, never a typo: common in jieba's dictionary, used in the documents, or curated."""
    conf = settings()
    return (word_frequency(text) >= conf.common_frequency or document_counts()[text] >= conf.known_count
            or text in vocabulary() or text in _curated("known_words"))


@lru_cache(maxsize=65536)
def _frequency(word: str) -> float:
    """The language model's count of `word`: jieba's (at least `curated_frequency` for a curated word), plus its share
    in the documents on jieba's scale."""
    jieba = word_frequency(word)
    if word in _curated("known_words") or word in _curated("domain_terms"):
        jieba = max(jieba, settings().curated_frequency)
    return jieba + document_counts()[word] * _document_scale()


def _logprob(text: str) -> float:
    """log P of the best segmentation of `text` under the unigram model (a lone character counts at least once)."""
    longest, total = settings().longest_word, math.log(dictionary_size())
    best = [0.0] + [-math.inf] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - longest), end):
            frequency = _frequency(text[start:end])
            if frequency or end - start == 1:
                best[end] = max(best[end], best[start] + math.log(max(frequency, 1)) - total)
    return best[-1]


@cache
def _index() -> dict[tuple[int, str], frozenset[str]]:
    """(position, a domain or known word with that position blanked) → the characters that fill the blank."""
    index: dict[tuple[int, str], set[str]] = {}
    for word in vocabulary() | _curated("known_words"):
        for i in range(len(word)):
            index.setdefault((i, word[:i] + "_" + word[i + 1:]), set()).add(word[i])
    return {key: frozenset(chars) for key, chars in index.items()}


@cache
def _confusions() -> dict[str, frozenset[str]]:
    """Wrong character → the right characters it is written for where pinyin does not explain it (卷 → 券)."""
    rights: dict[str, set[str]] = {}
    for right, wrong in (lexicon_data().get("typo_confusions") or {}).items():
        for char in wrong:
            rights.setdefault(char, set()).add(right)
    return {char: frozenset(chars) for char, chars in rights.items()}


@cache
def _shapes() -> dict[str, frozenset[str]]:
    """Character → the characters that look like it (形近字: 侍/待, 洒/酒), which a 五笔 or handwriting user writes for
    one another whatever their sound (lexicon.yaml `typo_shapes`: groups of look-alikes)."""
    alike: dict[str, set[str]] = {}
    for group in lexicon_data().get("typo_shapes") or []:
        for char in group:
            alike.setdefault(char, set()).update(set(group) - {char})
    return {char: frozenset(chars) for char, chars in alike.items()}


def _sound_cost(char: str, meant: str, i: int) -> float | None:
    """The cost of `char` sounding like meant[i] in `meant` (None: it does not): free when the main reading of `char`
    (the one an input method offers it for) is that of meant[i] there, `near_sound_cost` for a near sound."""
    sounds = word_sounds(meant)
    main = readings(char)[0] if readings(char) else "?"
    if len(sounds) != len(meant) or fold(main) != sounds[i]:
        return None
    return 0.0 if main in readings(meant[i]) else settings().near_sound_cost


def _channel_cost(written: str, meant: str, i: int) -> float | None:
    """The cost of writing written[i] for meant[i] (None: neither a sound-alike, a look-alike nor a curated
    confusion)."""
    conf = settings()
    char = written[i]
    rare = 0.0 if is_common(char) else conf.rare_char_cost
    if meant[i] in _confusions().get(char, ()):
        return rare
    costs = [cost for cost in (_sound_cost(char, meant, i), conf.shape_cost if meant[i] in _shapes().get(char, ())
                               else None) if cost is not None]
    return rare + min(costs) if costs else None


def _boundary_cost(written: str, i: int) -> float:
    """What a pair with a free function word (请, 先, 再, 太, 被: `boundary_chars`) beside the swapped character costs
    over any window: such a pair is more often two words than one misspelt word (蟹绳 | 请不要, 先 | 浸一下, 一块布 | 再熨),
    which the unigram model, blind to the word after, does not see."""
    conf = settings()
    return conf.boundary_cost if len(written) == 2 and written[1 - i] in conf.boundary_chars else 0.0


def _meant_words(clause: str, start: int, end: int, elsewhere: frozenset[str], known: list[list[tuple[int, int]]],
                 blocked: set[int]) -> set[tuple[str, int]]:
    """Real words that differ from the window clause[start:end] in one character that may have been mistyped (see
    `_may_be_mistyped`; not one of `blocked`), with that character's position in the window."""
    found = set()
    for i in range(end - start):
        if start + i not in blocked and _may_be_mistyped(clause, start, end, start + i, elsewhere, known):
            found.update((word, i) for word in _replacements(clause[start:end], i))
    return found


@lru_cache(maxsize=1 << 16)
def _replacements(written: str, i: int) -> tuple[str, ...]:
    """The real words `written` becomes with its character at `i` swapped for a common character of the same or a near
    sound, for a look-alike, for the character a domain or known word has there, or for the right character of a
    curated confusion. A written
    word that jieba's dictionary holds at all, however rarely (洗碗, 净度, 一格), is read only through the curated
    confusions (优惠卷 → 优惠券)."""
    char, blank = written[i], written[:i] + "_" + written[i + 1:]
    sounds = (frozenset() if word_frequency(written) > 0
              else homophones(char) | _shapes().get(char, frozenset()) | _index().get((i, blank), frozenset()))
    head, tail = written[:i], written[i + 1:]
    words = (head + right + tail for right in sounds | _confusions().get(char, frozenset()))
    return tuple(w for w in words if _may_be_meant(w))


def _may_be_meant(word: str) -> bool:
    """A word that a typo can stand for: a domain word, a curated known word (a product word jieba lacks: 瞳距, 被芯),
    or a word jieba saw `candidate_frequency` times, or `long_candidate_frequency` times for one of three characters
    or more (收件人, 血压计: a longer word is seldom matched by chance)."""
    conf = settings()
    least = conf.candidate_frequency if len(word) < 3 else conf.long_candidate_frequency
    return word in vocabulary() or word in _curated("known_words") or word_frequency(word) >= least


def _known_pieces(clause: str) -> list[list[tuple[int, int]]]:
    """For each position of the clause, the pieces (start, end) of 2 to `max_length` Chinese characters around it
    that are dictionary words or real words."""
    longest = settings().max_length
    covering: list[list[tuple[int, int]]] = [[] for _ in clause]
    for b in range(len(clause)):
        for e in range(b + 2, min(len(clause), b + longest) + 1):
            piece = clause[b:e]
            if _CJK_RUN.fullmatch(piece) and (word_frequency(piece) or is_word(piece)):
                for at in range(b, e):
                    covering[at].append((b, e))
    return covering


def _may_be_mistyped(clause: str, start: int, end: int, at: int, elsewhere: frozenset[str],
                     known: list[list[tuple[int, int]]]) -> bool:
    """Whether the character at `at` of the window clause[start:end] may be the mistyped one. Not a numeral (numbers
    are typed on purpose), not one of the commonest function words (有 in 这款包有两色 is no misspelt 邮), not one
    the writer uses again elsewhere in the text (`elsewhere`: the clause's characters that the rest of the text
    holds; 绒 in 羽绒被 … 含绒量: the topic, chosen on purpose), and not one that makes a dictionary word with its
    neighbours other than the window (停止食用 holds 食用; `known`: see `_known_pieces`)."""
    char = clause[at]
    if (char in _NUMERALS or word_frequency(char) >= settings().function_char_frequency
            or char in elsewhere or char in clause[:start] + clause[end:]):
        return False
    return all(piece == (start, end) for piece in known[at])


def _in_number(text: str, start: int, end: int) -> bool:
    """Inside a run of numerals (从零零零试到: no 零食), a count's measure word (一板10枚: no 一般) or a pairing (一甜一香)."""
    return ((start > 0 and text[start] in _NUMERALS and text[start - 1] in _NUMERALS)
            or (end < len(text) and text[end - 1] in _NUMERALS and text[end] in _NUMERALS)
            or (end - start == 2 and text[start] in _NUMERALS and end < len(text) and text[end].isdigit())
            or any(m.start() <= start and end <= m.end() for m in _PAIRING.finditer(text)))


Spans = tuple[tuple[int, int], ...]


@lru_cache(maxsize=65536)  # a class writes the same clauses (您好, 感谢您的耐心) again and again
def _clause_candidates(clause: str, elsewhere: frozenset[str], cuts: Spans, names: Spans
                       ) -> tuple[tuple[float, int, int, str], ...]:
    """(margin over the written clause, start, end, meant word) of every candidate typo of one clause. All that a
    candidate depends on lies in its clause but for what the rest of the text brings, given here in the clause's
    offsets: `elsewhere`, the clause's characters that the rest of the text holds; `cuts`, the dictionary words of the
    text (jieba's search-mode cut) whose characters are not swapped where they reach out of a window; `names`, the names
    a window may lie in. So a clause in the same surroundings is scored once per process."""
    conf = settings()
    known = _known_pieces(clause)
    base: float | None = None
    found = []
    for start in range(len(clause)):
        for end in range(start + conf.min_length, min(start + conf.max_length, len(clause)) + 1):
            written = clause[start:end]
            if (not _CJK_RUN.fullmatch(written) or is_word(written) or in_name(start, end, names)
                    or _in_number(clause, start, end)):
                continue
            blocked = {at for b, e in cuts if b < start < e or b < end < e for at in range(max(b, start), min(e, end))}
            for word, i in _meant_words(clause, start, end, elsewhere, known, blocked):
                cost = _channel_cost(written, word, i)
                if cost is None:
                    continue
                cost += _boundary_cost(written, i)
                base = _logprob(clause) if base is None else base
                corrected = clause[:start] + word + clause[end:]
                context = conf.char_weight * gain(clause, corrected) if conf.char_weight else 0.0
                found.append((_logprob(corrected) - base - cost + context, start, end, word))
    return tuple(found)


def _within(spans: list[tuple[int, int]], start: int, end: int) -> Spans:
    """The spans that overlap text[start:end], in its offsets."""
    return tuple((b - start, e - start) for b, e in spans if b < end and e > start)


def _scored(text: str) -> list[tuple[float, Typo]]:
    """Every candidate typo of `text` (normalised) with its margin over the written text."""
    # the dictionary words whose characters a window does not swap where they reach out of it
    cuts = [(b, e) for b, e in word_spans(text, search=True) if e - b > 1 and word_frequency(text[b:e]) >= 1]
    names = name_spans(text) + brand_spans(text)
    counts = Counter(text)
    scored = []
    for clause in _CLAUSE.finditer(text):
        at = clause.start()
        elsewhere = frozenset(c for c, n in Counter(clause.group()).items() if counts[c] > n)
        around = _within(cuts, *clause.span()), _within(names, *clause.span())
        for margin, start, end, word in _clause_candidates(clause.group(), elsewhere, *around):
            typo = Typo(quote=text[at + start:at + end], suggestion=word, start=at + start, end=at + end)
            scored.append((margin, typo))
    return scored


@lru_cache(maxsize=1024)  # grading reads the typos of an answer twice: for the score and for the improved version
def find_typos(text: str) -> list[Typo]:
    """The homophone typos of `text`, best first where two overlap, and the 在/再, 的/得 slips (guard/particles.py), in
    the order of the text (a shared list: do not change it)."""
    conf = settings()
    found: list[Typo] = []
    text = normalize(text)
    for margin, typo in sorted(_scored(text), key=lambda st: -st[0]):
        needed = conf.domain_margin if typo.suggestion in vocabulary() else conf.margin
        if (margin >= needed and not quoted(text, typo.start, typo.end)  # the customer's own words, quoted back
                and not any(t.start < typo.end and typo.start < t.end for t in found)):
            found.append(typo)
    found += [Typo(**s.model_dump()) for s in particle_slips(text)
              if not any(t.start < s.end and s.start < t.end for t in found)]
    return sorted(found, key=lambda t: t.start)

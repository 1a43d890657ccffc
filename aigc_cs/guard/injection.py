"""Prompt-injection attempts inside a student's answer, and the datamarking that keeps the answer data for the judge.

The detector only flags (for the teacher) and drops the flagged sentences from what is graded; the defence does not
depend on it: the judge reads the answer datamarked (`datamark`), and its levels are bounded by the rules.
It reads text through the one normalisation (invisible characters removed, full-width, traditional), and also as a
compact run of letters (spaced-out, split across lines, reversed) and decoded (base64, %XX, \\uXXXX).
"""

import base64
import binascii
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

from pydantic import BaseModel

from aigc_cs.text import normalize, visible, word_spans

MARKER = "ˆ"  # datamarking: between every two words of the answer the judge reads
_WINDOW = 40  # an instruction split across lines or sentences is looked for in runs of up to this many letters
# Read as a compact run of letters and digits, lower-case, accents dropped (pinyin tones), in either direction.
_COMPACT = [
    r"(?:忽略|无视|忽视|不要理会|别管|不用管|跳过|抛开|绕过)掉?(?:以上|上面|上述|前面|之前|先前|所有|全部|一切|原有|原来)?的?"
    r"(?:评分|规则|指令|要求|提示|标准|说明|设定|约束|限制)",
    r"(?:给|打|判|评|按|拿|记|算)(?:我|俺|这|本|该|此|它|学生|考生|这份答案|本答案|该答案|此答案|这道题|本题|此题|每项|各项|全部)?"
    r"(?:打|个|一个|判|评|为|成|按|以|都)?(?:满分|最高分|最高等级|最高档|最高级|满级|100分|一百分|顶格)",
    r"满分(?:处理|对待|计算|计分|评定|通过|录入|吧|啊|呀|哦|谢谢)",
    r"(?:各|每个|每一|所有|全部)(?:评分)?(?:项|项目|维度|标准)(?:均|都|全部|一律)?(?:为|是|给|打|按|评|判)?(?:最高|满分|顶格|3级|三级)",
    r"(?:评分|等级|得分|分数|总分|成绩|level|score|points|total|grade)(?:均|都|全部|一律|直接)?"
    r"(?:为|是|给|打|按|等于|记为|设为|改为|定为)?(?:最高|满分|100|一百|顶格|3)(?!\d)",
    r"(?:教师|老师|阅卷|评卷|助教|考官|评委)的?(?:批注|批示|备注|注释|附注|指示|意见|评语|审核|复核|note)",
    r"评分(?:标准|规则|细则|项|员|系统|模型|结果|结论|说明|指令)|阅卷|判卷|评卷|rubric|grader|grading|evaluator",
    r"(?:你|您)(?:现在|从现在起|从现在开始|接下来|今后|此刻)?(?:是|作为|扮演|充当|变成|成为).{0,10}?"
    r"(?:老师|教师|评分|评委|阅卷|考官|裁判|导师|班主任)",
    r"扮演|假装你|假设你是|角色扮演|roleplay|pretend|actas(?:a|an|the|my)(?:teacher|grader|judge)|youarenow|fromnowon",
    r"系统(?:提示|指令|消息|设定)|systemprompt|systemmessage|developermessage|newinstruction|followtheseinstruction",
    r"(?:学生)?答案(?:结束|完毕|到此结束|部分结束)|endofanswer|endanswer|answerend|imstart|imend|endoftext",
    r"ignore\w{0,30}?(?:instruction|rubric|rule|criteri|prompt|above|previous)|disregard|override",
    r"(?:full|max|maximum|top|perfect|highest)(?:mark|score|point|grade|level)|(?:scoreof|give(?:me|it|this)?)100",
    r"manfen|zuigao(?:fen|dengji|dang)|pingfen|hulue|yibaifen|laoshipizhu|jiaoshipizhu",
]
# Read on the normalised text, punctuation kept: markup, fake delimiters and verdicts, emoji scores.
_PLAIN = [
    r"💯|🈵|<!--|-->|<\s*/?\s*(?:system|instruction|im_start|im_end|answer|end)\b|\[/?inst\]|<\|[^|]{0,20}\|>",
    r"(?:<{2,}|《{2,}|\[{2,})\s*/?\s*[\w-]*(?:end|answer|结束|答案|system|系统)",
    r"(?:end|answer|结束|答案)[\w-]*\s*(?:>{2,}|》{2,}|\]{2,})",
    r"\{\s*[\"“”']|[\"“”']\s*(?:criteria|level|evidence|score|total|verdict|points)\s*[\"“”']\s*[:：]",
    r"\*\*\s*\w+\s*[=:：]\s*\d+\s*\*\*",
]
_COMPACT_RE = re.compile("|".join(_COMPACT))
_PLAIN_RE = re.compile("|".join(_PLAIN), re.IGNORECASE)
_NOT_LETTER = re.compile(rf"[\W_{MARKER}]+")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{12,}={0,2}")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}){3,}")
_ESCAPE = re.compile(r"(?:\\u[0-9A-Fa-f]{4})+")
_SENTENCE = re.compile(r"[^。！？!?.\n]+[。！？!?.]*\s*|\n")
_DELIMITER = re.compile(rf"[<>〈〉《》«»‹›﹤﹥]{{2,}}|{MARKER}")


class Injection(BaseModel):
    quote: str
    start: int
    end: int


def _letters(plain: str) -> str:
    """Normalised text as a compact run of letters and digits: lower-case, accents (pinyin tones) dropped."""
    decomposed = unicodedata.normalize("NFKD", plain.lower())
    return _NOT_LETTER.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _from_base64(blob: str) -> str:
    blob = blob.rstrip("=")
    return base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode("utf-8")


def _from_escapes(run: str) -> str:
    return run.encode().decode("unicode_escape").encode("utf-16", "surrogatepass").decode("utf-16")


_DECODERS = ((_BASE64, _from_base64), (_ESCAPE, _from_escapes), (_PERCENT, lambda run: unquote(run, errors="strict")))


def _decoded(text: str) -> list[str]:
    """What base64 blobs, \\uXXXX escapes and %XX runs in `text` decode to, where that is text."""
    found = []
    for pattern, decode in _DECODERS:
        for m in pattern.finditer(text):
            try:
                found.append(decode(m.group(0)))
            except (binascii.Error, UnicodeError):
                continue
    return found


def _flagged(raw: str, plain: str, letters: str) -> bool:
    return bool(_PLAIN_RE.search(plain) or _COMPACT_RE.search(letters) or _COMPACT_RE.search(letters[::-1])
                or any(suspicious(d) for d in _decoded(raw) if d))


def suspicious(text: str) -> bool:
    """Whether `text` tries to instruct the grader, in any of the readings of the module docstring."""
    plain = normalize(text)
    return _flagged(visible(text), plain, _letters(plain))


class _Sentences:
    """The sentences of a text, each read once; a run of them is read by joining the readings."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [m.span() for m in _SENTENCE.finditer(text)]
        self.plain = [normalize(text[b:e]) for b, e in self.spans]
        self.letters = [_letters(p) for p in self.plain]

    def flagged(self, i: int, j: int) -> bool:
        """Whether sentences i..j (inclusive) together try to instruct the grader."""
        raw = self.text[self.spans[i][0]: self.spans[j][1]]
        return _flagged(raw, " ".join(self.plain[i: j + 1]), "".join(self.letters[i: j + 1]))

    def run_end(self, i: int) -> int | None:
        """The last sentence of the shortest flagged run that starts with sentence `i`, if any; runs end at the first
        sentence that takes them past _WINDOW letters. The longest run is read first: a run that is not flagged
        has no flagged part."""
        last, letters = i, len(self.letters[i])
        while letters <= _WINDOW and last + 1 < len(self.spans):
            last += 1
            letters += len(self.letters[last])
        if not self.flagged(i, last):
            return None
        return next(j for j in range(i, last + 1) if self.flagged(i, j))


def find_injections(text: str) -> list[Injection]:
    """Runs of sentences of `text` (invisible characters removed; offsets refer to that) that try to instruct the
    grader, whole sentences or an instruction spread over several short lines."""
    return list(_injections(text))


@lru_cache(maxsize=1024)  # grading reads an answer's injections three times: to flag, to grade and to improve it
def _injections(text: str) -> tuple[Injection, ...]:
    text = visible(text)
    sentences = _Sentences(text)
    found: list[Injection] = []
    if not sentences.spans or not sentences.flagged(0, len(sentences.spans) - 1):
        return ()  # nothing anywhere: no run needs reading (the whole text reads as every run of it does)
    i = 0
    while i < len(sentences.spans):
        j = sentences.run_end(i)
        # a run flagged without its first sentence would drag that (innocent, unless it is bare punctuation) along
        innocent = j is not None and j > i and bool(sentences.letters[i]) and sentences.flagged(i + 1, j)
        if j is None or innocent:
            i += 1
            continue
        start, end = sentences.spans[i][0], sentences.spans[j][1]
        found.append(Injection(quote=text[start:end].strip(), start=start, end=end))
        i = j + 1
    return tuple(found)


def without_injections(text: str) -> str:
    """The answer with invisible characters and every injection removed: what is graded."""
    text = visible(text)
    for injection in reversed(find_injections(text)):
        text = text[: injection.start] + text[injection.end:]
    return text.strip()


def datamark(text: str) -> str:
    """The answer as the judge reads it: normalised, anything like a delimiter (and the marker) removed, and MARKER
    between every two words, so that every line of it reads as data and none can close the answer's block."""
    text = _DELIMITER.sub(" ", normalize(text))
    lines = (MARKER.join(line[b:e] for b, e in word_spans(line) if line[b:e].strip()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)

"""Read a customer-service chat into turns, each keeping the line it came from.

Accepted: text lines ``顾客：…`` / ``客服：…`` (also 买家/卖家/客户/商家, half-width colons, a leading time stamp,
a rep's name after the role, several turns on one line), continuation lines without a role, or a csv/xlsx export
with a role column and a content column. Files may be UTF-8 or GBK.
"""

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.kb.loaders import column

Role = Literal["customer", "agent"]
ROLE_WORDS: dict[Role, tuple[str, ...]] = {
    "customer": ("顾客", "买家", "客户", "用户", "买方", "消费者", "customer", "buyer"),
    "agent": ("客服", "卖家", "商家", "店家", "掌柜", "小二", "agent", "seller", "service"),
}
ROLE_LABEL: dict[Role, str] = {"customer": "顾客", "agent": "客服"}
ROLE_COLUMNS = ("角色", "身份", "发送方", "发送人", "发言人", "说话人", "role", "speaker", "sender", "from")
TEXT_COLUMNS = ("内容", "消息", "消息内容", "聊天内容", "发言", "文本", "content", "message", "text", "msg")
SUFFIXES = (".txt", ".md", ".csv", ".xlsx", ".docx")
MAX_BYTES = 2 * 2**20
FORMAT_HINT = ("对话记录要一行一句，以“顾客：”或“客服：”开头（也可用“买家：”“卖家：”，半角冒号亦可），"
               "或是带“角色”“内容”两列的 csv/xlsx 表格")

_ROLES = "|".join(sorted((w for words in ROLE_WORDS.values() for w in words), key=len, reverse=True))
_STAMP = r"(?:[\[【(（]?\s*\d{1,4}[-/.年月日:：\d\s]*\d\s*[\]】)）]?\s*)?"
_PREFIX = re.compile(rf"^\s*{_STAMP}(?:[-*>]\s*)?(?:\*\*)?(?P<role>{_ROLES})(?P<name>[^：:\s*]{{0,8}}?)\s*(?:\*\*)?\s*[：:]\s*",
                     re.IGNORECASE)
_STAMP_ONLY = re.compile(rf"^\s*{_STAMP}$")
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_INLINE = re.compile(rf"(?<=[\s。！？!?；;~～])(?=(?:{_ROLES})[^：:\s]{{0,8}}?\s*[：:])", re.IGNORECASE)


class Turn(BaseModel):
    line: int  # 1-based line of a text file, or row of a table (the header is row 1)
    role: Role
    text: str

    def labelled(self) -> str:
        return f"{ROLE_LABEL[self.role]}：{self.text}"


class Transcript(BaseModel):
    source: str
    turns: list[Turn]

    def of(self, role: Role) -> list[Turn]:
        return [t for t in self.turns if t.role == role]


def role_of(word: str) -> Role | None:
    """The role a label names: "买家" -> customer, "客服小美" -> agent; None when it names neither."""
    word = word.strip().lower()
    for role, words in ROLE_WORDS.items():
        if any(word.startswith(w.lower()) for w in words):
            return role
    for role, words in ROLE_WORDS.items():  # "衣见倾心:小美（客服）"
        if any(w.lower() in word for w in words):
            return role
    return None


def parse_text(text: str, source: str = "输入的对话") -> Transcript:
    """Turns of a chat written as lines; a line without a role continues the previous speaker's turn."""
    turns: list[Turn] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        for piece in _INLINE.split(raw):
            if not piece.strip() or _STAMP_ONLY.match(piece):
                continue
            match = _PREFIX.match(piece)
            if match:
                role = role_of(match.group("role"))
                body = piece[match.end():].strip()
            elif turns and _WORDS.search(piece):  # a bare bullet, number or time stamp continues nothing
                role, body = turns[-1].role, piece.strip()
            else:
                continue  # a title or a note before the chat starts
            if role and body:
                turns.append(Turn(line=number, role=role, text=body))
    return _checked(Transcript(source=source, turns=turns))


def parse_rows(rows: list[list[str]], source: str) -> Transcript:
    """Turns of a table whose first row names a role column and a content column."""
    if not rows:
        raise UserError(f"{source}：表格是空的。{FORMAT_HINT}")
    role_col, text_col = column(rows[0], ROLE_COLUMNS), column(rows[0], TEXT_COLUMNS)
    if role_col is None or text_col is None:
        raise UserError(f"{source}：第一行需要“角色”和“内容”两列，现在是：{'、'.join(rows[0])}。{FORMAT_HINT}")
    turns = []
    for number, row in enumerate(rows[1:], 2):
        if len(row) <= max(role_col, text_col) or not row[text_col].strip():
            continue
        role = role_of(row[role_col])
        if role is None:
            raise UserError(f"{source}：第 {number} 行的角色“{row[role_col]}”认不出，请写“顾客”或“客服”（买家/卖家亦可）")
        turns.append(Turn(line=number, role=role, text=row[text_col].strip()))
    return _checked(Transcript(source=source, turns=turns))


def read_transcript(arg: str) -> Transcript:
    """A transcript from a file path (txt/md/docx/csv/xlsx) or from the literal text of a chat."""
    path = Path(arg.strip()) if len(arg) < 400 and "\n" not in arg else None
    if path is not None and path.is_file():
        return _read_file(path)
    if path is not None and path.suffix.lower() in SUFFIXES and not _PREFIX.match(arg):
        raise UserError(f"{path}：文件不存在，请检查路径")
    return parse_text(arg.replace("\\n", "\n"))


def _read_file(path: Path) -> Transcript:
    from aigc_cs.kb.loaders import decode, docx_text, table_rows

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"{path}：不支持的文件类型 {suffix or '（无扩展名）'}，对话记录请用 txt/md/docx/csv/xlsx")
    raw = path.read_bytes()
    if not raw.strip():
        raise UserError(f"{path}：文件是空的。{FORMAT_HINT}")
    if len(raw) > MAX_BYTES:
        raise UserError(f"{path}：文件过大（{len(raw) / 2**20:.1f} MB），一段对话记录请控制在 2 MB 以内")
    if suffix in (".csv", ".xlsx"):
        return parse_rows(table_rows(raw, path), str(path))
    # a docx paragraph counts as one line
    text = docx_text(raw, path).replace("\n\n", "\n") if suffix == ".docx" else decode(raw, path)
    return parse_text(text, str(path))


def _checked(transcript: Transcript) -> Transcript:
    if not transcript.turns:
        raise UserError(f"{transcript.source}：没有找到对话。{FORMAT_HINT}")
    if not transcript.of("customer"):
        raise UserError(f"{transcript.source}：对话里没有顾客说的话。{FORMAT_HINT}")
    return transcript

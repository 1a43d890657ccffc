"""A student's text as given on the command line: the text itself, `@path` to a file (txt/md in UTF-8 or GBK, or
a Word .docx), or `-` to read it from standard input (a pipe, or a GBK text redirected on Windows). A text longer
than `max_chars` is one line, found without reading more than a few bytes per allowed character."""

import sys
from pathlib import Path

from aigc_cs.errors import UserError
from aigc_cs.kb.loaders import TEXT_SUFFIXES, decode, docx_text, file_size, read_raw

STDIN = "-"
STDIN_NAME = Path("标准输入")
SUFFIXES = TEXT_SUFFIXES | {".docx"}
MAX_TEXT_CHARS = 5000  # the longest answer `grade` and text `check` take
BYTES_PER_CHAR = 4  # UTF-8 and GB18030 never take more: a text file larger than 4 × cap is too long unread


def too_long(what: str, max_chars: int, chars: int | None = None) -> UserError:
    size = f"{chars} 字" if chars is not None else f"超过 {max_chars} 字"
    return UserError(f"{what}太长（{size}，上限 {max_chars} 字），请检查是否贴错了内容")


def read_text_arg(value: str, what: str, max_chars: int | None = None) -> str:
    """`value` itself, the text of the file after an `@`, or standard input for `-`; `what` names the text in
    messages ("答案"). Every failure, and a text over `max_chars`, is a `UserError` naming what to do."""
    if value == STDIN:
        if max_chars is None:
            raw = sys.stdin.buffer.read()
        elif len(raw := sys.stdin.buffer.read(max_chars * BYTES_PER_CHAR + 1)) > max_chars * BYTES_PER_CHAR:
            raise too_long(what, max_chars)
        text = decode(raw, STDIN_NAME)
    elif value.startswith("@"):
        text = read_file(Path(value[1:]), what, max_chars)
    else:
        text = value
    if max_chars is not None and len(text) > max_chars:
        raise too_long(what, max_chars, len(text))
    return text


def read_file(path: Path, what: str, max_chars: int | None = None) -> str:
    """The text of a txt/md (any encoding `decode` reads) or docx file; no suffix is read as text. A text file too
    large to hold `max_chars` characters is refused unread."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UserError(f"{path}：{what}文件不存在，请检查路径")
    if suffix and suffix not in SUFFIXES:
        raise UserError(f"{path}：不支持的{what}文件类型 {suffix}，请另存为 .txt、.md 或 .docx（旧版 .doc 用 Word 另存为 .docx）")
    if suffix != ".docx" and max_chars is not None and file_size(path) > max_chars * BYTES_PER_CHAR:
        raise too_long(what, max_chars)
    raw = read_raw(path)
    return docx_text(raw, path) if suffix == ".docx" else decode(raw, path)

"""A student's text as given on the command line: the text itself, `@path` to a file (txt/md in UTF-8 or GBK, or
a Word .docx), or `-` to read it from standard input (a pipe, or a GBK text redirected on Windows)."""

import sys
from pathlib import Path

from aigc_cs.errors import UserError
from aigc_cs.kb.loaders import TEXT_SUFFIXES, decode, docx_text

STDIN = "-"
STDIN_NAME = Path("标准输入")
SUFFIXES = TEXT_SUFFIXES | {".docx"}


def read_text_arg(value: str, what: str) -> str:
    """`value` itself, the text of the file after an `@`, or standard input for `-`; `what` names the text in
    messages ("答案"). Every failure is a `UserError` naming the file and what to do."""
    if value == STDIN:
        return decode(sys.stdin.buffer.read(), STDIN_NAME)
    if not value.startswith("@"):
        return value
    return read_file(Path(value[1:]), what)


def read_file(path: Path, what: str) -> str:
    """The text of a txt/md (any encoding `decode` reads) or docx file; no suffix is read as text."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UserError(f"{path}：{what}文件不存在，请检查路径")
    if suffix and suffix not in SUFFIXES:
        raise UserError(f"{path}：不支持的{what}文件类型 {suffix}，请另存为 .txt、.md 或 .docx（旧版 .doc 用 Word 另存为 .docx）")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}：无法读取（{exc.strerror or type(exc).__name__}），请检查文件权限后重试") from None
    return docx_text(raw, path) if suffix == ".docx" else decode(raw, path)

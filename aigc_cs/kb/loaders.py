"""Read one file into text (Markdown-like, headings kept) or question/answer pairs.

Every failure becomes a `UserError` with one Chinese line that names the file and says what to do.
"""

import csv
import errno
import io
import re
from pathlib import Path

import yaml
from pydantic import BaseModel

from aigc_cs.errors import UserError

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
PAIR_SUFFIXES = {".csv", ".xlsx"}
SUFFIXES = TEXT_SUFFIXES | PAIR_SUFFIXES | {".docx", ".pdf"}
QUESTION_COLUMNS = ("问题", "question", "q")
ANSWER_COLUMNS = ("答案", "回答", "answer", "a")
_READ_REASONS = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.ENOENT: "文件不存在或已被移走",
                 errno.EISDIR: "这是文件夹", errno.EIO: "磁盘读取错误"}
BIG5_SUSPECT = 0.2  # share of odd characters in a GBK reading above which Big5 is tried


LOADER = "loader-2"  # bump when the same bytes are read into other text (Markdown tables read out): files are read again


class LoadedFile(BaseModel):
    path: Path
    text: str = ""
    front_matter: dict = {}
    pairs: list[tuple[str, str]] = []


def read_raw(path: Path) -> bytes:
    """The bytes of a file; a file that cannot be read (permissions, gone, a device) is one `UserError` line."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(path, exc) from None


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise unreadable(path, exc) from None


def unreadable(path: Path, exc: OSError) -> UserError:
    """One Chinese line for a file that cannot be read: the path, why, and what to do."""
    reason = _READ_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return UserError(f"{path}：无法读取（{reason}），请检查文件权限后重试")


def _common(ch: str) -> bool:
    """A character of GB2312's punctuation or hanzi rows (not its kana, Greek, Cyrillic or box-drawing rows)."""
    try:
        lead = ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xF7


def _unless_big5(raw: bytes, text: str) -> str:
    """`text` (the bytes read as GBK), or the bytes read as Big5 (cp950) when many of its characters are odd:
    Big5 bytes read as GBK give kana, box drawing and rare hanzi; GBK text that Big5 cannot read stays GBK."""
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide or sum(not _common(ch) for ch in wide) < BIG5_SUSPECT * len(wide):
        return text
    try:
        return raw.decode("cp950")
    except UnicodeDecodeError:
        return text


def decode(raw: bytes, path: Path) -> str:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030 (a superset of GBK) or Big5, else best guess."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text if encoding == "utf-8-sig" else _unless_big5(raw, text)
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise UserError(f"{path}：无法识别文件编码，请另存为 UTF-8 后重新导入")
    return str(best)


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    """Return (front matter, body). A broken YAML header is reported with its line number."""
    if not text.startswith("---"):
        return {}, text
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise UserError(f"{path}：YAML 头缺少结束行 ---，请在字段后补一行 ---")
    header, body = parts[0][3:], parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    try:
        data = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "某处"  # the header starts after the first ---
        raise UserError(f"{path}：YAML 头{where}格式有误，请检查缩进、冒号和引号") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}：YAML 头应是“字段: 值”的形式")
    return data, body


def docx_text(raw: bytes, path: Path) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise UserError(f"{path}：不是有效的 Word 文档（可能已损坏），请用 Word 重新另存为 .docx") from exc
    except Exception as exc:  # zipfile.BadZipFile and lxml errors from a damaged package
        raise UserError(f"{path}：Word 文档已损坏，无法读取，请重新另存为 .docx") from exc
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = next((int(ch) for ch in style if ch.isdigit()), 0) if style.lower().startswith(("heading", "标题")) else 0
        lines.append(f"{'#' * min(level, 3)} {text}" if level else text)
    return "\n\n".join(lines)


def _pdf_text(raw: bytes, path: Path) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its English warnings would precede our one line

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UserError(f"{path}：PDF 已损坏或加密，无法提取文字，请导出为未加密的 PDF 或 .docx") from exc
    text = "\n\n".join(f"## 第{i}页\n\n{page.strip()}" for i, page in enumerate(pages, 1) if page.strip())
    if not text:
        raise UserError(f"{path}：PDF 里没有可提取的文字（可能是扫描件），请先做文字识别")
    return text


def table_rows(raw: bytes, path: Path) -> list[list[str]]:
    """The non-empty rows of a csv (any encoding `decode` reads) or of the first sheet of an xlsx."""
    if path.suffix.lower() == ".csv":
        text = decode(raw, path)
        return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UserError(f"{path}：Excel 文件已损坏或不是 .xlsx，请用 Excel 重新另存") from exc
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
        if any(cell not in (None, "") for cell in row)
    ]


def column(header: list[str], names: tuple[str, ...]) -> int | None:
    """Where the first of `names` sits in a header row (case and spaces ignored), or None."""
    cells = [cell.strip().lower() for cell in header]
    return next((cells.index(n) for n in names if n in cells), None)


def _pairs(raw: bytes, path: Path) -> list[tuple[str, str]]:
    rows = table_rows(raw, path)
    if not rows:
        raise UserError(f"{path}：表格是空的，请填入“问题”“答案”两列")
    q_col, a_col = column(rows[0], QUESTION_COLUMNS), column(rows[0], ANSWER_COLUMNS)
    if q_col is None or a_col is None:
        raise UserError(f"{path}：第一行需要“问题”和“答案”两个列名，现在是：{'、'.join(rows[0])}")
    pairs = [
        (row[q_col].strip(), row[a_col])
        for row in rows[1:]
        if len(row) > max(q_col, a_col) and row[q_col].strip() and row[a_col].strip()
    ]
    if not pairs:
        raise UserError(f"{path}：表格里没有同时填写了问题和答案的行")
    return pairs


def load(path: Path, max_bytes: int) -> LoadedFile:
    """Load one file. Raises `UserError` for empty, oversized, corrupt or unsupported files."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"{path}：不支持的文件类型 {suffix or '（无扩展名）'}，支持 md/txt/docx/pdf/csv/xlsx")
    size = file_size(path)
    if size == 0:
        raise UserError(f"{path}：文件是空的，已跳过；请写入内容后重新导入")
    if size > max_bytes:
        raise UserError(
            f"{path}：文件过大（{size / 2**20:.1f} MB，上限 {max_bytes / 2**20:.0f} MB），已跳过；"
            "请拆分成小文件，或设置 AIGC_CS_MAX_FILE_MB 调高上限"
        )
    raw = read_raw(path)
    if suffix in PAIR_SUFFIXES:
        return LoadedFile(path=path, pairs=_pairs(raw, path))
    if suffix == ".docx":
        return LoadedFile(path=path, text=docx_text(raw, path))
    if suffix == ".pdf":
        return LoadedFile(path=path, text=_pdf_text(raw, path))
    text = tables_read_out(decode(raw, path))
    front_matter, body = split_front_matter(text, path) if suffix != ".txt" else ({}, text)
    if not body.strip() and not front_matter:
        raise UserError(f"{path}：文件只有空白，已跳过；请写入内容后重新导入")
    return LoadedFile(path=path, text=body, front_matter=front_matter)


_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def tables_read_out(text: str) -> str:
    """A Markdown table as the sentences its rows say, each row's first cell followed by every other header and cell
    (| 小号 | 12cm | 19元 | under | 尺寸 | 口径 | 价格 | → "- 小号口径12cm，价格19元。"): a header row or a rule of dashes
    is no sentence to say to a customer."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        head = _ROW.match(lines[i])
        if head and i + 1 < len(lines) and _RULE.match(lines[i + 1]):
            names = [c.strip() for c in head.group(1).split("|")]
            i += 2
            while i < len(lines) and (row := _ROW.match(lines[i])):
                cells = [c.strip() for c in row.group(1).split("|")]
                rest = "，".join(f"{n}{c}" for n, c in zip(names[1:], cells[1:], strict=False) if c)
                out.append(f"- {cells[0]}{rest}。" if cells and cells[0] else f"- {rest}。")
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)

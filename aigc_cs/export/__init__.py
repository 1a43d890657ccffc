"""Writers for task results: every task turns its result into a `Document`, and `write` saves it by extension
(.md, .docx, .xlsx) — or, for .json, saves the result model itself."""

from pathlib import Path

from pydantic import BaseModel

from aigc_cs.errors import UserError

SUFFIXES = (".md", ".docx", ".xlsx", ".json")
NAME_LINE = "班级：＿＿＿＿＿＿　　姓名：＿＿＿＿＿＿　　学号：＿＿＿＿＿＿"


class Section(BaseModel):
    heading: str
    paragraphs: list[str] = []
    table: list[list[str]] = []  # first row is the header
    level: int = 1  # 1 for a section, 2 and 3 for parts of the section above
    new_page: bool = False  # starts a handout of its own (a student's feedback slip): a new page, numbered from 1


class Document(BaseModel):
    title: str
    sections: list[Section]
    student: bool = False  # a sheet a student fills in or gets back: a 班级/姓名/学号 line under the title


def check_suffix(path: Path) -> None:
    """Raise `UserError` unless `path` ends in a format `write` knows; call it before slow work."""
    if path.suffix.lower() not in SUFFIXES:
        raise UserError(f"{path}：不支持的输出格式 {path.suffix or '（无扩展名）'}，可用 {'/'.join(SUFFIXES)}")


def write(document: Document, result: BaseModel, path: Path) -> Path:
    """Save to `path`; the extension picks the format. Raises `UserError` for an unknown extension or a locked file."""
    check_suffix(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix == ".json":
            path.write_text(result.model_dump_json(indent=2), encoding="utf-8")
        elif suffix == ".md":
            from aigc_cs.export.markdown import write_markdown

            write_markdown(document, path)
        elif suffix == ".docx":
            from aigc_cs.export.docx import write_docx

            write_docx(document, path)
        else:
            from aigc_cs.export.xlsx import write_xlsx

            write_xlsx(document, path)
    except PermissionError:
        raise UserError(f"{path}：文件无法写入（可能正被 Word/Excel 打开），请关闭后重试") from None
    return path

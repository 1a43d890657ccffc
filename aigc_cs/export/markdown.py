"""Markdown writer."""

from pathlib import Path

from aigc_cs.export import NAME_LINE, Document


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def to_markdown(document: Document) -> str:
    lines = [f"# {document.title}", "", *([NAME_LINE, ""] if document.student else [])]
    for section in document.sections:
        lines += [*(["---", ""] if section.new_page else []), f"{'#' * (section.level + 1)} {section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        if section.table:
            header, *rows = section.table
            lines.append("| " + " | ".join(_cell(c) for c in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(document: Document, path: Path) -> None:
    path.write_text(to_markdown(document), encoding="utf-8")

"""Chinese-aware splitting: Markdown headings give the section path, sentences give the cut points."""

from pydantic import BaseModel

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]
HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]


class Piece(BaseModel):
    section: str  # heading path, "退换货 > 七天无理由退换"
    text: str  # the chunk text with its heading path prepended


def split_markdown(text: str, title: str, chunk_chars: int) -> list[Piece]:
    """Split by headings, then by Chinese sentence ends; each piece starts with its heading path."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

    by_heading = MarkdownHeaderTextSplitter(headers_to_split_on=HEADERS, strip_headers=True)
    by_sentence = RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        chunk_size=chunk_chars,
        chunk_overlap=chunk_chars // 10,
        keep_separator="end",
        strip_whitespace=True,
    )
    pieces: list[Piece] = []
    for doc in by_heading.split_text(text):
        path = [doc.metadata[key] for _, key in HEADERS if doc.metadata.get(key)] or [title]
        section = " > ".join(path)
        for part in by_sentence.split_text(doc.page_content):
            if part.strip():
                pieces.append(Piece(section=section, text=f"【{section}】\n{part.strip()}"))
    return pieces


def faq_piece(question: str, answer: str) -> Piece:
    """One question/answer pair is one chunk; the answer is kept verbatim."""
    return Piece(section=question.strip(), text=f"问：{question.strip()}\n答：{answer}")

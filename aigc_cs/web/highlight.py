"""The faulty spans of a student's own text, as plain pieces for a template: each piece is text (escaped by the
template like any other text) and, for a faulty span, the number of the problem it shows."""

from pydantic import BaseModel

from aigc_cs.grading.models import Fault


class Piece(BaseModel):
    text: str
    mark: int | None = None  # the problem's number, for a highlighted span


def locate(answer: str, fault: Fault) -> tuple[int, int] | None:
    """Where the fault's quote is in the answer: at its offsets when they hold it, else its first occurrence."""
    if not fault.quote:
        return None
    if 0 <= fault.start < fault.end <= len(answer) and answer[fault.start:fault.end] == fault.quote:
        return fault.start, fault.end
    at = answer.find(fault.quote)
    return (at, at + len(fault.quote)) if at >= 0 else None


def pieces(answer: str, spans: list[tuple[int, int, int]]) -> list[Piece]:
    """Cut `answer` at the spans (start, end, number); a span overlapping an earlier one is left out."""
    out: list[Piece] = []
    at = 0
    for start, end, number in sorted(spans):
        if start < at:
            continue
        if start > at:
            out.append(Piece(text=answer[at:start]))
        out.append(Piece(text=answer[start:end], mark=number))
        at = end
    if at < len(answer):
        out.append(Piece(text=answer[at:]))
    return out

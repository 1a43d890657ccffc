"""What a submission looks like on a page, for the student and the teacher alike: the answer with its faulty spans
highlighted, points and feedback per criterion with the course section, what to fix, the improved version, and
the score that counts (the teacher's override, when there is one)."""

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.grading.handout import FLAGS
from aigc_cs.grading.models import Grade
from aigc_cs.grading.rubric import get_rubric
from aigc_cs.web.highlight import Piece, locate, pieces
from aigc_cs.web.models import PracticeAttempt, Submission

DEFAULT_SCALE = 100.0


class Problem(BaseModel):
    number: int
    quote: str
    message: str
    highlighted: bool


class Criterion(BaseModel):
    name: str
    points: float
    max_points: float
    feedback: str
    cites: str


class Feedback(BaseModel):
    status: str
    status_label: str
    answer: list[Piece]
    criteria: list[Criterion] = []
    problems: list[Problem] = []
    flags: list[str] = []
    improved: str | None = None
    total: float | None = None
    scale: float
    final: float | None = None
    override_reason: str | None = None


def full_marks(submission: Submission | PracticeAttempt) -> float:
    """The grade's scale, or the rubric's for a submission that was not graded (100 when the rubric is gone)."""
    if submission.scale:
        return submission.scale
    try:
        return get_rubric(submission.rubric).scale
    except UserError:
        return DEFAULT_SCALE


def feedback(submission: Submission | PracticeAttempt) -> Feedback:
    base = Feedback(status=submission.status, status_label=submission.status_label,
                    answer=[Piece(text=submission.answer)], total=submission.total, scale=full_marks(submission),
                    final=submission.final, override_reason=submission.override.reason if submission.override else None)
    if submission.result is None:
        return base
    grade = Grade.model_validate_json(submission.result)
    faults = [f for f in grade.faults if f.kind != "missing"]
    spans = [(*where, number) for number, fault in enumerate(faults, 1) if (where := locate(submission.answer, fault))]
    answer = pieces(submission.answer, spans)
    shown = {p.mark for p in answer}
    return base.model_copy(update={
        "answer": answer,
        "problems": [Problem(number=n, quote=f.quote, message=f.message, highlighted=n in shown)
                     for n, f in enumerate(faults, 1)],
        "criteria": [Criterion(name=c.name, points=c.points, max_points=c.max_points, feedback=c.feedback, cites=c.cites)
                     for c in grade.criteria],
        "flags": [FLAGS.get(flag, flag) for flag in grade.flags], "improved": grade.improved})

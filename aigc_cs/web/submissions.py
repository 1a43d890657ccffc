"""A student's answer: checked, committed, then graded. The row is in the database before the grader runs, so a
grader that fails (or a process that dies) loses nothing: the submission stays, marked for the teacher."""

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.inputs import MAX_TEXT_CHARS, too_long
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import Assignment, Question, Student, Submission, utcnow

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=1)


def check_answer(answer: str) -> None:
    """The answers the grader takes: not empty, and at most as long as `aigc-cs grade` allows."""
    if not answer.strip():
        raise UserError("答案是空的，请写好再提交")
    if len(answer) > MAX_TEXT_CHARS:
        raise too_long("答案", MAX_TEXT_CHARS, len(answer))


def wait_seconds(db: Session, student: Student, per_minute: int) -> int:
    """How long the student must wait before the next submission (0: now). Counted in the database, so it holds
    across server processes."""
    now = utcnow()
    recent = db.scalars(select(Submission.created_at).where(Submission.student_id == student.id,
                                                             Submission.created_at > now - WINDOW)
                        .order_by(Submission.created_at.desc()).limit(per_minute)).all()
    if len(recent) < per_minute:
        return 0
    return max(1, int((recent[-1] + WINDOW - now).total_seconds()) + 1)


def submit(db: Session, student: Student, question: Question, answer: str, grader: Grader) -> Submission:
    submission = Submission(student_id=student.id, question_id=question.id, answer=answer, status="pending")
    db.add(submission)
    db.commit()
    grade(db, submission, grader)
    return submission


def grade(db: Session, submission: Submission, grader: Grader) -> None:
    """Grade a stored submission and store the result; on failure mark it 待教师处理 with the reason."""
    question = submission.question
    job = (submission.answer, question.rubric, question.assignment.shop, question.grading_scenario)
    db.commit()  # ends the read: no database connection is held while the grader works or waits for its turn
    try:
        result = grader.grade(*job)
    except UserError as exc:
        submission.status, submission.error = "failed", exc.message
    except Exception as exc:
        log.exception("grading submission %s failed", submission.id)
        submission.status, submission.error = "failed", f"内部错误：{type(exc).__name__}"
    else:
        submission.status, submission.error = "graded", None
        submission.total, submission.scale, submission.result = result.total, result.scale, result.model_dump_json()
    submission.graded_at = utcnow()
    db.commit()


def latest(submissions: list[Submission]) -> dict[tuple[int, int], Submission]:
    """The latest submission of each (student, question): the one that counts."""
    return {(s.student_id, s.question_id): s for s in sorted(submissions, key=lambda s: s.id)}


def of_class(db: Session, classroom_id: int) -> list[Submission]:
    return list(db.scalars(select(Submission).join(Question).join(Assignment)
                           .where(Assignment.classroom_id == classroom_id).order_by(Submission.id)))

"""A student's answer: checked, committed, then graded. The row is in the database before the grader runs, so a
grader that fails (or a process that dies) loses nothing: the submission stays, marked for the teacher. Free-practice
attempts go the same way, and count towards the same submission limit."""

import logging
from datetime import timedelta
from typing import TypeVar

from fastapi import HTTPException
from sqlalchemy import select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from aigc_cs.errors import UserError
from aigc_cs.inputs import MAX_TEXT_CHARS, too_long
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import (
    Assignment,
    PracticeAttempt,
    Question,
    RolePlay,
    RolePlayReply,
    Submission,
    utcnow,
)

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=1)
Attempt = TypeVar("Attempt", Submission, PracticeAttempt)
Owned = TypeVar("Owned", Submission, PracticeAttempt, RolePlay)
Counted = Submission | PracticeAttempt | RolePlay | RolePlayReply


def check_answer(answer: str) -> None:
    """The answers the grader takes: not empty, and at most as long as `aigc-cs grade` allows."""
    if not answer.strip():
        raise UserError("答案是空的，请写好再提交")
    if len(answer) > MAX_TEXT_CHARS:
        raise too_long("答案", MAX_TEXT_CHARS, len(answer))


def wait_seconds(db: Session, student_id: int, per_minute: int,
                 tables: tuple[type[Counted], ...] = (Submission, PracticeAttempt)) -> int:
    """How long the student must wait before the next row of `tables` (0: now): answers by default. Counted in the
    database, so it holds across server processes."""
    now = utcnow()
    recent = union_all(*(select(table.created_at.label("at")).where(table.student_id == student_id,
                                                                    table.created_at > now - WINDOW)
                         for table in tables)).subquery()
    # one query for all the tables: the oldest of the student's latest `per_minute` rows, if there are that many
    oldest = db.scalars(select(recent.c.at).order_by(recent.c.at.desc()).offset(per_minute - 1).limit(1)).first()
    if oldest is None:
        return 0
    return max(1, int((oldest + WINDOW - now).total_seconds()) + 1)


def refusal(db: Session, student_id: int, answer: str, per_minute: int) -> tuple[str, int] | None:
    """Why this answer cannot be taken now, with the page's status code; None when it can."""
    try:
        check_answer(answer)
    except UserError as exc:
        return exc.message, 400
    wait = wait_seconds(db, student_id, per_minute)
    if wait:
        return f"提交得太快了：每分钟最多提交 {per_minute} 次，请 {wait} 秒后再提交（答案还在框里）", 429
    return None


def submit(db: Session, attempt: Attempt, grader: Grader) -> Attempt:
    """Keep a new submission (or practice attempt), then grade it."""
    db.add(attempt)
    db.commit()
    grade(db, attempt, grader)
    return attempt


def own(db: Session, table: type[Owned], row_id: int, student_id: int, *options: ORMOption) -> Owned:
    """A student's own submission, practice attempt or role-play (loaded with `options`, e.g. what its page shows);
    anybody else's is a 404, like one that does not exist."""
    found = db.get(table, row_id, options=options)
    if found is None or found.student_id != student_id:
        raise HTTPException(404)
    return found


def grade(db: Session, submission: Submission | PracticeAttempt, grader: Grader) -> None:
    """Grade a stored submission (or practice attempt) and store the result; on failure mark it 待教师处理 with
    the reason."""
    job = (submission.answer, submission.rubric, submission.shop, submission.grading_scenario)
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


def of_assignment(db: Session, assignment: Assignment) -> list[Submission]:
    return list(db.scalars(select(Submission).join(Question).where(Question.assignment_id == assignment.id)
                           .order_by(Submission.id)))

"""Student pages: the class's assignments, a question with its answer form, the feedback on an attempt, and the
history of every attempt. A student reaches only their own class and their own submissions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.web import submissions
from aigc_cs.web.auth import StudentViewer, check_csrf, require_student
from aigc_cs.web.deps import get_db, get_grader, get_settings
from aigc_cs.web.feedback import feedback
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import Assignment, Classroom, Question, Student, Submission
from aigc_cs.web.pages import redirect, render
from aigc_cs.web.settings import WebSettings

router = APIRouter(prefix="/student", dependencies=[Depends(require_student), Depends(check_csrf)])
Db = Annotated[Session, Depends(get_db)]


def _mine(db: Session, viewer: StudentViewer) -> list[Submission]:
    return list(db.scalars(select(Submission).where(Submission.student_id == viewer.id).order_by(Submission.id)))


def _question(db: Session, viewer: StudentViewer, question_id: int) -> Question:
    question = db.get(Question, question_id)
    if question is None or question.assignment.classroom_id != viewer.classroom_id:
        raise HTTPException(404)
    return question


@router.get("")
def home(request: Request, viewer: StudentViewer, db: Db) -> Response:
    classroom = db.get(Classroom, viewer.classroom_id)
    assignments = db.scalars(select(Assignment).where(Assignment.classroom_id == viewer.classroom_id)
                             .order_by(Assignment.id.desc())).all()
    counting = {question_id: s for (_, question_id), s in submissions.latest(_mine(db, viewer)).items()}
    return render(request, "student_home.html", classroom=classroom, assignments=assignments, latest=counting)


def _question_page(request: Request, db: Session, viewer: StudentViewer, question: Question, answer: str,
                   error: str | None = None, status_code: int = 200) -> Response:
    attempts = [s for s in _mine(db, viewer) if s.question_id == question.id]
    return render(request, "question.html", status_code=status_code, question=question, attempts=attempts,
                  answer=answer, error=error)


@router.get("/questions/{question_id}")
def question_page(request: Request, viewer: StudentViewer, db: Db, question_id: int) -> Response:
    question = _question(db, viewer, question_id)
    last = next((s.answer for s in reversed(_mine(db, viewer)) if s.question_id == question.id), "")
    return _question_page(request, db, viewer, question, last)


@router.post("/questions/{question_id}")
def answer(request: Request, viewer: StudentViewer, db: Db, grader: Annotated[Grader, Depends(get_grader)],
           settings: Annotated[WebSettings, Depends(get_settings)], question_id: int,
           text: Annotated[str, Form()] = "") -> Response:
    question = _question(db, viewer, question_id)
    student = db.get(Student, viewer.id)
    try:
        submissions.check_answer(text)
    except UserError as exc:
        return _question_page(request, db, viewer, question, text, exc.message, 400)
    wait = submissions.wait_seconds(db, student, settings.submit_per_minute)  # type: ignore[arg-type]
    if wait:
        return _question_page(request, db, viewer, question, text,
                              f"提交得太快了：每分钟最多提交 {settings.submit_per_minute} 次，请 {wait} 秒后再提交（答案还在框里）", 429)
    submission = submissions.submit(db, student, question, text, grader)  # type: ignore[arg-type]
    return redirect(f"/student/submissions/{submission.id}")


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, viewer: StudentViewer, db: Db, submission_id: int) -> Response:
    submission = db.get(Submission, submission_id)
    if submission is None or submission.student_id != viewer.id:
        raise HTTPException(404)
    return render(request, "submission.html", submission=submission, question=submission.question,
                  fb=feedback(submission))


@router.get("/history")
def history(request: Request, viewer: StudentViewer, db: Db) -> Response:
    return render(request, "history.html", attempts=list(reversed(_mine(db, viewer))))

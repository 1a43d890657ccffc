"""Student pages: the class's assignments, a question with its answer form, the feedback on an attempt, and the
history of every attempt with the progress charts (free practice is in ``practice``). A student reaches only their
own class and their own submissions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from aigc_cs.web import submissions
from aigc_cs.web.auth import StudentViewer, check_csrf, require_student
from aigc_cs.web.charts import progress
from aigc_cs.web.deps import get_db, get_grader, get_settings
from aigc_cs.web.feedback import feedback
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import Assignment, Classroom, PracticeAttempt, Question, Submission
from aigc_cs.web.pages import redirect, render
from aigc_cs.web.settings import WebSettings

router = APIRouter(prefix="/student", dependencies=[Depends(require_student), Depends(check_csrf)])
Db = Annotated[Session, Depends(get_db)]


def _mine(db: Session, viewer: StudentViewer, question: Question | None = None) -> list[Submission]:
    """The student's submissions, oldest first: all of them, or those to one question."""
    query = select(Submission).where(Submission.student_id == viewer.id)
    if question is not None:
        query = query.where(Submission.question_id == question.id)
    return list(db.scalars(query.order_by(Submission.id)))


def _question(db: Session, viewer: StudentViewer, question_id: int) -> Question:
    question = db.get(Question, question_id, options=[joinedload(Question.assignment)])  # one query for both
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


def _question_page(request: Request, db: Session, viewer: StudentViewer, question: Question, answer: str | None,
                   error: str | None = None, status_code: int = 200) -> Response:
    """The question with its answer form; `answer` None: the box holds the student's last answer, if any."""
    attempts = _mine(db, viewer, question)
    if answer is None:
        answer = attempts[-1].answer if attempts else ""
    return render(request, "question.html", status_code=status_code, question=question, attempts=attempts,
                  answer=answer, error=error)


@router.get("/questions/{question_id}")
def question_page(request: Request, viewer: StudentViewer, db: Db, question_id: int) -> Response:
    return _question_page(request, db, viewer, _question(db, viewer, question_id), None)


@router.post("/questions/{question_id}")
def answer(request: Request, viewer: StudentViewer, db: Db, grader: Annotated[Grader, Depends(get_grader)],
           settings: Annotated[WebSettings, Depends(get_settings)], question_id: int,
           text: Annotated[str, Form()] = "") -> Response:
    question = _question(db, viewer, question_id)
    refused = submissions.refusal(db, viewer.id, text, settings.submit_per_minute)
    if refused:
        return _question_page(request, db, viewer, question, text, *refused)
    submission = submissions.submit(db, Submission(student_id=viewer.id, question_id=question.id, answer=text,
                                                   status="pending"), grader)
    return redirect(f"/student/submissions/{submission.id}")


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, viewer: StudentViewer, db: Db, submission_id: int) -> Response:
    submission = submissions.own(db, Submission, submission_id, viewer.id,
                                 joinedload(Submission.question).joinedload(Question.assignment))
    return render(request, "submission.html", submission=submission, question=submission.question,
                  fb=feedback(submission))


@router.get("/history")
def history(request: Request, viewer: StudentViewer, db: Db) -> Response:
    mine = _mine(db, viewer)
    practice = list(db.scalars(select(PracticeAttempt).where(PracticeAttempt.student_id == viewer.id)
                               .order_by(PracticeAttempt.id.desc())))
    return render(request, "history.html", attempts=list(reversed(mine)), practice=practice,
                  charts=progress([*mine, *practice]))

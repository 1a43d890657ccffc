"""Free practice: a student picks a shop and a task (reply, apology, rewrite), then an exercise of the set the
exercise generator writes for them, answers it and gets the same feedback as in an assignment. Attempts are kept
(committed before grading) and count towards the submission limit; only the student sees them."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.tasks.exercise import Exercise, ExerciseOutput
from aigc_cs.web import submissions
from aigc_cs.web.auth import StudentViewer, check_csrf, require_student
from aigc_cs.web.deps import get_db, get_grader, get_settings
from aigc_cs.web.feedback import feedback
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import PracticeAttempt
from aigc_cs.web.pages import redirect, render
from aigc_cs.web.settings import WebSettings

router = APIRouter(prefix="/student/practice", dependencies=[Depends(require_student), Depends(check_csrf)])
Db = Annotated[Session, Depends(get_db)]
GraderDep = Annotated[Grader, Depends(get_grader)]
KINDS = ("reply", "apology", "rewrite")
RECENT = 10


def _set(grader: Grader, shop: str, kind: str) -> ExerciseOutput:
    if kind not in KINDS:
        raise UserError(f"自由练习的任务只能是 {' / '.join(KINDS)}")
    return grader.practice_set(shop, kind)


def _exercise(grader: Grader, shop: str, kind: str, no: int) -> Exercise:
    try:
        found = next((e for e in _set(grader, shop, kind).exercises if e.no == no), None)
    except UserError:
        found = None
    if found is None:
        raise HTTPException(404, "没有这道练习题，请回到“自由练习”重新选择")
    return found


@router.get("")
def choose(request: Request, viewer: StudentViewer, db: Db, grader: GraderDep, shop: str = "",
           kind: str = "reply") -> Response:
    chosen, error = None, None
    if shop:
        try:
            chosen = _set(grader, shop, kind)
        except UserError as exc:
            error = exc.message
    recent = db.scalars(select(PracticeAttempt).where(PracticeAttempt.student_id == viewer.id)
                        .order_by(PracticeAttempt.id.desc()).limit(RECENT)).all()
    return render(request, "practice.html", status_code=400 if error else 200, shops=grader.shops(),
                  kinds=KINDS, shop=shop, kind=kind, chosen=chosen, recent=recent, error=error)


def _exercise_page(request: Request, shop: str, kind: str, exercise: Exercise, answer: str = "",
                   error: str | None = None, status_code: int = 200) -> Response:
    return render(request, "practice_question.html", status_code=status_code, shop=shop, kind=kind,
                  question=exercise, answer=answer, error=error)


@router.get("/{shop}/{kind}/{no}")
def exercise_page(request: Request, viewer: StudentViewer, grader: GraderDep, shop: str, kind: str,
                  no: int) -> Response:
    return _exercise_page(request, shop, kind, _exercise(grader, shop, kind, no))


@router.post("/{shop}/{kind}/{no}")
def answer(request: Request, viewer: StudentViewer, db: Db, grader: GraderDep,
           settings: Annotated[WebSettings, Depends(get_settings)], shop: str, kind: str, no: int,
           text: Annotated[str, Form()] = "") -> Response:
    exercise = _exercise(grader, shop, kind, no)
    refused = submissions.refusal(db, viewer.id, text, settings.submit_per_minute)
    if refused:
        return _exercise_page(request, shop, kind, exercise, text, *refused)
    attempt = submissions.submit(db, PracticeAttempt(
        student_id=viewer.id, shop=shop, kind=kind, exercise_no=no, title=exercise.title, scenario=exercise.scenario,
        customer=exercise.customer, task=exercise.task, rubric=exercise.rubric, answer=text, status="pending"), grader)
    return redirect(f"/student/practice/attempts/{attempt.id}")


@router.get("/attempts/{attempt_id}")
def attempt_page(request: Request, viewer: StudentViewer, db: Db, attempt_id: int) -> Response:
    attempt = submissions.own(db, PracticeAttempt, attempt_id, viewer.id)
    return render(request, "practice_attempt.html", attempt=attempt, fb=feedback(attempt))

"""Teacher pages: classes (with the students' role-play sessions), publishing an assignment, the submissions of an
assignment, one submission with its override form, regrading, resetting a student's password, and the class's xlsx.
Every route here checks the teacher role (router dependency), and a teacher reaches only their own classes."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.web import classes, export, owned, roleplays, submissions
from aigc_cs.web.accounts import reset_student_password
from aigc_cs.web.auth import TeacherViewer, check_csrf, require_teacher
from aigc_cs.web.deps import get_db, get_grader
from aigc_cs.web.feedback import feedback, full_marks
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import Classroom, Override, Submission
from aigc_cs.web.pages import redirect, render

router = APIRouter(prefix="/teacher", dependencies=[Depends(require_teacher), Depends(check_csrf)])
Db = Annotated[Session, Depends(get_db)]
GraderDep = Annotated[Grader, Depends(get_grader)]
MAX_REASON = 500


@router.get("")
def home(request: Request, viewer: TeacherViewer, db: Db) -> Response:
    mine = db.scalars(select(Classroom).where(Classroom.teacher_id == viewer.id).order_by(Classroom.id.desc())).all()
    return render(request, "teacher_home.html", classrooms=mine, error=None)


@router.post("/classes")
def create_class(request: Request, viewer: TeacherViewer, db: Db, name: Annotated[str, Form()] = "") -> Response:
    classroom = classes.create_classroom(db, viewer.id, name)
    return redirect(f"/teacher/classes/{classroom.id}")


def _class_page(request: Request, db: Session, classroom: Classroom, grader: Grader, error: str | None = None,
                status_code: int = 200) -> Response:
    return render(request, "class.html", status_code=status_code, classroom=classroom, shops=grader.shops(),
                  max_questions=classes.MAX_QUESTIONS, roleplays=roleplays.of_class(db, classroom.id), error=error)


@router.get("/classes/{classroom_id}")
def class_page(request: Request, viewer: TeacherViewer, db: Db, grader: GraderDep, classroom_id: int) -> Response:
    return _class_page(request, db, owned.classroom(db, viewer, classroom_id), grader)


@router.post("/classes/{classroom_id}/assignments")
def publish(request: Request, viewer: TeacherViewer, db: Db, grader: GraderDep, classroom_id: int,
            title: Annotated[str, Form()] = "", shop: Annotated[str, Form()] = "",
            kind: Annotated[str, Form()] = "reply", n: Annotated[int, Form()] = 3) -> Response:
    classroom = owned.classroom(db, viewer, classroom_id)
    try:
        assignment = classes.publish(db, classroom, title, shop, kind, n, grader)
    except UserError as exc:
        return _class_page(request, db, classroom, grader, exc.message, 400)
    return redirect(f"/teacher/assignments/{assignment.id}")


@router.get("/classes/{classroom_id}/export.xlsx")
def export_xlsx(viewer: TeacherViewer, db: Db, classroom_id: int) -> Response:
    classroom = owned.classroom(db, viewer, classroom_id)
    return export.download(export.class_document(classroom, submissions.of_class(db, classroom.id)), ".xlsx",
                           f"{classroom.name}-成绩")


@router.post("/students/{student_id}/reset-password")
def reset_password(viewer: TeacherViewer, db: Db, student_id: int) -> Response:
    student = owned.student(db, viewer, student_id)
    reset_student_password(db, student)
    return redirect(f"/teacher/classes/{student.classroom_id}")


@router.get("/assignments/{assignment_id}")
def assignment_page(request: Request, viewer: TeacherViewer, db: Db, assignment_id: int) -> Response:
    assignment = owned.assignment(db, viewer, assignment_id)
    every = submissions.of_assignment(db, assignment)
    return render(request, "assignment.html", assignment=assignment, classroom=assignment.classroom,
                  latest=submissions.latest(every), submissions=list(reversed(every)))


def _submission_page(request: Request, submission: Submission, error: str | None = None,
                     status_code: int = 200) -> Response:
    return render(request, "teacher_submission.html", status_code=status_code, submission=submission,
                  question=submission.question, fb=feedback(submission), error=error)


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, viewer: TeacherViewer, db: Db, submission_id: int) -> Response:
    return _submission_page(request, owned.submission(db, viewer, submission_id))


@router.post("/submissions/{submission_id}/override")
def override(request: Request, viewer: TeacherViewer, db: Db, submission_id: int,
             score: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    submission = owned.submission(db, viewer, submission_id)
    scale = full_marks(submission)
    try:
        value = float(score)
    except ValueError:
        value = -1.0
    if not 0 <= value <= scale:
        return _submission_page(request, submission, f"分数要在 0 到 {scale:g} 之间", 400)
    if not reason.strip() or len(reason) > MAX_REASON:
        return _submission_page(request, submission, f"请写明改分原因（最多 {MAX_REASON} 字），学生会看到它", 400)
    db.add(Override(submission_id=submission.id, teacher_id=viewer.id, score=value, reason=reason.strip()))
    db.commit()
    return redirect(f"/teacher/submissions/{submission.id}")


@router.post("/submissions/{submission_id}/regrade")
def regrade(viewer: TeacherViewer, db: Db, grader: GraderDep, submission_id: int) -> Response:
    submission = owned.submission(db, viewer, submission_id)
    submissions.grade(db, submission, grader)
    return redirect(f"/teacher/submissions/{submission.id}")

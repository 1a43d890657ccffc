"""Teacher pages that read a class's results: the class report (what the xlsx holds, on a page), the feedback slips
of an assignment (a printable page, and a student's slip as Word), and a student's role-play session (the chat with
every verdict, the summary, the transcript as Word or Markdown). Every route checks the teacher role."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from aigc_cs.web import export, owned, roleplay_view, submissions
from aigc_cs.web.auth import TeacherViewer, check_csrf, require_teacher
from aigc_cs.web.deps import get_db, get_grader
from aigc_cs.web.grader import Grader
from aigc_cs.web.pages import render
from aigc_cs.web.report import class_report
from aigc_cs.web.slips import slip, slip_document

router = APIRouter(prefix="/teacher", dependencies=[Depends(require_teacher), Depends(check_csrf)])
Db = Annotated[Session, Depends(get_db)]
GraderDep = Annotated[Grader, Depends(get_grader)]


@router.get("/classes/{classroom_id}/report")
def report_page(request: Request, viewer: TeacherViewer, db: Db, classroom_id: int) -> Response:
    classroom = owned.classroom(db, viewer, classroom_id)
    return render(request, "report.html", classroom=classroom,
                  reports=class_report(classroom, submissions.of_class(db, classroom.id)))


@router.get("/assignments/{assignment_id}/slips")
def slips_page(request: Request, viewer: TeacherViewer, db: Db, assignment_id: int) -> Response:
    assignment = owned.assignment(db, viewer, assignment_id)
    counting = submissions.latest(submissions.of_assignment(db, assignment))
    return render(request, "slips.html", assignment=assignment, classroom=assignment.classroom,
                  slips=[slip(assignment, st, counting) for st in assignment.classroom.students])


@router.get("/assignments/{assignment_id}/slips/{student_id}.docx")
def slip_docx(viewer: TeacherViewer, db: Db, assignment_id: int, student_id: int) -> Response:
    assignment, student = owned.assignment(db, viewer, assignment_id), owned.student(db, viewer, student_id)
    if student.classroom_id != assignment.classroom_id:
        raise HTTPException(404)
    found = slip(assignment, student, submissions.latest(submissions.of_assignment(db, assignment)))
    return export.download(slip_document(assignment, found), ".docx", f"反馈单-{student.number}-{student.name}")


@router.get("/roleplays/{roleplay_id}")
def roleplay_page(request: Request, viewer: TeacherViewer, db: Db, grader: GraderDep, roleplay_id: int) -> Response:
    return roleplay_view.page(request, db, grader, owned.roleplay(db, viewer, roleplay_id),
                              f"/teacher/roleplays/{roleplay_id}", teacher=True)


@router.get("/roleplays/{roleplay_id}/transcript.{fmt}")
def roleplay_transcript(viewer: TeacherViewer, db: Db, grader: GraderDep, roleplay_id: int, fmt: str) -> Response:
    return roleplay_view.transcript(db, grader, owned.roleplay(db, viewer, roleplay_id), fmt)

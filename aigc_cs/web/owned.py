"""What a teacher may open: their own classes, and the assignments, students, submissions and role-play sessions in
them. Anything else is a 404, the same as a page that does not exist."""

from fastapi import HTTPException
from sqlalchemy.orm import Session

from aigc_cs.web.auth import Viewer
from aigc_cs.web.models import Assignment, Classroom, RolePlay, Student, Submission


def classroom(db: Session, viewer: Viewer, classroom_id: int) -> Classroom:
    found = db.get(Classroom, classroom_id)
    if found is None or found.teacher_id != viewer.id:
        raise HTTPException(404)
    return found


def assignment(db: Session, viewer: Viewer, assignment_id: int) -> Assignment:
    found = db.get(Assignment, assignment_id)
    if found is None or found.classroom.teacher_id != viewer.id:
        raise HTTPException(404)
    return found


def student(db: Session, viewer: Viewer, student_id: int) -> Student:
    found = db.get(Student, student_id)
    if found is None or found.classroom.teacher_id != viewer.id:
        raise HTTPException(404)
    return found


def submission(db: Session, viewer: Viewer, submission_id: int) -> Submission:
    found = db.get(Submission, submission_id)
    if found is None or found.question.assignment.classroom.teacher_id != viewer.id:
        raise HTTPException(404)
    return found


def roleplay(db: Session, viewer: Viewer, roleplay_id: int) -> RolePlay:
    found = db.get(RolePlay, roleplay_id)
    if found is None or found.student.classroom.teacher_id != viewer.id:
        raise HTTPException(404)
    return found

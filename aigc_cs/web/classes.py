"""Classes and assignments: a class gets a random code to join with; an assignment is an exercise set written by
the `exercise` task, its questions copied into the database."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.tasks.exercise import TYPE_NAMES
from aigc_cs.web.accounts import clean_name
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import Assignment, Classroom, Question

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on a phone
CODE_LENGTH = 6
MAX_QUESTIONS = 10


def new_code(db: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.scalar(select(Classroom.id).where(Classroom.code == code)) is None:
            return code


def create_classroom(db: Session, teacher_id: int, name: str, code: str | None = None) -> Classroom:
    classroom = Classroom(name=clean_name(name, "班级名称", 100), code=code or new_code(db), teacher_id=teacher_id)
    db.add(classroom)
    db.commit()
    return classroom


def publish(db: Session, classroom: Classroom, title: str, shop: str, kind: str, n: int, grader: Grader) -> Assignment:
    """Write an exercise set for the class and store it as an assignment, one question per exercise."""
    if kind not in TYPE_NAMES:
        raise UserError(f"题型“{kind}”不可用，只能是 {' / '.join(TYPE_NAMES)}")
    if not 1 <= n <= MAX_QUESTIONS:
        raise UserError(f"题数要在 1 到 {MAX_QUESTIONS} 之间")
    exercises = grader.exercises(shop, kind, n)
    if not exercises.exercises:
        raise UserError(f"店铺 {shop} 出不了{TYPE_NAMES[kind]}练习，请换一个店铺或题型")
    assignment = Assignment(classroom_id=classroom.id, shop=exercises.shop, kind=kind,
                            title=clean_name(title, "作业标题", 200) if title.strip() else exercises.title())
    assignment.questions = [Question(no=e.no, title=e.title, scenario=e.scenario, persona=e.persona, customer=e.customer,
                                     task=e.task, rubric=e.rubric, reference=e.reference) for e in exercises.exercises]
    db.add(assignment)
    db.commit()
    return assignment

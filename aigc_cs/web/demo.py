"""The demo class (`aigc-cs serve --demo`): a teacher, a class with a known code and one assignment on
demo-fashion, so that right after `make demo` a teacher and a student can try the web app."""

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from aigc_cs.web.accounts import set_teacher_password
from aigc_cs.web.classes import create_classroom, publish
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import Classroom, Teacher

TEACHER = "demo"
PASSWORD = "demo-teacher"
CODE = "DEMO26"
CLASS_NAME = "示例班级"
SHOP = "demo-fashion"


class Demo(BaseModel):
    teacher: str
    password: str | None  # None: the teacher already existed and keeps their password
    code: str


def seed(db: Session, grader: Grader, password: str | None = None) -> Demo:
    """Make whatever of the demo is missing; running it again changes nothing."""
    teacher = db.scalar(select(Teacher).where(Teacher.name == TEACHER))
    new_password = None
    if teacher is None:
        new_password = password or PASSWORD
        set_teacher_password(db, TEACHER, new_password)
        teacher = db.scalar(select(Teacher).where(Teacher.name == TEACHER))
    classroom = db.scalar(select(Classroom).where(Classroom.code == CODE))
    if classroom is None:
        classroom = create_classroom(db, teacher.id, CLASS_NAME, code=CODE)  # type: ignore[union-attr]
    if not classroom.assignments:
        publish(db, classroom, "示例作业：衣见倾心女装 顾客咨询回复", SHOP, "reply", 3, grader)
    return Demo(teacher=TEACHER, password=new_password, code=CODE)

"""Teacher and student accounts: a teacher's password is set from the command line; a student joins a class with
its code, their 学号 and name, sets a password then, and signs in with code, 学号 and password afterwards."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.web.models import Classroom, Student, Teacher
from aigc_cs.web.security import (
    STUDENT_MIN_PASSWORD,
    TEACHER_MIN_PASSWORD,
    check_new_password,
    hash_password,
    verify_password,
)

NUMBER = re.compile(r"[A-Za-z0-9_-]{1,32}")
WRONG_LOGIN = "班级码、学号或密码不对，请检查后重试；忘记密码请找老师重置"


def clean_name(value: str, what: str, longest: int) -> str:
    name = " ".join(value.split())
    if not name:
        raise UserError(f"请填写{what}")
    if len(name) > longest:
        raise UserError(f"{what}太长（最多 {longest} 个字）")
    return name


def set_teacher_password(db: Session, name: str, password: str) -> bool:
    """Create the teacher, or give them a new password; True when the teacher is new."""
    name = clean_name(name, "教师名", 64)
    check_new_password(password, None, TEACHER_MIN_PASSWORD)
    teacher = db.scalar(select(Teacher).where(Teacher.name == name))
    created = teacher is None
    if teacher is None:
        teacher = Teacher(name=name, password_hash="")
        db.add(teacher)
    teacher.password_hash = hash_password(password)
    db.commit()
    return created


def teacher_login(db: Session, name: str, password: str) -> Teacher:
    teacher = db.scalar(select(Teacher).where(Teacher.name == " ".join(name.split())))
    if not verify_password(teacher.password_hash if teacher else None, password):
        raise UserError("教师名或密码不对；密码用 aigc-cs serve --create-teacher 教师名 设置")
    return teacher  # type: ignore[return-value]


def classroom_by_code(db: Session, code: str) -> Classroom:
    classroom = db.scalar(select(Classroom).where(Classroom.code == code.strip().upper()))
    if classroom is None:
        raise UserError("没有这个班级码，请向老师确认（不区分大小写）")
    return classroom


def _student(db: Session, classroom: Classroom, number: str) -> Student | None:
    return db.scalar(select(Student).where(Student.classroom_id == classroom.id, Student.number == number.strip()))


def join(db: Session, code: str, number: str, name: str, password: str, confirm: str) -> Student:
    """A new student of the class, or one whose password the teacher reset, sets a password and is signed up."""
    classroom = classroom_by_code(db, code)
    number = number.strip()
    if not NUMBER.fullmatch(number):
        raise UserError("学号只能是字母、数字、- 或 _，最多 32 位")
    name = clean_name(name, "姓名", 64)
    check_new_password(password, confirm, STUDENT_MIN_PASSWORD)
    student = _student(db, classroom, number)
    if student is None:
        student = Student(classroom_id=classroom.id, number=number, name=name)
        db.add(student)
    elif student.password_hash:
        raise UserError("这个学号已经加入班级了，请直接登录；忘记密码请找老师重置")
    elif student.name != name:
        raise UserError("姓名和班级名单上这个学号的姓名不一致，请检查，或找老师确认")
    student.password_hash = hash_password(password)
    db.commit()
    return student


def student_login(db: Session, code: str, number: str, password: str) -> Student:
    try:
        student = _student(db, classroom_by_code(db, code), number)
    except UserError:
        student = None
    if student is not None and not student.password_hash:
        raise UserError("这个学号还没有设置密码：请在“加入班级”页面填写班级码、学号、姓名并设置密码")
    if not verify_password(student.password_hash if student else None, password):
        raise UserError(WRONG_LOGIN)
    return student  # type: ignore[return-value]


def reset_student_password(db: Session, student: Student) -> None:
    """The student sets a new password on their next join; their open sessions end now."""
    student.password_hash = None
    db.commit()

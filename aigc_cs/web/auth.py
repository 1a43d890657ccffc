"""Who is asking: the signed session cookie names a teacher or a student; teacher and student routes check the
role, and every form POST carries the session's CSRF token."""

from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy import bindparam, null, select
from sqlalchemy.orm import Session

from aigc_cs.web.deps import get_db
from aigc_cs.web.models import Student, Teacher
from aigc_cs.web.security import new_token, same_token, stamp

Role = Literal["teacher", "student"]
LOGIN_PAGES: dict[Role, str] = {"teacher": "/login/teacher", "student": "/login"}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Viewer(BaseModel):
    id: int
    role: Role
    name: str
    classroom_id: int | None = None  # a student's class


class LoginRequired(Exception):
    """Nobody is signed in: the page sends them to the login page of `role`."""

    def __init__(self, role: Role) -> None:
        super().__init__(role)
        self.role = role


def sign_in(request: Request, user: Teacher | Student) -> None:
    """A fresh session (a new CSRF token too) for `user`."""
    request.session.clear()
    request.session.update(role="teacher" if isinstance(user, Teacher) else "student", uid=user.id,
                           stamp=stamp(user.password_hash), csrf=new_token())


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token for a form, made on first need (also for the login forms of visitors)."""
    if "csrf" not in request.session:
        request.session["csrf"] = new_token()
    return request.session["csrf"]


async def check_csrf(request: Request) -> None:
    """Every request that changes something must carry the session's token in its form."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    if not same_token(form.get("csrf_token"), request.session.get("csrf")):  # type: ignore[arg-type]
        raise HTTPException(403, "表单已过期或来源不对，请刷新页面后重新提交")


# what every request reads of the signed-in account: only these columns, no ORM object (this runs on every page)
ACCOUNTS = {"teacher": select(Teacher.password_hash, Teacher.name, null().label("classroom_id"))
            .where(Teacher.id == bindparam("uid")),
            "student": select(Student.password_hash, Student.name, Student.classroom_id)
            .where(Student.id == bindparam("uid"))}


def load_viewer(request: Request, db: Annotated[Session, Depends(get_db)]) -> Viewer | None:
    """The signed-in user, or None; a session whose user is gone or whose password changed is dropped."""
    role, uid = request.session.get("role"), request.session.get("uid")
    account = db.execute(ACCOUNTS[role], {"uid": uid}).first() if role in ACCOUNTS and uid else None
    if account is None or not same_token(request.session.get("stamp"), stamp(account.password_hash)):
        if role:
            sign_out(request)
        viewer = None
    else:
        viewer = Viewer(id=uid, role=role, name=account.name, classroom_id=account.classroom_id)
    request.state.viewer = viewer
    return viewer


def _require(role: Role):
    async def dependency(viewer: Annotated[Viewer | None, Depends(load_viewer)]) -> Viewer:  # no I/O: in the loop
        if viewer is None:
            raise LoginRequired(role)
        if viewer.role != role:
            raise HTTPException(403, "这是教师页面，学生账号不能打开" if role == "teacher" else "这是学生页面，请用学生账号登录")
        return viewer

    return dependency


require_teacher = _require("teacher")
require_student = _require("student")
TeacherViewer = Annotated[Viewer, Depends(require_teacher)]
StudentViewer = Annotated[Viewer, Depends(require_student)]

"""Pages for everyone: the start page, signing in (student or teacher, under the limit on failed sign-ins),
joining a class, signing out."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.web import accounts, logins
from aigc_cs.web.auth import Viewer, check_csrf, load_viewer, sign_in, sign_out
from aigc_cs.web.deps import get_db
from aigc_cs.web.pages import redirect, render

router = APIRouter(dependencies=[Depends(check_csrf)])
Db = Annotated[Session, Depends(get_db)]
Field = Annotated[str, Form()]
HOMES = {"teacher": "/teacher", "student": "/student"}


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _status(exc: UserError) -> int:
    return 429 if isinstance(exc, logins.TooManyFailures) else 400


@router.get("/")
def start(request: Request, viewer: Annotated[Viewer | None, Depends(load_viewer)]) -> Response:
    if viewer is not None:
        return redirect(HOMES[viewer.role])
    return render(request, "start.html")


@router.get("/login")
def student_login_page(request: Request) -> Response:
    return render(request, "login.html", error=None, code="", number="")


@router.post("/login")
def student_login(request: Request, db: Db, code: Field = "", number: Field = "", password: Field = "") -> Response:
    try:
        student = logins.attempt(db, logins.student_account(code, number), _address(request),
                                 lambda: accounts.student_login(db, code, number, password))
    except UserError as exc:
        return render(request, "login.html", status_code=_status(exc), error=exc.message, code=code, number=number)
    sign_in(request, student)
    return redirect("/student")


@router.get("/join")
def join_page(request: Request) -> Response:
    return render(request, "join.html", error=None, code="", number="", name="")


@router.post("/join")
def join(request: Request, db: Db, code: Field = "", number: Field = "", name: Field = "", password: Field = "",
         confirm: Field = "") -> Response:
    try:
        student = accounts.join(db, code, number, name, password, confirm)
    except UserError as exc:
        return render(request, "join.html", status_code=400, error=exc.message, code=code, number=number, name=name)
    sign_in(request, student)
    return redirect("/student")


@router.get("/login/teacher")
def teacher_login_page(request: Request) -> Response:
    return render(request, "teacher_login.html", error=None, name="")


@router.post("/login/teacher")
def teacher_login(request: Request, db: Db, name: Field = "", password: Field = "") -> Response:
    try:
        teacher = logins.attempt(db, logins.teacher_account(name), _address(request),
                                 lambda: accounts.teacher_login(db, name, password))
    except UserError as exc:
        return render(request, "teacher_login.html", status_code=_status(exc), error=exc.message, name=name)
    sign_in(request, teacher)
    return redirect("/teacher")


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    return redirect("/")

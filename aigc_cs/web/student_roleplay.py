"""Role-play pages of a student: pick a shop, a customer (a persona) and exam mode; chat, one form post per reply
(the page's small script posts it without a reload); end it and read the summary, download the transcript. A student
reaches only their own sessions; every post carries the CSRF token, and replies count towards a per-minute limit."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from aigc_cs.errors import UserError
from aigc_cs.web import roleplay_view, roleplays, submissions
from aigc_cs.web.auth import StudentViewer, check_csrf, require_student
from aigc_cs.web.deps import get_db, get_grader, get_settings
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import RolePlay
from aigc_cs.web.pages import redirect, render
from aigc_cs.web.settings import WebSettings

PREFIX = "/student/roleplay"
router = APIRouter(prefix=PREFIX, dependencies=[Depends(require_student), Depends(check_csrf)])
Db = Annotated[Session, Depends(get_db)]
GraderDep = Annotated[Grader, Depends(get_grader)]
SettingsDep = Annotated[WebSettings, Depends(get_settings)]


def _choose_page(request: Request, db: Session, grader: Grader, viewer: StudentViewer, shop: str,
                 error: str | None = None, status_code: int = 200) -> Response:
    offered = roleplays.shops(grader)
    if shop not in offered:
        if shop and error is None:
            error, status_code = f"店铺“{shop}”没有角色扮演用的顾客，请换一个店铺", 400
        shop = next(iter(offered), "")
    return render(request, "roleplay_start.html", status_code=status_code, shops=offered, shop=shop,
                  personas=offered.get(shop, []), mine=roleplays.of_student(db, viewer.id), error=error)


@router.get("")
def choose(request: Request, viewer: StudentViewer, db: Db, grader: GraderDep, shop: str = "") -> Response:
    return _choose_page(request, db, grader, viewer, shop)


@router.post("")
def start(request: Request, viewer: StudentViewer, db: Db, grader: GraderDep, settings: SettingsDep,
          shop: Annotated[str, Form()] = "", persona: Annotated[str, Form()] = "",
          exam: Annotated[bool, Form()] = False) -> Response:
    try:
        roleplay = roleplays.start(db, grader, viewer.id, shop, persona or None, exam, settings.chat_per_minute)
    except UserError as exc:  # no such persona, or too many starts: one line, on the page they came from
        status = exc.status_code if isinstance(exc, roleplays.Refused) else 400
        return _choose_page(request, db, grader, viewer, shop, exc.message, status)
    return redirect(f"{PREFIX}/{roleplay.id}")


def _mine(db: Session, viewer: StudentViewer, roleplay_id: int) -> RolePlay:
    return submissions.own(db, RolePlay, roleplay_id, viewer.id)


@router.get("/{roleplay_id}")
def chat(request: Request, viewer: StudentViewer, db: Db, grader: GraderDep, roleplay_id: int) -> Response:
    return roleplay_view.page(request, db, grader, _mine(db, viewer, roleplay_id), f"{PREFIX}/{roleplay_id}")


@router.post("/{roleplay_id}")
def reply(request: Request, viewer: StudentViewer, db: Db, grader: GraderDep, settings: SettingsDep,
          roleplay_id: int, text: Annotated[str, Form()] = "", version: Annotated[int, Form()] = 0) -> Response:
    roleplay = _mine(db, viewer, roleplay_id)
    try:
        roleplays.reply(db, grader, roleplay, text, version, settings.chat_per_minute)
    except roleplays.Refused as exc:
        return roleplay_view.page(request, db, grader, roleplay, f"{PREFIX}/{roleplay_id}", text=text,
                                  error=exc.message, status_code=exc.status_code)
    return redirect(f"{PREFIX}/{roleplay_id}#reply")


@router.post("/{roleplay_id}/end")
def end(request: Request, viewer: StudentViewer, db: Db, grader: GraderDep, roleplay_id: int) -> Response:
    roleplay = _mine(db, viewer, roleplay_id)
    try:
        roleplays.end(db, roleplay)
    except roleplays.Refused as exc:
        return roleplay_view.page(request, db, grader, roleplay, f"{PREFIX}/{roleplay_id}", error=exc.message,
                                  status_code=exc.status_code)
    return redirect(f"{PREFIX}/{roleplay_id}")


@router.get("/{roleplay_id}/transcript.{fmt}")
def transcript(viewer: StudentViewer, db: Db, grader: GraderDep, roleplay_id: int, fmt: str) -> Response:
    return roleplay_view.transcript(db, grader, _mine(db, viewer, roleplay_id), fmt)

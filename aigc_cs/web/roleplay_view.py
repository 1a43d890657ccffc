"""A role-play session on a page, for the student who plays it and for their teacher: the customer, the chat (with the
judge's verdict and hints under each of the student's lines, except in exam mode while it runs), and once it is over
the summary of `aigc-cs practice` with the transcript to download as Word or Markdown (the toolkit's exporter)."""

from fastapi import HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from aigc_cs.practice.models import SessionState
from aigc_cs.web import export, roleplays
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import RolePlay
from aigc_cs.web.pages import local_time, render

FORMATS = {"docx": ".docx", "md": ".md"}


class Line(BaseModel):
    """One line of the chat as a page shows it."""

    role: str
    text: str
    note: str | None = None  # the customer's: why a model's line was replaced
    verdict: str | None = None  # the student's: the judge's verdict and hints, when they are shown
    hints: list[str] = []


def lines(state: SessionState, judged: bool) -> list[Line]:
    """The chat; with `judged`, each of the student's lines with the judge's verdict and hints."""
    from aigc_cs.practice.personas import judge_settings

    names = judge_settings().verdicts
    return [Line(role=t.role, text=t.text, note=t.note,
                 verdict=names[t.judgement.verdict] if judged and t.judgement else None,
                 hints=[h.message for h in t.judgement.hints] if judged and t.judgement else [])
            for t in state.turns]


def page(request: Request, db: Session, grader: Grader, roleplay: RolePlay, base: str, teacher: bool = False,
         text: str = "", error: str | None = None, status_code: int = 200) -> Response:
    """The session's page; `base` is its address (downloads are under it), `text` what is in the reply box."""
    from aigc_cs.practice.personas import judge_settings
    from aigc_cs.practice.summary import STATUS

    state = roleplays.state(roleplay)
    summary = roleplays.finished_summary(db, grader, roleplay) if roleplay.done else None
    return render(request, "roleplay.html", status_code=status_code, roleplay=roleplay, state=state,
                  persona=roleplays.persona(grader, roleplay), shop_name=grader.ctx.shop(roleplay.shop).info.name,
                  lines=lines(state, teacher or roleplay.done or not roleplay.exam), summary=summary,
                  step_status=STATUS, base=base, teacher=teacher, text=text, error=error,
                  max_chars=judge_settings().max_reply_chars)


def transcript(db: Session, grader: Grader, roleplay: RolePlay, fmt: str) -> Response:
    """The transcript and summary as a file, once the session is over."""
    if fmt not in FORMATS or not roleplay.done:
        raise HTTPException(404)
    summary = roleplays.finished_summary(db, grader, roleplay)
    name = f"角色扮演-{roleplay.student.number}-{roleplay.persona_name}-{local_time(roleplay.created_at)[:10]}"
    return export.download(summary.to_document(), FORMATS[fmt], name)

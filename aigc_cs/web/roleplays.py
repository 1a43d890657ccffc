"""Role-play practice in the browser, on the engine of `aigc-cs practice` (aigc_cs.practice.session): the tool plays a
customer of a shop's persona and the student types the agent's replies. Between requests the session lives in the
database (its `SessionState` as JSON), so any worker, after any restart, goes on with the same chat.

A reply is committed as typed before the engine reads it (`RolePlayReply`), then the new state is stored in one step
with the reply marked taken. Two replies to the same state (a second tab, a double post) cannot both be taken: the
form carries the version it answers, and the row's version is checked again when the state is written.

The customer a session starts with is kept with it (`RolePlay.persona_snapshot`): a teacher who uploads the shop again
without that customer, or with other products, ends nobody's practice. Only the engine's knowledge-base work (judging a
reply, choosing what the customer does) takes the grader's turn; the customer's line is said after it, so with a model
playing the customer its HTTP call holds up nobody else's grading."""

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from aigc_cs.errors import UserError
from aigc_cs.practice.models import Persona, PersonaSnapshot, SessionState
from aigc_cs.practice.summary import PracticeSummary
from aigc_cs.web.grader import Grader
from aigc_cs.web.models import RolePlay, RolePlayReply, Student, utcnow
from aigc_cs.web.submissions import wait_seconds

log = logging.getLogger(__name__)
MOVED_ON = "这段对话已经有了新的回复（可能在另一个页面发过，或点了两次发送）：请先看上面最新的对话，需要的话再发一次"


class Refused(UserError):
    """A reply or a start that is not taken, with the page's status code; what the student typed stays in the box."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


def shops(grader: Grader) -> dict[str, list[Persona]]:
    """The shops a student can role-play with: those in the index that have personas (in the corpus, or kept with an
    uploaded shop), with their personas."""
    from aigc_cs.practice.personas import offered

    found = {shop: offered(shop, grader.settings.home) for shop in grader.shops()}
    return {shop: personas for shop, personas in found.items() if personas}


def state(roleplay: RolePlay) -> SessionState:
    return SessionState.model_validate_json(roleplay.state)


def snapshot(roleplay: RolePlay) -> PersonaSnapshot | None:
    """The customer the session started with; None for a session from before they were kept."""
    return PersonaSnapshot.model_validate_json(roleplay.persona_snapshot) if roleplay.persona_snapshot else None


def persona(grader: Grader, roleplay: RolePlay) -> Persona:
    from aigc_cs.practice.personas import find_persona

    kept = snapshot(roleplay)
    if kept is not None:
        return kept.persona
    return find_persona(roleplay.shop, roleplay.persona, state(roleplay).seed, grader.settings.home)


def _check_rate(db: Session, student_id: int, per_minute: int) -> None:
    wait = wait_seconds(db, student_id, per_minute, (RolePlay, RolePlayReply))
    if wait:
        raise Refused(f"发得太快了：角色扮演每分钟最多发 {per_minute} 句，请 {wait} 秒后再发（你写的话还在框里）", 429)


def start(db: Session, grader: Grader, student_id: int, shop: str, persona_key: str | None, exam: bool,
          per_minute: int) -> RolePlay:
    """A new session with the persona `persona_key` of `shop` (its id or type; None: one drawn by the seed). The
    customer has said their first line."""
    from aigc_cs.practice.session import Session as Engine

    _check_rate(db, student_id, per_minute)
    with grader.context() as ctx:
        engine, opening = Engine.begin(shop, ctx, persona=persona_key, exam=exam)
    engine.say(opening)  # with a model: its HTTP call, while other jobs of this process run
    roleplay = RolePlay(student_id=student_id, shop=shop, persona=engine.persona.id, persona_name=engine.persona.name,
                        type_name=engine.persona.type_name, exam=exam, state=engine.state.model_dump_json(),
                        persona_snapshot=engine.snapshot().model_dump_json())
    db.add(roleplay)
    db.commit()
    return roleplay


def reply(db: Session, grader: Grader, roleplay: RolePlay, text: str, version: int, per_minute: int) -> None:
    """Take the student's reply to the state of `version`: keep it, let the engine judge it and the customer answer,
    and store the new state. `Refused` when it cannot be taken; it is still kept, with the reason."""
    from aigc_cs.practice.session import Session as Engine

    if roleplay.done:
        raise Refused("这次练习已经结束了，可以看下面的总结，或回到“角色扮演”重新开始", 409)
    if not text.strip():
        raise Refused("回复是空的，请输入要发给顾客的话", 400)
    _check_rate(db, roleplay.student_id, per_minute)
    typed = RolePlayReply(roleplay_id=roleplay.id, student_id=roleplay.student_id, text=text)
    db.add(typed)
    db.commit()  # kept before anything else can fail; no database connection is held while the engine works
    try:
        if version != roleplay.version:
            raise Refused(MOVED_ON, 409)
        with grader.context() as ctx:
            engine = Engine.restore(state(roleplay), ctx, snapshot(roleplay))
            heard = engine.hear(text)
        engine.answer(heard)  # with a model: its HTTP call, while other jobs of this process run
    except UserError as exc:
        _not_taken(db, typed, "refused", exc.message)
        raise exc if isinstance(exc, Refused) else Refused(exc.message, 400) from None
    except Exception as exc:
        log.exception("role-play %s: the engine failed on a reply", roleplay.id)
        _not_taken(db, typed, "failed", f"内部错误：{type(exc).__name__}")
        raise Refused("这句回复已经保存，但顾客没能接着说（服务器出错，已记录）：请稍后再发一次；你写的话还在框里", 500) from None
    _store(roleplay, engine.state)
    roleplay.persona_snapshot = roleplay.persona_snapshot or engine.snapshot().model_dump_json()  # an older session
    typed.status = "taken"
    try:
        db.commit()
    except StaleDataError:  # another worker took a reply to the same state first
        db.rollback()
        _not_taken(db, typed, "refused", MOVED_ON)
        raise Refused(MOVED_ON, 409) from None


def end(db: Session, roleplay: RolePlay) -> None:
    """The student ends the session: whatever the customer decided stands (as 结束 in the terminal)."""
    if roleplay.done:
        return
    current = state(roleplay)
    current.done = True
    _store(roleplay, current)
    try:
        db.commit()
    except StaleDataError:  # a reply was taken meanwhile: the student sees it before deciding again
        db.rollback()
        raise Refused(MOVED_ON, 409) from None


def finished_summary(db: Session, grader: Grader, roleplay: RolePlay) -> PracticeSummary:
    """The summary of a session that is over: made once (it runs the rewrite task), then read from the database."""
    from aigc_cs.practice.session import Session as Engine

    if roleplay.summary:
        return PracticeSummary.model_validate_json(roleplay.summary)
    with grader.context() as ctx:
        made = Engine.restore(state(roleplay), ctx, snapshot(roleplay)).summary()
    roleplay.summary, roleplay.total = made.model_dump_json(), made.grade.total
    try:
        db.commit()
    except StaleDataError:  # another worker stored it at the same time: the same summary
        db.rollback()
    return made


def _store(roleplay: RolePlay, new: SessionState) -> None:
    roleplay.state = new.model_dump_json()
    roleplay.replies, roleplay.done, roleplay.outcome = new.replies(), new.done, new.outcome
    roleplay.updated_at = utcnow()


def _not_taken(db: Session, typed: RolePlayReply, status: str, reason: str) -> None:
    typed.status, typed.error = status, reason
    db.commit()


def of_student(db: Session, student_id: int) -> list[RolePlay]:
    return list(db.scalars(select(RolePlay).where(RolePlay.student_id == student_id).order_by(RolePlay.id.desc())))


def of_class(db: Session, classroom_id: int) -> list[RolePlay]:
    return list(db.scalars(select(RolePlay).join(Student).where(Student.classroom_id == classroom_id)
                           .order_by(RolePlay.id.desc())))


"""The role-play session engine: the customer speaks first, each reply of the student is judged, patience goes down on
bad replies, doubts come up one at a time, and the customer buys (成交), leaves (流失) or threatens a bad review (差评).

The engine is transport-free: the CLI drives it from a terminal, a web chat page can drive it from requests, keeping
`Session.state` (plain data) between them and resuming with `Session.restore`::

    session = Session.start("demo-fashion", ctx, persona="hesitant", seed=7)
    session.opening            # the customer's first line
    result = session.reply("您好，欢迎光临……")   # TurnResult: verdict, hints, the customer's answer, outcome
    summary = session.summary()                # outcome, steps, doubts, policy errors, grade, improved transcript

After the customer has decided, the student has one closing reply (礼貌告别); then the session is done.

A reply is two steps, which a server can run apart: `hear` judges it and decides what the customer does (the knowledge
base's work), `answer` lets the customer say it (with the LLM engine, the model's HTTP call). `begin` and `say` split
`start` the same way. `snapshot` is the customer the session started with; `restore` goes on with it, whatever the
shop's persona file or products have become since.
"""

import random

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.grading.documents import PASSAGES
from aigc_cs.kb.models import Product, Shop
from aigc_cs.practice.customer import OfflineCustomer, Spoken, details_left
from aigc_cs.practice.judge import judge
from aigc_cs.practice.models import (
    Judgement,
    Move,
    Outcome,
    Persona,
    PersonaSnapshot,
    PracticeTurn,
    SessionState,
    TurnResult,
)
from aigc_cs.practice.personas import find_persona, judge_settings, persona_product
from aigc_cs.practice.summary import PracticeSummary, summarize
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.transcript import Turn
from aigc_cs.text import normalize


class Heard(BaseModel):
    """A reply taken by `Session.hear`: the judge's verdict, and the customer's move still to be said."""

    judgement: Judgement
    move: Move | None


class Session:
    def __init__(self, state: SessionState, persona: Persona, shop: Shop, product: Product, ctx: Context) -> None:
        self.state, self.persona, self.shop, self.product, self.ctx = state, persona, shop, product, ctx
        self.offline = OfflineCustomer(persona)
        if ctx.engine.kind == "offline":
            self.customer = self.offline
        else:
            from aigc_cs.practice.llm_customer import LLMCustomer

            self.customer = LLMCustomer(persona, product, self.offline, ctx)

    @classmethod
    def start(cls, shop_id: str, ctx: Context, persona: str | None = None, seed: int | None = None,
              exam: bool = False) -> "Session":
        """A new session; without a seed one is drawn (and kept in the state, so the session can be replayed)."""
        session, opening = cls.begin(shop_id, ctx, persona, seed, exam)
        session.say(opening)
        return session

    @classmethod
    def begin(cls, shop_id: str, ctx: Context, persona: str | None = None, seed: int | None = None,
              exam: bool = False) -> tuple["Session", Move]:
        """`start` without the customer's first line: the session and the move that opens it, for `say`."""
        seed = random.SystemRandom().randrange(1, 100_000) if seed is None else seed
        shop = ctx.shop(shop_id)
        chosen = find_persona(shop_id, persona, seed, ctx.settings.home)
        product = persona_product(chosen, shop)
        state = SessionState(shop=shop_id, persona=chosen.id, seed=seed, exam=exam, engine=ctx.engine.kind,
                             patience=chosen.patience)
        session = cls(state, chosen, shop, product, ctx)
        return session, Move(kind="open", doubt=None if chosen.quiet else session._reveal())

    @classmethod
    def restore(cls, state: SessionState, ctx: Context, snapshot: PersonaSnapshot | None = None) -> "Session":
        """The session of `state`, with the customer of `snapshot` (else the persona its id names now)."""
        shop = ctx.shop(state.shop)
        if snapshot is not None:
            return cls(state, snapshot.persona, shop, snapshot.product, ctx)
        persona = find_persona(state.shop, state.persona, state.seed, ctx.settings.home)
        return cls(state, persona, shop, persona_product(persona, shop), ctx)

    def snapshot(self) -> PersonaSnapshot:
        return PersonaSnapshot(persona=self.persona, product=self.product)

    @property
    def opening(self) -> str:
        return self.state.turns[0].text

    @property
    def transcript(self) -> list[Turn]:
        return [Turn(line=i, role=t.role, text=t.text) for i, t in enumerate(self.state.turns, 1)]

    def reply(self, text: str) -> TurnResult:
        """Judge the student's reply and let the customer answer it."""
        return self.answer(self.hear(text))

    def hear(self, text: str) -> Heard:
        """Take the student's reply: judge it and decide the customer's move (None after the closing reply)."""
        s, state = judge_settings(), self.state
        text = text.strip()
        if state.done:
            raise UserError("这次练习已经结束，可以查看总结或重新开始")
        if not text:
            raise UserError("回复是空的，请输入要发给顾客的话")
        if len(text) > s.max_reply_chars:
            raise UserError(f"回复太长了（{len(text)} 字），一次最多 {s.max_reply_chars} 字，请分几次发")
        closing = state.outcome is not None
        asked = next(t.text for t in reversed(state.turns) if t.role == "customer")
        verdict = judge(text, asked, None if closing else state.pending, self.persona, self.shop, self.product,
                        lambda: self._policy_passages(asked), first=state.replies() == 0,
                        closing=closing)
        state.turns.append(PracticeTurn(role="agent", text=text, judgement=verdict))
        if closing:
            state.done = True
            return Heard(judgement=verdict, move=None)
        return Heard(judgement=verdict, move=self._decide(verdict))

    def answer(self, heard: Heard) -> TurnResult:
        """The customer says the move `hear` decided; the verdict and hints as the mode shows them."""
        shown = {"judgement": None} if self.state.exam else {"judgement": heard.judgement,
                                                               "hints": heard.judgement.hints}
        if heard.move is None:
            return TurnResult(**shown, customer=None, outcome=self.state.outcome, done=True)
        spoken = self.say(heard.move)
        return TurnResult(**shown, customer=spoken.text, note=spoken.note, outcome=self.state.outcome)

    def _policy_passages(self, asked: str) -> list[str]:
        """The shop's policy and FAQ passages that answer the customer's line (the product file is judged apart),
        without their heading path (the shop's name in it is no answer)."""
        hits = self.ctx.retriever.search(asked, shop=self.state.shop, types=["policy", "faq"], k=PASSAGES,
                                         customer=True)
        return [normalize(hit.text.split("\n", 1)[-1]) for hit in hits]

    def end(self) -> None:
        """The student ends the session (结束, end of input): whatever the customer decided stands."""
        self.state.done = True

    def summary(self) -> PracticeSummary:
        return summarize(self)

    # ---- the state machine -------------------------------------------------------------------------------------

    def _decide(self, verdict: Judgement) -> Move:
        s, state, persona = judge_settings(), self.state, self.persona
        state.policy_errors += bool(verdict.policy_errors)
        state.rude += verdict.rude
        state.patience -= s.penalties[verdict.verdict]
        if verdict.verdict == "clarify":
            state.questions += 1
            if state.questions > s.free_questions or not details_left(persona, state):
                state.patience -= s.penalties["missed"]
        if persona.review and persona.review.hit(state.policy_errors, state.rude):
            return self._end("review")
        if state.patience <= 0:
            return self._end("lost")
        if verdict.verdict == "ok" and state.pending is not None:
            state.resolved.append(state.pending)
            state.pending = None
        if len(state.resolved) == len(persona.doubts):
            return self._end("deal")
        if state.replies() >= s.max_replies:
            return self._end("lost")
        if verdict.verdict == "ok":
            if persona.quiet and not verdict.invites:
                return Move(kind="filler", reaction="filler")
            return Move(kind="reveal", reaction="ack" if state.resolved else None, doubt=self._reveal())
        if verdict.verdict == "clarify" and state.questions <= s.free_questions and details_left(persona, state):
            return Move(kind="detail", doubt=state.pending)
        low = state.patience <= s.low_patience
        if verdict.verdict == "uninvited":
            return Move(kind="filler", reaction="impatient" if low else "filler")
        reaction = "missed" if verdict.verdict == "clarify" else verdict.verdict
        return Move(kind="push", reaction="impatient" if low else reaction, doubt=state.pending)  # type: ignore[arg-type]

    def _reveal(self) -> int:
        state = self.state
        state.pending, state.questions = state.next_doubt, 0
        state.next_doubt += 1
        return state.pending

    def _end(self, outcome: Outcome) -> Move:
        self.state.outcome = outcome
        return Move(kind=outcome)

    def say(self, move: Move) -> Spoken:
        """The customer words `move` and it joins the chat."""
        spoken = self.customer.speak(move, self.state)
        if spoken.engine != "offline":
            self.state.engine = spoken.engine
        self.state.turns.append(PracticeTurn(role="customer", text=spoken.text, note=spoken.note))
        return spoken

"""The data of role-play practice: persona types and personas (corpus/personas/), the judge's settings, the verdict on
one reply, and the state of a session (serialisable, so that a web page can keep it between requests)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from aigc_cs.kb.models import Product
from aigc_cs.tasks.transcript import Role

DoubtId = Literal["price", "quality", "packaging", "logistics", "aftersale"]
Verdict = Literal["ok", "wrong", "rude", "cold", "evasive", "pushy", "missed", "uninvited", "clarify"]
Reaction = Literal["ack", "cold", "evasive", "wrong", "rude", "pushy", "missed", "impatient", "filler"]
Outcome = Literal["deal", "lost", "review"]
MoveKind = Literal["open", "reveal", "push", "detail", "filler", "deal", "lost", "review"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReviewThreshold(Strict):
    """When a customer threatens a bad review: this many replies with a policy error, or this many rude replies."""

    policy_errors: int | None = Field(default=None, ge=1)
    rude: int | None = Field(default=None, ge=1)

    def hit(self, policy_errors: int, rude: int) -> bool:
        return (self.policy_errors is not None and policy_errors >= self.policy_errors) or \
            (self.rude is not None and rude >= self.rude)


Lines = list[str]


class Reactions(Strict):
    ack: Lines = Field(min_length=1)
    cold: Lines = Field(min_length=1)
    evasive: Lines = Field(min_length=1)
    wrong: Lines = Field(min_length=1)
    rude: Lines = Field(min_length=1)
    pushy: Lines = Field(min_length=1)
    missed: Lines = Field(min_length=1)
    impatient: Lines = Field(min_length=1)
    filler: Lines = Field(min_length=1)


class PersonaType(Strict):
    name: str
    mood: str
    patience: int = Field(ge=1, le=20)
    quiet: bool = False
    review: ReviewThreshold | None = None
    reactions: Reactions
    buy: Lines = Field(min_length=1)
    leave: Lines = Field(min_length=1)
    review_lines: Lines = []


class HiddenDoubt(Strict):
    kind: DoubtId
    lines: Lines = Field(min_length=1)
    facts: list[str] = Field(default=[], description="policy facts (keys of guard.check.describe) that answer it")


class PersonaEntry(Strict):
    """One persona as written in a shop's persona file; what it leaves out comes from its type."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")
    type: str
    name: str
    profile: str
    product: str
    opening: Lines = Field(min_length=1)
    details: Lines = []
    doubts: list[HiddenDoubt] = Field(min_length=1, max_length=6)
    buys_when: str
    leaves_when: str
    review_when: str | None = None
    mood: str | None = None
    patience: int | None = Field(default=None, ge=1, le=20)
    review: ReviewThreshold | None = None
    buy: Lines | None = None


class PersonaFile(Strict):
    shop: str
    personas: list[PersonaEntry] = Field(min_length=1)


class Persona(BaseModel):
    """A persona with its type's defaults filled in."""

    id: str
    shop: str
    type: str
    type_name: str
    name: str
    profile: str
    product: str
    mood: str
    patience: int
    quiet: bool
    opening: Lines
    details: Lines
    doubts: list[HiddenDoubt]
    buys_when: str
    leaves_when: str
    review_when: str | None
    review: ReviewThreshold | None
    reactions: Reactions
    buy: Lines
    leave: Lines
    review_lines: Lines


class PersonaSnapshot(BaseModel):
    """The customer a session started with, as it was then: kept with the session, so that it goes on (and its
    summary is made) with the same customer after the shop's persona file or products change."""

    persona: Persona
    product: Product


class Evidence(Strict):
    product_kinds: list[DoubtId]
    pairs: int = Field(ge=1)


class JudgeSettings(Strict):
    penalties: dict[Verdict, int]
    free_questions: int = Field(ge=0)
    low_patience: int = Field(ge=0)
    max_replies: int = Field(ge=1)
    max_reply_chars: int = Field(ge=10)
    min_reply_chars: int = Field(ge=1)
    cold_words: list[str]
    rude_kinds: list[str]
    invite: list[str]
    evidence: Evidence
    verdicts: dict[Verdict, str]
    outcomes: dict[Outcome, str]
    hints: dict[Literal["missed", "uninvited", "greet", "farewell"], str]


class Hint(BaseModel):
    kind: str  # policy / wording / doubt / step
    message: str


class Judgement(BaseModel):
    """The judge's verdict on one reply of the student."""

    verdict: Verdict
    policy_errors: list[str] = []
    wording: list[str] = Field(default=[], description="lexicon hits: 禁用语、极限词、网络流行语 and the handling faults")
    rude: bool = False
    invites: bool = False
    hints: list[Hint] = []


class PracticeTurn(BaseModel):
    role: Role
    text: str
    judgement: Judgement | None = None  # the student's turns
    note: str | None = None  # the customer's turns: why a model's line was replaced


class Move(BaseModel):
    """What the customer does next: the state machine decides it, a customer (offline or LLM) words it."""

    kind: MoveKind
    reaction: Reaction | None = None
    doubt: int | None = None  # the doubt to ask (or ask again)


class SessionState(BaseModel):
    """Everything a session needs to continue, as plain data."""

    shop: str
    persona: str
    seed: int
    exam: bool = False
    engine: str = "offline"
    turns: list[PracticeTurn] = []
    patience: int
    pending: int | None = None  # the doubt the customer is waiting to have answered
    next_doubt: int = 0  # the next doubt to reveal
    resolved: list[int] = []
    questions: int = 0  # polite questions back since the pending doubt was asked
    policy_errors: int = 0
    rude: int = 0
    used: dict[str, int] = Field(default={}, description="how often each pool of lines has been used (variety)")
    outcome: Outcome | None = None
    done: bool = False

    def replies(self) -> int:
        return sum(1 for t in self.turns if t.role == "agent")


class TurnResult(BaseModel):
    """What one reply of the student brings back: the verdict and its hints (both withheld in exam mode, so that no
    client can show them), the customer's answer and whether it is over."""

    judgement: Judgement | None
    hints: list[Hint] = []
    customer: str | None  # None after the closing reply
    note: str | None = None
    outcome: Outcome | None = None
    done: bool = False

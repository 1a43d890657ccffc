"""The offline customer: words each move of the session with the persona's own lines, deterministically from the
session's seed. Lines rotate within their pool, so a customer who asks the same thing twice asks it differently, and
another seed starts each pool elsewhere."""

import hashlib

from pydantic import BaseModel

from aigc_cs.practice.models import Move, Persona, SessionState


class Spoken(BaseModel):
    text: str
    note: str | None = None  # why the line is not the one the model wrote
    engine: str = "offline"


def variant(options: list[str], state: SessionState, pool: str) -> str:
    """The next line of a pool: where the pool starts depends on the seed, then it goes round."""
    digest = hashlib.sha1(f"{state.seed}\x1f{state.persona}\x1f{pool}".encode()).digest()
    count = state.used.get(pool, 0)
    state.used[pool] = count + 1
    return options[(int.from_bytes(digest[:4], "big") + count) % len(options)]


def details_left(persona: Persona, state: SessionState) -> bool:
    return state.used.get("details", 0) < len(persona.details)


class OfflineCustomer:
    def __init__(self, persona: Persona) -> None:
        self.persona = persona

    def line(self, move: Move, state: SessionState) -> str:
        p = self.persona
        parts = []
        if move.kind == "open":
            parts.append(variant(p.opening, state, "opening"))
        if move.kind == "detail":
            parts.append(variant(p.details, state, "details"))
        if move.reaction is not None:
            parts.append(variant(getattr(p.reactions, move.reaction), state, f"react:{move.reaction}"))
        if move.doubt is not None:
            parts.append(variant(p.doubts[move.doubt].lines, state, f"doubt:{move.doubt}"))
        endings = {"deal": p.buy, "lost": p.leave, "review": p.review_lines}
        if move.kind in endings:
            parts.append(variant(endings[move.kind], state, move.kind))
        return " ".join(parts)

    def speak(self, move: Move, state: SessionState) -> Spoken:
        return Spoken(text=self.line(move, state))

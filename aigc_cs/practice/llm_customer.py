"""The LLM customer: a model words each move of the session in the persona's voice (``prompts/practice-customer.*``).
It is told who the customer is, what the product page shows, the chat so far and what to do in this turn, with the
offline customer's line as the meaning to keep; it never sees the shop's policy facts or the rubric, and the
student's lines reach it as delimited data. Every turn goes through the role-switch check (`role_check`): a turn
that reads like the agent, or steps out of the role play, is replaced by the offline customer's line, with a note."""

from pydantic import BaseModel, Field

from aigc_cs.kb.models import Product
from aigc_cs.llm.engine import generate
from aigc_cs.practice.customer import OfflineCustomer, Spoken
from aigc_cs.practice.judge import doubt_kind
from aigc_cs.practice.models import Move, Persona, SessionState
from aigc_cs.practice.personas import judge_settings, settings
from aigc_cs.practice.role_check import role_switch
from aigc_cs.tasks.context import Context

PROMPT = "practice-customer"


class CustomerLine(BaseModel):
    text: str = Field(min_length=1, description="顾客在聊天框里打的这一句")


def _data(text: str) -> str:
    """A student's line as data inside <<< >>>: it cannot close the delimiters."""
    return text.replace("<<<", "«").replace(">>>", "»")


class LLMCustomer:
    def __init__(self, persona: Persona, product: Product, offline: OfflineCustomer, ctx: Context) -> None:
        self.persona, self.product, self.offline, self.ctx = persona, product, offline, ctx

    def speak(self, move: Move, state: SessionState) -> Spoken:
        example = self.offline.line(move, state)
        check = settings("role-check")
        turns = [{"role": t.role, "text": _data(t.text) if t.role == "agent" else t.text}
                 for t in state.turns[-check["history"]:]]
        doubt = doubt_kind(self.persona.doubts[move.doubt].kind).name if move.doubt is not None else None
        variables = {"persona": self.persona, "product": self.product, "turns": turns, "move": move, "doubt": doubt,
                     "example": example, "low": state.patience <= judge_settings().low_patience,
                     "max_chars": check["max_chars"]}
        gen = generate(PROMPT, variables, CustomerLine, lambda: CustomerLine(text=example), self.ctx.engine)
        if gen.engine == "offline":  # the model failed; generate() says why
            return Spoken(text=example, note="；".join(gen.warnings) or None)
        why = role_switch(gen.output.text)
        if why:
            return Spoken(text=example, note=check["replaced"].format(why=why), engine=gen.engine)
        return Spoken(text=gen.output.text.strip(), engine=gen.engine)

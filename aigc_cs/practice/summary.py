"""The end of a role-play session: the outcome, the 5 pre-sale steps over the whole chat, the doubts removed, the
policy errors and wording faults, the dialogue-level grade, and the improved transcript from the rewrite task."""

from typing import TYPE_CHECKING

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.export import Document, Section
from aigc_cs.practice.grade import DialogueGrade, grade_dialogue
from aigc_cs.practice.judge import doubt_kind
from aigc_cs.practice.models import Outcome
from aigc_cs.practice.personas import judge_settings
from aigc_cs.tasks.steps import StepCheck, detect_steps
from aigc_cs.tasks.transcript import Transcript, Turn

if TYPE_CHECKING:
    from aigc_cs.practice.session import Session

UNFINISHED = "未完成（顾客还没有做决定）"
STATUS = {"ok": "✓ 做到", "weak": "△ 不到位", "missing": "✗ 缺失"}


class DoubtResult(BaseModel):
    kind: str
    name: str
    status: str  # 已消除 / 未消除 / 没来得及提出


class FaultLine(BaseModel):
    line: int  # the turn of the chat, 1-based
    message: str


class PracticeSummary(BaseModel):
    shop: str
    shop_name: str
    persona: str
    persona_name: str
    type_name: str
    product: str
    seed: int
    engine: str
    exam: bool
    outcome: Outcome | None
    outcome_label: str
    persona_rules: list[str]  # what makes this customer buy, leave or threaten a bad review (shown after the session)
    transcript: list[Turn]
    verdicts: dict[int, str]  # the judge's verdict on each of the student's turns, by line
    steps: list[StepCheck]
    doubts: list[DoubtResult]
    policy_errors: list[FaultLine]
    wording: list[FaultLine]
    grade: DialogueGrade
    improved: list[str]
    improved_engine: str | None
    notes: list[str]

    def title(self) -> str:
        return f"角色扮演练习 · {self.shop_name} · {self.persona_name}（{self.type_name}）"

    def to_document(self) -> Document:
        g = self.grade
        info = [f"店铺：{self.shop_name}（{self.shop}）　顾客：{self.persona_name}（{self.type_name}，{self.persona}）"
                f"　商品：{self.product}", f"结果：{self.outcome_label}　对话评分：{g.total:g} / {g.scale:g}",
                f"种子：{self.seed}　引擎：{self.engine}　模式：{'考试' if self.exam else '练习'}", *self.persona_rules]
        chat = [["#", "角色", "内容", "判定"]] + [
            [str(t.line), "顾客" if t.role == "customer" else "客服", t.text, self.verdicts.get(t.line, "")]
            for t in self.transcript]
        faults = [f"第{f.line}句：{f.message}" for f in sorted([*self.policy_errors, *self.wording], key=lambda f: f.line)]
        return Document(title=self.title(), sections=[
            Section(heading="练习信息", paragraphs=info),
            Section(heading="对话记录", table=chat),
            Section(heading="售前五步", table=[["步骤", "结果", "说明"]]
                    + [[c.name, STATUS[c.status], c.note] for c in self.steps]),
            Section(heading="顾虑", table=[["顾虑", "结果"]] + [[d.name, d.status] for d in self.doubts]),
            Section(heading="政策错误与用语问题", paragraphs=faults or ["没有发现政策错误和用语问题。"]),
            Section(heading=f"{g.title}：{g.total:g} / {g.scale:g}", table=[["评分项", "得分", "评价", "建议", "依据"]]
                    + [[c.name, f"{c.points:g}/{c.max_points:g}", c.descriptor, c.advice or "—", str(c.cites)]
                       for c in g.criteria]),
            Section(heading="改进后的话术", paragraphs=self.improved or ["（没有可改写的对话）"]),
            *([Section(heading="说明", paragraphs=self.notes)] if self.notes else []),
        ])


def summarize(session: "Session") -> PracticeSummary:
    """The summary of a session, finished or not."""
    state, persona = session.state, session.persona
    transcript = session.transcript
    steps = detect_steps(transcript)
    verdict_names = judge_settings().verdicts
    judged = [(t.line, turn.judgement) for t, turn in zip(transcript, state.turns, strict=True) if turn.judgement]
    doubts = [DoubtResult(kind=d.kind, name=doubt_kind(d.kind).name,
                          status="已消除" if i in state.resolved else ("未消除" if i < state.next_doubt else "没来得及提出"))
              for i, d in enumerate(persona.doubts)]
    notes = [f"第{t.line}句：{turn.note}" for t, turn in zip(transcript, state.turns, strict=True) if turn.note]
    improved, improved_engine = _improved(session, transcript, notes)
    return PracticeSummary(
        shop=state.shop, shop_name=session.shop.info.name, persona=persona.id, persona_name=persona.name,
        type_name=persona.type_name, product=session.product.name, seed=state.seed, engine=state.engine,
        exam=state.exam, outcome=state.outcome,
        outcome_label=judge_settings().outcomes[state.outcome] if state.outcome else UNFINISHED,
        persona_rules=[f"{label}：{rule}" for label, rule in (("成交的条件", persona.buys_when), ("流失的原因", persona.leaves_when),
                                                              ("差评的原因", persona.review_when)) if rule],
        transcript=transcript, verdicts={line: verdict_names[j.verdict] for line, j in judged}, steps=steps,
        doubts=doubts, policy_errors=[FaultLine(line=line, message=m) for line, j in judged for m in j.policy_errors],
        wording=[FaultLine(line=line, message=m) for line, j in judged for m in j.wording],
        grade=grade_dialogue(state, persona, steps), improved=improved, improved_engine=improved_engine, notes=notes)


def _improved(session: "Session", transcript: list[Turn], notes: list[str]) -> tuple[list[str], str | None]:
    """The rewrite task's script for the chat (none before the student said anything)."""
    from aigc_cs.tasks import rewrite

    if not any(t.role == "agent" for t in transcript):
        return [], None
    inp = rewrite.RewriteInput(transcript=Transcript(source="角色扮演练习", turns=transcript), shop=session.state.shop,
                               product=session.product.name)
    try:
        result = rewrite.run(inp, session.ctx)
    except UserError as exc:
        notes.append(f"改进话术没有生成：{exc.message}")
        return [], None
    notes += [f"改进话术：{w}" for w in result.warnings]
    return [t.labelled() for t in result.script], result.engine

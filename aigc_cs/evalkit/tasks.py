"""What a suite can run: every task of `aigc_cs.tasks`, and two pseudo-tasks that exist only for evals:

- ``check``: the policy guard and the lexicon over a given text (vars: text, shop); the output lists its findings.
- ``retrieval``: recall@k and MRR over the labelled questions of evals/retrieval (vars: mode, k).
- ``calibration``: agreement of a scorer with the human scores of evals/gold/<split> (vars: rubric, scorer, split;
  dev: the teacher file, test: the mean of two blind raters).
- ``pair``: two answers to the same scenario graded with the rules scorer (vars: rubric, shop, scenario, better,
  worse, channel); the output's ``margin`` is how many points the better answer scores above the worse one.
- ``language``: the language checks over evals/language/<split> (vars: split): false alarms per 1,000 professional
  sentences and recall per kind of planted error.
"""

from types import SimpleNamespace
from typing import Any, Literal

from pydantic import BaseModel, Field

from aigc_cs.evalkit.replies import Split
from aigc_cs.evalkit.retrieval import RetrievalResult
from aigc_cs.tasks.base import TaskResult


class CheckInput(BaseModel):
    text: str
    shop: str


class CheckOutput(TaskResult):
    input: str
    ok: bool
    findings: list[str] = Field(description="claim keys that contradict the facts, and lexicon kinds:terms")


def run_check(inp: CheckInput, ctx) -> CheckOutput:
    from aigc_cs.guard.check import check_text
    from aigc_cs.guard.tone import wording

    shop = ctx.shop(inp.shop)
    report = check_text(inp.text, shop)
    hits = wording(inp.text)
    messages = [v.message for v in report.violations] + [h.message() for h in hits]
    findings = [v.key for v in report.violations] + [f"{h.kind}:{h.term}" for h in hits]
    return CheckOutput(shop=shop.info.id, text="\n".join(messages) or "未发现问题", citations=[], engine="guard",
                       input=inp.text, ok=not messages, findings=findings)


class RetrievalInput(BaseModel):
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"
    k: int = Field(default=3, ge=1, le=10)
    split: Split = "dev"


class RetrievalOutput(RetrievalResult):
    text: str
    engine: str = "retrieval"


def run_retrieval(inp: RetrievalInput, ctx) -> RetrievalOutput:
    from aigc_cs.evalkit.replies import eval_context
    from aigc_cs.evalkit.retrieval import evaluate, load_questions

    result = evaluate(eval_context(ctx).retriever, load_questions(inp.split), inp.mode, inp.k)
    mode = inp.mode if inp.mode == "bm25" or ctx.retriever.mode != "bm25" else f"{inp.mode}（向量模型未加载，实际为 bm25）"
    text = f"{inp.split} · {mode}：recall@{inp.k} {result.recall:.3f}，MRR {result.mrr:.3f}，{result.questions} 个问题"
    return RetrievalOutput(text=text, **result.model_dump(exclude={"mode"}), mode=mode)


class CalibrationInput(BaseModel):
    rubric: str | None = None  # None: every rubric, pooled
    scorer: Literal["rules"] = "rules"  # judge and hybrid need a model or recordings
    split: Split = "dev"


class CalibrationOutput(BaseModel):
    text: str
    engine: str = "rules"
    n: int
    qwk: float
    spearman: float
    min_criterion_qwk: float
    min_rubric_qwk: float


def run_calibration(inp: CalibrationInput, ctx) -> CalibrationOutput:
    from aigc_cs.grading.calibrate import calibrate

    reports = calibrate(ctx, inp.rubric, inp.scorer, inp.split)
    overall = reports[-1]
    lowest = min((a.qwk, f"{r.rubric}.{cid}") for r in reports for cid, a in r.criteria.items())
    rubric_low = min(r.total.qwk for r in reports)
    text = (f"{inp.split} · {overall.rubric}：总分 QWK {overall.total.qwk:.3f}，Spearman {overall.total.spearman:.3f}，"
            f"MAE {overall.total.mae:.1f}；逐项最低 {lowest[1]} {lowest[0]:.3f}")
    return CalibrationOutput(text=text, n=overall.total.n, qwk=overall.total.qwk, spearman=overall.total.spearman,
                             min_criterion_qwk=lowest[0], min_rubric_qwk=rubric_low)


class PairInput(BaseModel):
    rubric: str
    shop: str
    scenario: str = ""
    channel: Literal["sms", "online"] | None = None
    better: str
    worse: str


class PairOutput(BaseModel):
    text: str
    engine: str = "rules"
    better: float
    worse: float
    margin: float


def run_pair(inp: PairInput, ctx) -> PairOutput:
    from aigc_cs.grading.rubric import get_rubric
    from aigc_cs.grading.rules import grade_rules

    rubric, shop = get_rubric(inp.rubric), ctx.shop(inp.shop)
    better, worse = (grade_rules(answer, rubric, shop, inp.scenario, inp.channel) for answer in (inp.better, inp.worse))
    text = f"较好的答案 {better.total:g} 分，较差的答案 {worse.total:g} 分（{inp.rubric}）"
    return PairOutput(text=text, better=better.total, worse=worse.total, margin=round(better.total - worse.total, 2))


class RepliesInput(BaseModel):
    split: Split = "dev"


class RepliesOutput(BaseModel):
    text: str
    engine: str = "offline"
    right_facts: float
    wrong_topic: float
    honest: float
    smalltalk_ok: float
    contradicted: float = Field(description="share of replies that contradict a policy fact")
    asked_to_order: float = Field(description="share of after-sale messages whose reply invites an order")


def run_replies(inp: RepliesInput, ctx) -> RepliesOutput:
    from aigc_cs.evalkit.replies import evaluate

    s = evaluate(ctx, inp.split)
    text = (f"{inp.split}：{s.messages} 条消息；范围内答对事实 {s.right_facts:.1%}，答错话题 {s.wrong_topic:.1%}，"
            f"范围外如实说明 {s.honest:.1%}，寒暄 {s.smalltalk_ok:.1%}，与政策矛盾 {s.contradicted} 条，"
            f"让已购顾客下单 {s.asked_to_order} 条")
    after = sum(o.stage == "aftersale" for o in s.outcomes) or 1
    return RepliesOutput(text=text, right_facts=s.right_facts, wrong_topic=s.wrong_topic, honest=s.honest,
                         smalltalk_ok=s.smalltalk_ok, contradicted=round(s.contradicted / s.messages, 4),
                         asked_to_order=round(s.asked_to_order / after, 4))


class SplitInput(BaseModel):
    split: Split = "dev"


class Measured(BaseModel):
    """What a measuring pseudo-task reports: one line of text, and its figures (fields of the subclass)."""

    text: str
    engine: str = "offline"


class ClaimsOutput(Measured):
    wrong_flagged: float = Field(description="wrong periods flagged (fixed readings and readings by meaning)")
    right_flagged: float = Field(description="right periods flagged: false alarms")
    none_flagged: float = Field(description="sentences stating no policy flagged: false alarms")


def run_claims(inp: SplitInput, ctx) -> ClaimsOutput:
    from aigc_cs.evalkit.claims import measure

    r = measure(ctx, inp.split)
    text = (f"{inp.split}：{r.items} 句，其中说错时限 {r.wrong} 句；抓到 {r.meaning.wrong_flagged:.1%}（只用固定读法 "
            f"{r.fixed.wrong_flagged:.1%}），说对的误报 {r.meaning.right_flagged:.1%}，不是政策的误报 {r.meaning.none_flagged:.1%}")
    return ClaimsOutput(text=text, **r.meaning.model_dump())


class LanguageOutput(Measured):
    false_alarm_rate: float = Field(description="share of professional sentences flagged (0.001 = 1‰)")
    typo: float
    extreme: float
    slang: float
    banned: float


def run_language(inp: SplitInput, ctx) -> LanguageOutput:
    from aigc_cs.evalkit.language import measure

    r = measure(inp.split)
    rate = round(r.false_alarms / r.sentences, 5) if r.sentences else 0.0
    recall = {kind: round(r.recall.get(kind, 0.0), 4) for kind in ("typo", "extreme", "slang", "banned")}
    text = (f"{inp.split}：{r.sentences} 句专业客服话术误报 {r.false_alarms} 句（每千句 {rate * 1000:.2f}）；召回 "
            + "，".join(f"{k} {v:.0%}" for k, v in recall.items()))
    return LanguageOutput(text=text, false_alarm_rate=rate, **recall)


PSEUDO_TASKS: dict[str, Any] = {
    "claims": SimpleNamespace(Input=SplitInput, Output=ClaimsOutput, run=run_claims, PROMPT=None),
    "language": SimpleNamespace(Input=SplitInput, Output=LanguageOutput, run=run_language, PROMPT=None),
    "replies": SimpleNamespace(Input=RepliesInput, Output=RepliesOutput, run=run_replies, PROMPT=None),
    "calibration": SimpleNamespace(Input=CalibrationInput, Output=CalibrationOutput, run=run_calibration,
                                   PROMPT=None),
    "check": SimpleNamespace(Input=CheckInput, Output=CheckOutput, run=run_check, PROMPT=None),
    "pair": SimpleNamespace(Input=PairInput, Output=PairOutput, run=run_pair, PROMPT=None),
    "retrieval": SimpleNamespace(Input=RetrievalInput, Output=RetrievalOutput, run=run_retrieval, PROMPT=None),
}


def resolve(name: str) -> Any:
    """The task module (or pseudo-task) named in a suite: it has ``Input`` and ``run(inp, ctx)``."""
    if name in PSEUDO_TASKS:
        return PSEUDO_TASKS[name]
    from aigc_cs.errors import UserError
    from aigc_cs.tasks import TASKS, task_module

    if name not in TASKS:
        raise UserError(f"未知任务“{name}”，可用：{'、'.join((*TASKS, *PSEUDO_TASKS))}")
    return task_module(name)


def make_input(task: Any, name: str, values: dict[str, Any]) -> Any:
    """The task's input from a case's vars. A chat for ``rewrite`` may be written as text ("顾客：…" lines); the
    customers for ``revisit`` as a csv/xlsx path or csv text (``{file: inputs/customers.csv}``)."""
    if name == "rewrite" and isinstance(values.get("transcript"), str):
        from aigc_cs.tasks.transcript import read_transcript

        values = {**values, "transcript": read_transcript(values["transcript"])}
    if name == "revisit" and isinstance(values.get("customers"), str):
        from aigc_cs.tasks.customers import read_customers

        values = {**values, "customers": read_customers(values["customers"])}
    return task.Input(**values)


def uses_engine(name: str) -> bool:
    """Pseudo-tasks never call an engine, so replay and repeats do not apply to them."""
    return name not in PSEUDO_TASKS

"""Role-play practice with the offline customer: the personas as data, the engine API for every persona (a strong
student reaches 成交, a cold or wrong one 流失 or 差评), the customer never states the facts it asks about,
determinism by seed, and the `practice` command driven through its standard input."""

import re
from pathlib import Path

import pytest

from aigc_cs.config import Settings
from aigc_cs.guard.check import describe
from aigc_cs.kb.models import PolicyFacts
from aigc_cs.practice.judge import doubt_kind, product_text
from aigc_cs.practice.models import SessionState
from aigc_cs.practice.personas import all_personas, judge_settings, types
from aigc_cs.practice.role_check import role_switch
from aigc_cs.practice.session import Session
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.doubts import raised
from aigc_cs.tasks.relevance import relevant
from aigc_cs.text import NUMBER, normalize, to_number

PERSONAS = [(shop, p.id) for shop, personas in all_personas().items() for p in personas]
COLD = "不知道"
WRONG = "我们支持30天无理由退货，来回运费都是我们出，放心拍就行"
FAREWELL = "感谢您的耐心咨询，祝您生活愉快，有问题随时找我！"
# the unit of each numeric policy fact, as a customer would have to type it to state it
FACT_UNITS = {"no_reason_return_days": "天", "quality_claim_days": "天", "ship_within_hours": "小时",
              "free_shipping_threshold_yuan": "元", "bargain_limit_yuan": "元", "refund_working_days": "工作日",
              "aftersale_reply_minutes": "分钟"}


@pytest.fixture(scope="module")
def ctx(demo_home: Path) -> Context:
    return Context(Settings(home=demo_home, engine="offline"))


# ---- a strong student: greets, answers each revealed doubt from the shop's facts and the product file ----------------

def fact_sentence(key: str, facts: PolicyFacts) -> str:
    """A fact as an agent would say it (the guard's own wording, except how far the price may come down)."""
    if key == "bargain_yuan":
        limit = facts.bargain_limit_yuan
        return f"店里标价一般不议价，我这边最多能给您便宜{limit:g}元" if limit else "店里统一标价，不议价"
    return describe(key, facts)


def strong_reply(session: Session) -> str:
    state = session.state
    if state.outcome is not None:
        return FAREWELL
    parts = [f"您好，欢迎光临{session.shop.info.name}，我是客服小林。"] if state.replies() == 0 else []
    if state.pending is not None:
        doubt = session.persona.doubts[state.pending]
        kind = doubt_kind(doubt.kind)
        parts.append(f"我理解您对{kind.name}的顾虑，跟您如实说明：")
        parts.append("；".join(fact_sentence(k, session.shop.facts) for k in doubt.facts or kind.facts) + "。")
        if doubt.kind in ("quality", "packaging"):
            parts += relevant(product_text(session.product), state.turns[-1].text, 2)
    parts.append("请问还有什么想了解的吗？")
    return "".join(parts)


def play(session: Session, student) -> Session:
    for _ in range(40):
        if session.state.done:
            return session
        session.reply(student(session))
    raise AssertionError("the session never ended")


def start(ctx: Context, shop: str, persona: str, seed: int = 7, **kw) -> Session:
    return Session.start(shop, ctx, persona=persona, seed=seed, **kw)


def customer_lines(session: Session) -> list[str]:
    return [t.text for t in session.state.turns if t.role == "customer"]


def states_a_fact(line: str, facts: PolicyFacts) -> str | None:
    """What in a customer's line states one of the shop's policy facts, if anything."""
    if why := role_switch(line):
        return why
    text = normalize(line)
    for key, unit in FACT_UNITS.items():
        value = getattr(facts, key)
        for number in re.findall(rf"({NUMBER})\s*(?:个)?{unit}", text):
            if value is not None and to_number(number) == float(value):
                return f"{key} = {number}{unit}"
    keys = ("no_reason_return_days", "return_shipping", "freight_insurance", "ship_within_hours",
            "free_shipping_threshold_yuan", "bargain_yuan", "refund_working_days", "invoice")
    return next((describe(k, facts) for k in keys if describe(k, facts) in text), None)


# ---- the personas as data -----------------------------------------------------------------------------------------

def test_each_demo_shop_has_every_type_of_customer():
    for shop in ("demo-fashion", "demo-beauty"):
        personas = all_personas()[shop]
        assert len(personas) >= 8
        assert {p.type for p in personas} >= set(types())
        assert {p.type_name for p in personas} >= {"犹豫型", "砍价型", "急躁型", "挑剔型", "送礼型", "沉默型", "售后投诉型", "老客户复购"}


@pytest.mark.parametrize(("shop", "persona"), PERSONAS)
def test_persona_wants_a_product_of_its_shop_and_its_lines_raise_its_doubts(ctx, shop, persona):
    session = start(ctx, shop, persona)
    assert session.product.name in {p.name for p in ctx.shop(shop).products}
    for doubt in session.persona.doubts:
        assert len(doubt.lines) >= 3, doubt
        for line in doubt.lines:  # the course's doubt detector reads each line as the doubt it stands for
            assert doubt.kind in [k.id for k in raised(line)], line


@pytest.mark.parametrize(("shop", "persona"), PERSONAS)
def test_no_line_of_the_offline_customer_states_a_shop_fact(ctx, shop, persona):
    session = start(ctx, shop, persona)
    p, facts = session.persona, session.shop.facts
    pools = [p.opening, p.details, p.buy, p.leave, p.review_lines, *(d.lines for d in p.doubts),
             *(getattr(p.reactions, k) for k in type(p.reactions).model_fields)]
    for line in (line for pool in pools for line in pool):
        assert states_a_fact(line, facts) is None, line


# ---- the engine, for every persona -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("shop", "persona"), PERSONAS)
def test_strong_student_closes_the_deal(ctx, shop, persona):
    session = play(start(ctx, shop, persona), strong_reply)
    state = session.state
    assert state.outcome == "deal", [t.text for t in state.turns]
    assert sorted(state.resolved) == list(range(len(session.persona.doubts)))
    assert state.patience == session.persona.patience  # no reply cost any patience
    assert state.turns[-1].role == "agent" and state.turns[-1].text == FAREWELL  # the agent has the last word
    verdicts = [t.judgement.verdict for t in state.turns if t.judgement]
    assert set(verdicts) == {"ok"}, verdicts
    for line in customer_lines(session):
        assert states_a_fact(line, session.shop.facts) is None, line


@pytest.mark.parametrize(("shop", "persona"), PERSONAS)
@pytest.mark.parametrize("answer", [COLD, WRONG], ids=["cold", "wrong"])
def test_cold_or_wrong_student_loses_the_customer(ctx, shop, persona, answer):
    session = play(start(ctx, shop, persona), lambda s: answer)
    state = session.state
    assert state.outcome in ("lost", "review"), [t.text for t in state.turns]
    assert not state.resolved
    if answer == WRONG:
        assert all(t.judgement.verdict == "wrong" for t in state.turns if t.judgement) or state.outcome == "review"
        assert state.policy_errors >= 1
    if session.persona.type == "complaint" and answer == WRONG:
        assert state.outcome == "review"  # one wrong promise to an angry customer is a bad review
    for line in customer_lines(session):
        assert states_a_fact(line, session.shop.facts) is None, line


def test_a_rude_reply_no_word_list_holds_is_judged_rude(ctx):
    session = start(ctx, "demo-fashion", "hesitant-dress")
    assert session.reply("你问这个干嘛？").judgement.verdict == "rude"


def test_a_policy_error_is_a_hint_naming_the_right_fact(ctx):
    session = start(ctx, "demo-fashion", "hesitant-dress")
    result = session.reply(WRONG)
    assert result.judgement.verdict == "wrong"
    policies = [h.message for h in result.judgement.hints if h.kind == "policy"]  # 30天, and who pays the shipping
    assert any("30天无理由" in p and "7天无理由" in p for p in policies)
    assert session.state.patience == session.persona.patience - judge_settings().penalties["wrong"]


def test_exam_mode_withholds_the_verdict_and_hints_but_keeps_them_for_the_summary(ctx):
    session = start(ctx, "demo-fashion", "hesitant-dress", exam=True)
    result = session.reply(WRONG)
    assert result.judgement is None and result.hints == [] and result.customer
    assert session.summary().policy_errors


def test_an_unaddressed_doubt_gets_a_hint_and_the_customer_asks_again(ctx):
    session = start(ctx, "demo-fashion", "rush-jeans")
    asked = session.opening
    result = session.reply("您好，欢迎光临衣见倾心女装，我是客服小林，这条牛仔裤是高腰直筒的版型，很百搭。")
    assert result.judgement.verdict == "missed"
    assert any("物流顾虑还没有消除" in h.message for h in result.judgement.hints)
    again = [line for line in session.persona.doubts[0].lines if line in result.customer]
    assert again and again[0] not in asked  # the same doubt, worded another way


def test_a_polite_question_back_is_answered_with_a_detail_at_no_cost(ctx):
    session = start(ctx, "demo-fashion", "hesitant-dress")
    result = session.reply("您好，我是客服小林，想先了解一下，请问您平时穿什么尺码？")
    assert result.judgement.verdict == "clarify"
    assert any(d in result.customer for d in session.persona.details)
    assert session.state.patience == session.persona.patience and session.state.pending == 0


def test_a_quiet_customer_speaks_only_when_invited(ctx):
    session = start(ctx, "demo-fashion", "silent-tee")
    assert all(line not in session.opening for d in session.persona.doubts for line in d.lines)
    result = session.reply("您好，欢迎光临衣见倾心女装。")  # no question: the customer says nothing more
    assert result.judgement.verdict == "uninvited" and session.state.pending is None
    assert session.state.patience == session.persona.patience - 1
    result = session.reply("您好，请问想了解这款T恤的哪方面呢？")
    assert result.judgement.verdict == "ok" and session.state.pending == 0
    assert any(line in result.customer for line in session.persona.doubts[0].lines)


def test_hard_selling_annoys_the_customer(ctx):
    session = start(ctx, "demo-fashion", "hesitant-dress")
    result = session.reply("您好，这款卖得特别好，就剩最后一件了，赶紧拍！")
    assert result.judgement.verdict == "pushy"
    assert any(line in result.customer for line in session.persona.reactions.pushy)


# ---- variety and determinism ---------------------------------------------------------------------------------------

def test_same_seed_same_dialogue_other_seeds_other_lines(ctx):
    def chat(seed: int, student) -> list[str]:
        return [t.text for t in play(start(ctx, "demo-beauty", "bargain-cream", seed=seed), student).state.turns]

    assert chat(11, strong_reply) == chat(11, strong_reply)
    assert chat(11, lambda s: COLD) == chat(11, lambda s: COLD)
    dialogues = {tuple(chat(seed, strong_reply)) for seed in range(1, 6)}
    assert len(dialogues) >= 3
    openings = {start(ctx, "demo-fashion", "gift-dress", seed=seed).opening for seed in range(1, 9)}
    assert len(openings) >= 3


def test_a_customer_pushing_back_twice_words_it_differently(ctx):
    session = start(ctx, "demo-beauty", "returning-cleanser")
    first = session.reply(COLD).customer
    second = session.reply(COLD).customer
    assert first != second


def test_the_state_is_plain_data_and_a_session_resumes_from_it(ctx):
    one = start(ctx, "demo-fashion", "picky-cardigan", seed=5)
    one.reply(strong_reply(one))
    saved = one.state.model_dump_json()
    two = Session.restore(SessionState.model_validate_json(saved), ctx)
    assert play(two, strong_reply).state.turns == play(one, strong_reply).state.turns


def test_persona_by_type_name_and_seeded_choice(ctx):
    assert start(ctx, "demo-beauty", "砍价型").persona.id == "bargain-cream"
    assert start(ctx, "demo-beauty", "bargainer").persona.id == "bargain-cream"
    chosen = {Session.start("demo-fashion", ctx, seed=seed).persona.id for seed in range(8)}
    assert len(chosen) == 8


# ---- the summary and the dialogue grade ------------------------------------------------------------------------------

def test_summary_of_a_strong_session(ctx):
    summary = play(start(ctx, "demo-fashion", "hesitant-dress"), strong_reply).summary()
    assert summary.outcome == "deal" and summary.outcome_label == "成交"
    assert {d.status for d in summary.doubts} == {"已消除"}
    assert not summary.policy_errors
    steps = {c.name: c.status for c in summary.steps}
    assert steps["迎接问好"] == steps["解答疑问"] == steps["礼貌告别"] == "ok"
    assert summary.grade.total >= 75 and summary.grade.scale == 100
    assert {c.id for c in summary.grade.criteria} == {"doubts", "policy", "steps", "courtesy", "patience"}
    assert summary.improved[0].startswith("顾客：") and any(line.startswith("客服：") for line in summary.improved)
    assert summary.improved_engine == "offline"


def test_summary_of_a_wrong_session(ctx):
    session = start(ctx, "demo-fashion", "complaint-dress")
    play(session, lambda s: WRONG)
    summary = session.summary()
    assert summary.outcome_label == "差评"
    assert summary.policy_errors and "7天无理由" in summary.policy_errors[0].message
    grade = {c.id: c for c in summary.grade.criteria}
    assert grade["policy"].points == 0 and grade["doubts"].points == 0
    assert summary.grade.total < 40
    assert "差评" in "\n".join(p for s in summary.to_document().sections for p in s.paragraphs)


def test_summary_before_the_student_said_anything(ctx):
    session = start(ctx, "demo-beauty", "gift-cream")
    session.end()
    summary = session.summary()
    assert summary.outcome is None and "未完成" in summary.outcome_label
    assert summary.grade.total == 0 and summary.improved == []


# ---- the practice command ------------------------------------------------------------------------------------------

RUSH_JEANS = ["您好，欢迎光临衣见倾心女装，我是客服小林。理解您着急，付款后48小时内就会发出，发出后订单里能看到快递单号。请问还有什么想了解的吗？",
              "不合身可以放心：签收后7天内，吊牌完好、未穿着未洗涤就支持无理由退换；个人原因退换寄回运费由您承担，订单附带运费险可以理赔。请问还有其他问题吗？",
              FAREWELL]


def test_practice_command_strong_student_through_stdin(cli, tmp_path):
    out = tmp_path / "练习.md"
    result = cli("practice", "--shop", "demo-fashion", "--persona", "rush-jeans", "--seed", "3",
                 "--transcript-out", str(out), input="\n".join(RUSH_JEANS) + "\n")
    assert result.code == 0, result.output
    assert "顾客（阿杰）：" in result.stdout and "Traceback" not in result.output
    assert "结果：成交" in result.stdout
    assert "售前五步：" in result.stdout and "角色扮演对话评分" in result.stdout and "改进后的话术" in result.stdout
    assert "提示：" not in result.stdout  # a strong student gets no hints
    saved = out.read_text(encoding="utf-8")
    assert "## 对话记录" in saved and "阿杰" in saved and "成交" in saved and "## 改进后的话术" in saved


def test_practice_command_hints_and_exam_mode(cli):
    args = ("practice", "--shop", "demo-fashion", "--persona", "hesitant-dress", "--seed", "2")
    practice = cli(*args, input="在的\n亲，我们支持30天无理由退货哦\n结束\n")
    assert practice.code == 0, practice.output
    assert "提示：" in practice.stdout and "30天无理由" in practice.stdout and "禁用语“在的”" in practice.stdout
    exam = cli(*args, "--exam", input="在的\n亲，我们支持30天无理由退货哦\n结束\n")
    assert exam.code == 0, exam.output
    assert "提示：" not in exam.stdout
    assert "政策错误" in exam.stdout and "30天无理由" in exam.stdout  # the summary still shows everything


def test_practice_command_ends_cleanly_at_end_of_input(cli):
    result = cli("practice", "--shop", "demo-beauty", "--persona", "砍价型", "--seed", "4", input="您好，请问想看哪款？\n")
    assert result.code == 0, result.output
    assert "练习总结" in result.stdout and "未完成" in result.stdout and "Traceback" not in result.output
    empty = cli("practice", "--shop", "demo-beauty", "--seed", "4", input="")
    assert empty.code == 0 and "练习总结" in empty.stdout


def test_practice_command_refuses_a_too_long_reply_and_goes_on(cli):
    result = cli("practice", "--shop", "demo-fashion", "--persona", "silent-tee", "--seed", "1",
                 input="好" * 900 + "\n结束\n")
    assert result.code == 0, result.output
    assert "回复太长了" in result.stdout and "练习总结" in result.stdout


@pytest.mark.parametrize(("args", "line"), [
    (("--persona", "nobody"), "没有顾客画像“nobody”"),
    (("--transcript-out", "x.pdf"), "不支持的输出格式"),
    (("--engine", "gpt"), "--engine 的值“gpt”不可用"),
])
def test_practice_command_bad_options_are_one_line(cli, args, line):
    from tests.conftest import assert_one_error_line

    assert_one_error_line(cli("practice", "--shop", "demo-fashion", *args, input=""), line)


def test_practice_command_lists_personas(cli):
    result = cli("practice", "--shop", "demo-beauty", "--list")
    assert result.code == 0
    assert "complaint-serum" in result.stdout and "售后投诉型" in result.stdout
    missing = cli("practice", "--shop", "dev-pets", "--list")
    assert missing.code == 2 and "还没有练习用的顾客画像" in missing.stderr

"""The form of an answer, apart from what it says: conclusion first and points numbered (structure), and an SMS's
signature and length (sms). Checks of the rules scorer (grading/rules.py)."""

import re
from typing import TYPE_CHECKING

from aigc_cs.grading.models import Fault

if TYPE_CHECKING:
    from aigc_cs.grading.rules import Context

_NUMBERED = re.compile(r"(?m)^\s*(?:\d+[.、．)]|[①②③④⑤]|第[一二三四五]、?)")
SMS_SEGMENT = 70  # characters in one SMS segment
SMS_SEGMENTS = 2
_SIGNATURE = re.compile(r"^\s*【([^】]{2,20})】")
_SEQUENCE = re.compile(r"先|再|然后|之后|接着|最后|首先|其次")
_OPENERS = re.compile(r"^(?:您好|你好|亲|哈喽|感谢|谢谢|关于|针对|这个问题|嗯)")
# a yes/no answer given first (可以, 不能, 不建议, 需要的)
_VERDICT = re.compile(r"^(?:不|没)?(?:可以|能|行|需要|用|建议|是|会|有|支持|包邮|适合|一样)(?:的|哦|呢)?(?:[，,。！!；;]|$)")


def numbered_points(text: str) -> int:
    """How many lines begin with a point number (1. / ① / 第一、)."""
    return len(_NUMBERED.findall(text))


def structure(ctx: "Context") -> tuple[float, list[Fault]]:
    """`_layout`, a level lower when an extreme claim (全网最好, 100%没问题) stands where the conclusion should be: a
    slogan is no answer."""
    score, faults = _layout(ctx)
    slogans = [h.quote for h in ctx.lexicon if h.kind == "extreme"]
    if score > 0 and slogans:
        return score - 1 / 3, [*faults, Fault(kind="missing", message=f"“{slogans[0]}”这类口号顶替不了结论：开头直接回答顾客的问题")]
    return score, faults


def _layout(ctx: "Context") -> tuple[float, list[Fault]]:
    """Conclusion first; several points or steps numbered; a simple question answered in a sentence or two.
    Levels (of 3): nothing said 0, a bare fragment or a conclusion buried under small talk 1/3, several steps in
    one run 2/3, otherwise 1."""
    size = len(re.sub(r"[\W_]", "", ctx.text))
    numbered = numbered_points(ctx.text) >= 2
    first = next(iter(re.findall(r"[^。！？!?\n；;]+", ctx.text)), "").strip()  # "不能。" too is a first sentence
    verdict = bool(_VERDICT.match(first))  # "不能，狗会咬碎吞下去": the answer comes first
    if ctx.stalls and not ctx.claims and not ctx.from_documents:
        return 0.0, [Fault(kind="missing", message="没有给出结论：只说要去核实、让顾客等，顾客还是不知道答案")]
    if not ctx.on_topic and not verdict and not re.search(r"\d", ctx.text):  # "2天" is a bare answer too
        return 0.0, [Fault(kind="missing", message="没有给出结论，顾客看完还是不知道答案")]
    if size < 8:
        return (2 / 3 if verdict else 1 / 3), [Fault(kind="missing", message="太短，没有把结论和条件说成完整的一两句话")]
    if not numbered and size > 120 and _OPENERS.match(first):
        return 1 / 3, [Fault(kind="missing", message="结论埋在寒暄后面：第一句就给出答案")]
    clauses = [c for c in re.split(r"[，,。；;！!？?\n]", ctx.text) if len(c.strip()) >= 3]
    steps = sum(1 for c in clauses if _SEQUENCE.search(c))
    # after a verdict ("不建议。…") one 再 is no sequence of steps
    if not numbered and len(clauses) >= 5 and (steps >= (2 if verdict else 1) or size > 100):
        return 2 / 3, [Fault(kind="missing", message="几个要点或步骤写在一段里：用1、2、3分条")]
    return 1.0, []


def sms(ctx: "Context") -> tuple[float, list[Fault]]:
    """An SMS: signed 【店名】 at the start, and at most two segments of 70 characters."""
    faults = []
    signature = _SIGNATURE.match(ctx.text)
    name = ctx.shop.info.name
    if not signature or not (signature.group(1) in name or name in signature.group(1)
                             or len(set(signature.group(1)) & set(name)) >= 2):
        faults.append(Fault(kind="sms", message=f"短信开头要署店铺名，例如“【{name}】”"))
    size = len(re.sub(r"\s", "", ctx.text))
    if size > SMS_SEGMENT * SMS_SEGMENTS:
        faults.append(Fault(kind="sms", message=f"共{size}字，会拆成{-(-size // SMS_SEGMENT)}条短信（每条{SMS_SEGMENT}字），"
                                                f"最多{SMS_SEGMENTS}条"))
    return 1.0 - len(faults) / 2, faults

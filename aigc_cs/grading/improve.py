"""An improved version of a student's answer that keeps the student's own wording where it is sound.

The student's sentences stay, minus every one the grader flagged (a policy error, a banned word, an extreme word,
slang, blame-shifting, pressure selling, a rhetorical question, stalling, an unauthorised offer, a repetition) or
an injection attempt, and with homophone typos corrected. What the grade found missing
(greeting, the needed facts, a next step, the farewell) is filled in from the matching generation task's text.
"""

import re
from functools import lru_cache

from aigc_cs.grading.models import Grade
from aigc_cs.guard.claims import extract
from aigc_cs.guard.injection import without_injections
from aigc_cs.guard.typos import find_typos
from aigc_cs.tasks.steps import detect_steps_in_text
from aigc_cs.text import normalize

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_DROP_KINDS = {"policy", "banned", "extreme", "slang", "phrase", "offer", "blame", "pressure", "rhetorical", "stall"}


def _sentences(text: str) -> list[str]:
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()]


@lru_cache(maxsize=256)  # a class's reference answer is the same for every student
def _done(text: str) -> dict[str, str]:
    """The steps a text does well, each with the line that shows it."""
    return {c.name: c.quote for c in detect_steps_in_text(text) if c.status == "ok"}


def improve(grade: Grade, reference: str) -> str:
    """Merge the student's sound sentences with what `reference` (a generated model answer) adds."""
    text = normalize(without_injections(grade.answer))
    for typo in sorted(find_typos(text), key=lambda t: -t.start):
        text = text[: typo.start] + typo.suggestion + text[typo.end:]
    bad = [f.quote for f in grade.faults if f.kind in _DROP_KINDS and f.quote]
    kept = list(dict.fromkeys(s for s in _sentences(text) if not any(q in s for q in bad)))  # a repeat goes too
    ref_sentences = _sentences(reference)
    ref_steps = _done(reference)
    have = _done("\n".join(kept))
    body = list(kept)
    missing_facts = {f.message for f in grade.faults if f.kind == "missing" and f.message.startswith("没有说明")}
    if missing_facts or not body:
        stated = {c.key for c in extract("".join(body))}
        body += [s for s in ref_sentences if any(c.key not in stated for c in extract(s)) and s not in body]
    for step in ("商品推荐", "促成订单"):
        if step not in have and step in ref_steps and _whole(ref_steps[step]) not in body:
            body.append(_whole(ref_steps[step]))  # one line of the reference's list, read on its own
    if "迎接问好" not in have and "迎接问好" in ref_steps:
        body.insert(0, ref_steps["迎接问好"])
    if "礼貌告别" not in have and "礼貌告别" in ref_steps:
        body.append(ref_steps["礼貌告别"])
    return "".join(s if s.endswith(("。", "！", "？", "!", "?")) else s + "。" for s in body)


_LIST_MARK = re.compile(r"^\s*(?:\d+[.、．)]|[①②③④⑤]|[-*•])\s*")


def _whole(sentence: str) -> str:
    """A line taken on its own reads as a sentence: no list number left from the reference's list, and a full stop in
    place of the list's ；/，/： (1. 在订单页点“申请售后”，选好退货原因； → 在订单页点“申请售后”，选好退货原因。)."""
    sentence = _LIST_MARK.sub("", sentence).rstrip("；;，,：: ")
    return sentence if sentence.endswith(("。", "！", "？", "!", "?")) else sentence + "。"

"""A list item said with the sentence that introduces it: "下面这些不算质量问题：" then 宝宝咬出来的牙印… (alone the
item may say the opposite of what the shop wrote), and the introducing sentence that says nothing alone."""

import re

from aigc_cs.kb.answerable import Found
from aigc_cs.kb.shops import BULLET


def framed(found: Found) -> Found:
    """A list item said with the sentence that introduces it ("下面这些不算质量问题：" + 宝宝咬出来的牙印…): alone it may
    say the opposite of what the shop wrote."""
    lines = found.chunk.text.splitlines()
    at = next((n for n, line in enumerate(lines) if BULLET.match(line) and found.sentence.rstrip("。") in line), None)
    if at is None:
        return found
    intro = next((line.strip() for line in reversed(lines[:at]) if not BULLET.match(line)), "")
    intro = re.split(r"(?<=[。！？])", intro)[-1].strip()  # …都可以找我们。下面这些算质量问题： → its last sentence
    return found.model_copy(update={"sentence": intro + found.sentence}) if intro.endswith(("：", ":")) else found


LIST_CHARS = 120  # a list this short is said whole after the sentence that introduces it


def with_list(found: Found) -> Found | None:
    """A list item or the sentence that introduces its list (请准备这几样：) said as the whole list, when its items are
    short enough to say together (请准备这几样：快递外箱和面单的照片；问题商品的照片或小视频；包装上印的生产日期。)."""
    lines = found.chunk.text.splitlines()
    sentence = found.sentence.strip().rstrip("。")
    at = next((n for n, line in enumerate(lines) if sentence and sentence in line), None)
    if at is None:
        return None
    while at > 0 and (BULLET.match(lines[at]) or not lines[at].strip()):
        at -= 1
    intro = re.split(r"(?<=[。！？])", lines[at].strip())[-1].strip()
    if not introduces(intro):
        return None
    items: list[str] = []
    for line in lines[at + 1:]:
        if line.strip() and not BULLET.match(line):
            break
        if line.strip():
            items.append(BULLET.sub("", line).strip().rstrip("；;。，,"))
    said = "；".join(items)
    return found.model_copy(update={"sentence": f"{intro}{said}。"}) if items and len(said) <= LIST_CHARS else None


def introduces(sentence: str) -> bool:
    """A sentence that only introduces a list (下面这些不算质量问题：): said alone it tells nothing."""
    return sentence.rstrip().endswith(("：", ":"))

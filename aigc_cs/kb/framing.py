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


def introduces(sentence: str) -> bool:
    """A sentence that only introduces a list (下面这些不算质量问题：): said alone it tells nothing."""
    return sentence.rstrip().endswith(("：", ":"))

"""The one-letter trait a yes-no question asks about (透不透, 会漏吗) and the state a customer says a product is in
(有点软了): which of the sentences nearest in meaning states that trait or names that state."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aigc_cs.text import normalize

if TYPE_CHECKING:
    from aigc_cs.kb.answerable import Found

# the one-letter trait a yes-no question asks about (辣不辣, 透不透, 会漏吗, 易碎不): too short for a word of its own,
# yet the whole question (a state, not an act: 收不收 asks no trait)
_TRAIT = re.compile(r"([\u4e00-\u9fff])不\1|(?:会|易|容易)([\u4e00-\u9fff])(?:吗|不|么|嘛|没|啊|$|\s)")
_TRAITS = frozenset("辣甜脆透厚薄软硬重轻漏碎黄亮暗吵响热烫冷凉沉滑臭香咸酸苦腥闷扎勒紧松宽窄粘糊涩腻痒掉塌晃稳潮胀")
TRAIT_TOP = 8  # a sentence naming the asked trait answers among this many nearest in meaning (anywhere in the file, one
# that states it: 不辣, 微辣, 辣度)


def trait(message: str, names: list[str]) -> str | None:
    """The one-letter trait a question asks about, unless it is in the product's own name (辣 of 麻辣鸭脖)."""
    found = [a or b for a, b in _TRAIT.findall(normalize(message))]
    return next((t for t in found if t in _TRAITS and not any(t in n for n in names)), None)


_TRAIT_ALSO = {"扎": "刺"}  # a trait a file writes with another letter (扎不扎人: 可能会有一点点刺感)


def stated(asked: str) -> re.Pattern[str]:
    """How a sentence states a trait (三样都不辣, 白色穿着也不透, 辣度是…)."""
    said = f"(?:{asked}|{_TRAIT_ALSO[asked]})" if asked in _TRAIT_ALSO else asked
    return re.compile(rf"(?:不|没|微|偏|很|较|超|有点|一点点?|不会|不太|特别){said}(?!气)|{said}度")


def stated_trait(message: str, near: list[Found], names: list[str]) -> Found | None:
    """Among the sentences nearest in meaning, the first that states the trait a yes-no question asks (白T透不透 →
    白色穿着也不透; not 吸汗透气, nearer as it may be)."""
    asked = trait(message, names)
    return next((f for f in near[:TRAIT_TOP] if stated(asked).search(f.sentence)), None) if asked else None


# the one-letter state a customer says something is in (有点软了, 变硬了, 发黏): what to do about it is asked
_STATE = re.compile(r"(?:(?<=有点)|(?<=有些)|(?<=变)|(?<=变得)|(?<=发))([\u4e00-\u9fff])|([\u4e00-\u9fff])(?=了)")
STATE_TOP = 2  # a sentence naming that state answers among this many nearest in meaning (坚果…只是有点软了，可以用烤箱…)


def in_state(message: str, near: list[Found], names: list[str]) -> Found | None:
    """Among the very nearest sentences in meaning, the first that names the state the customer says the product is in,
    as a state too (坚果放久了有点软 还能救不 → 坚果没变味、只是有点软了，可以用烤箱150度烤5分钟; not 包装最窄那面 for 楼梯
    太窄)."""
    def states(text: str) -> set[str]:
        return {a or b for a, b in _STATE.findall(normalize(text))} & _TRAITS

    asked = {t for t in states(message) if not any(t in n for n in names)}
    return next((f for f in near[:STATE_TOP] if asked & states(f.sentence)), None) if asked else None

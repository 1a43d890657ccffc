"""Signs in a customer's words that a problem has happened or may happen (漏了, 只到了3件, 磕了个坑): the words come
from `signs` of corpus/phrasebook/intents.yaml; a sign after 防/不/没… is what the product is made not to do."""

import re

_FEATURE = re.compile(r"(?:防|抗|耐|免|不|没)$")  # 防胀气, 耐摔, 不漏
_HELD = re.compile(r"还能(?:吃|喝|用)")  # 结块了 这还能喝吗: the customer has it in hand
_CONDITION = re.compile(r"过敏(?!了)")  # 我花生过敏 (月饼能吃吗): the customer's own condition, not what the product did


_ASKED = re.compile(r"[不吗么嘛](?=[\s，,。!！?？~]|$)")  # 掉色不, 会漏吗: asked of the product, not said to have happened
_COUNTS = re.compile(r"(?:算|是|属于)$")  # …unless asked whether what happened counts as one (纹路有浅色的 算瑕疵吗)


def _said(text: str, start: int, end: int) -> bool:
    asked = bool(_ASKED.match(text, end)) and not _COUNTS.search(text[:start])
    return not _FEATURE.search(text[:start]) and not _CONDITION.match(text, start) and not asked


def signed(words: list[str], text: str) -> bool:
    """One of `words` occurs in `text` (lower-cased), not as what the product is made not to do (防胀气, 不漏), nor as
    the customer's own condition (我花生过敏; 用了过敏了 is a problem), nor asked of the product (牛仔裤掉色不)."""
    return any(_said(text, m.start(), m.end()) for w in words for m in re.finditer(re.escape(w.lower()), text))


def held(text: str) -> bool:
    """The customer says they have the product in hand (这还能喝吗, 还能吃不)."""
    return bool(_HELD.search(text))

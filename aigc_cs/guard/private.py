"""Private data in a text: mobile numbers, ID card numbers, order and waybill numbers, street addresses. A public
reply must never repeat them (a customer may put them in a review); `mask` hides them before a text is shown or
sent to a model."""

import re
from typing import Literal

from pydantic import BaseModel

from aigc_cs.text import normalize

PrivateKind = Literal["phone", "id_card", "order", "address", "name"]
KIND_NAMES: dict[str, str] = {"phone": "手机号", "id_card": "身份证号", "order": "订单号或快递单号", "address": "详细地址",
                              "name": "收货人姓名"}
_CJK = r"[\u4e00-\u9fff]"
# checked in this order: a span taken by one kind is not matched again by a later one
_PATTERNS: list[tuple[PrivateKind, re.Pattern[str]]] = [
    ("id_card", re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")),
    ("phone", re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")),
    ("order", re.compile(r"(?:订单编号|订单号|订单|运单号|快递单号|物流单号|单号)\s*(?:是|为)?\s*[:：#]?\s*"
                         r"[A-Za-z]{0,4}\d[0-9A-Za-z-]{5,}|(?<![0-9A-Za-z])[A-Za-z]{0,4}\d{10,}(?![0-9A-Za-z])"
                         r"|(?:订单|单号|手机|电话|号码)?尾号\s*(?:是|为)?\s*[:：]?\s*\d{3,6}(?!\d)")),
    # a recipient's name told back in public, whole or masked (收货人张**, 收件人：李明)
    ("name", re.compile(rf"(?:收货人|收件人|签收人)\s*(?:是|为)?\s*[:：]?\s*(?!信息|姓名|名字|地址|电话|手机|本人|那边|这边|一栏|填写|写错|签收)"
                        rf"{_CJK}(?:[*＊xX×]{{1,3}}|{_CJK}{{1,2}}(?=[，,。；;）)\s]|$))")),
    ("address", re.compile(rf"{_CJK}{{1,12}}(?:路|街|大道|巷|弄|胡同)\s*\d+\s*号(?:{_CJK}{{0,4}}\d+\s*(?:室|楼|单元|栋|幢|号楼))*"
                           rf"|{_CJK}{{2,12}}(?:小区|公寓|花园|大厦|新村|家园)\s*\d+\s*(?:栋|幢|号楼|单元|号)[0-9\-\s单元室楼号]*"
                           r"|\d+\s*(?:栋|幢|号楼)\s*\d+\s*单元\s*\d+\s*(?:室|号)?"
                           # where the customer lives, told back in public (您在北京朝阳区); not a region (偏远地区)
                           rf"|(?<=您在|你在|住在|家在){_CJK}{{2,4}}(?:省|市)?{_CJK}{{1,4}}(?<![地市城景园小社山])(?:区|县)")),
]


class PrivateHit(BaseModel):
    kind: PrivateKind
    quote: str
    start: int
    end: int

    def message(self) -> str:
        return f"{KIND_NAMES[self.kind]}“{self.quote}”：公开的回复和群发的消息里不能出现顾客的隐私信息，请删去，需要核对时在私信里进行"


def private_data(text: str) -> list[PrivateHit]:
    """Every piece of private data in `text` (normalised), in order."""
    text = normalize(text)
    hits: list[PrivateHit] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not any(m.start() < h.end and m.end() > h.start for h in hits):
                hits.append(PrivateHit(kind=kind, quote=m.group(0).strip(), start=m.start(), end=m.end()))
    return sorted(hits, key=lambda h: h.start)


def mask(text: str) -> str:
    """`text` (normalised) with every piece of private data replaced by a placeholder such as 【手机号已隐去】."""
    text = normalize(text)
    for hit in reversed(private_data(text)):
        text = text[: hit.start] + f"【{KIND_NAMES[hit.kind]}已隐去】" + text[hit.end:]
    return text

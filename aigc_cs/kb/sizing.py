"""Size advice from a product's size section: the size whose ranges hold the customer's height, weight, waist
or bust ("160 100斤" -> M码). Used by the reply and rewrite tasks."""

import re

from aigc_cs.text import normalize

_SENTENCE = re.compile(r"[^。！？]+[。！？]?")


def sentences(text: str) -> list[str]:
    out = [s.strip() for s in _SENTENCE.findall(re.sub(r"^【[^】]*】\s*", "", text))]
    return [s if s.endswith(("。", "！", "？")) else s + "。" for s in out if len(s) > 1]


_RANGE = re.compile(r"(身高|体重|胸围|腰围)\s*(\d+)\s*[–—\-~～到至]\s*(\d+)")
_HEIGHT = re.compile(r"身高\s*(1[4-8]\d)|(1[4-8]\d)\s*(?:cm|厘米|公分)")
_BARE_HEIGHT = re.compile(r"(?<![\d.])(1[4-8]\d)(?![\d.]|\s*(?:斤|元|块|kg|公斤|千克|毫升|克))")
_WEIGHT = re.compile(r"(\d{2,3})\s*(斤|kg|公斤|千克)")
_WAIST = re.compile(r"腰围\s*(\d{2,3})|(\d)\s*尺\s*(\d)?")
_BUST = re.compile(r"胸围\s*(\d{2,3})")


def _measures(question: str) -> dict[str, tuple[float, str]]:
    """Height, weight (斤), waist and bust (厘米) a customer gave, each with how to say it back."""
    text = normalize(question).lower()
    found: dict[str, tuple[float, str]] = {}
    weight = _WEIGHT.search(text)
    height = _HEIGHT.search(text) or (_BARE_HEIGHT.search(text) if weight else None)
    if height:
        cm = float(next(g for g in height.groups() if g))
        found["身高"] = (cm, f"身高{cm:g}厘米")
    if weight:
        jin = float(weight.group(1)) * (1 if weight.group(2) == "斤" else 2)
        found["体重"] = (jin, f"体重{jin:g}斤")
    if m := _WAIST.search(text):
        if m.group(1):
            found["腰围"] = (float(m.group(1)), f"腰围{m.group(1)}厘米")
        else:
            cm = round((int(m.group(2)) + int(m.group(3) or 0) / 10) * 100 / 3)
            found["腰围"] = (float(cm), f"腰围{m.group(0).strip()}（约{cm}厘米）")
    if m := _BUST.search(text):
        found["胸围"] = (float(m.group(1)), f"胸围{m.group(1)}厘米")
    return found


def size_advice(section: str, question: str) -> dict | None:
    """The size whose ranges hold the customer's height, weight, waist or bust, read from the size section."""
    measures = _measures(question)
    if not measures:
        return None
    scored = []
    for clause in re.split(r"[；;。]", section):
        label = re.search(r"([A-Z]{1,3})码", clause)
        if not label:
            continue
        hits = sum(1 for key, low, high in _RANGE.findall(clause)
                   if key in measures and float(low) <= measures[key][0] <= float(high))
        if hits:
            scored.append((hits, label.group(1) + "码", clause.strip("：: ")))
    if not scored:
        return None
    best = max(h for h, _, _ in scored)
    sizes = [(label, clause) for h, label, clause in scored if h == best]
    tip = next((s for s in sentences(section) if "建议" in s and not re.search(r"[A-Z]码\S*\d", s)), "")
    said = "、".join(said for _, said in measures.values())
    return {"measures": said, "sizes": [s for s, _ in sizes], "clauses": [c for _, c in sizes], "tip": tip}

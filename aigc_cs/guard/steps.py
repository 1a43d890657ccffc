"""Which of the five pre-sale steps (迎接问好 → 解答疑问 → 商品推荐 → 促成订单 → 礼貌告别) a text contains.

Each step is recognised by its typical wording in its typical place: a greeting near the start, a farewell
near the end, answers, recommendations and order-closing phrases anywhere. Returns the sentence that shows it.
"""

import re

from aigc_cs.text import normalize

STEPS = ("迎接问好", "解答疑问", "商品推荐", "促成订单", "礼貌告别")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_GREETING = re.compile(r"您好|你好|欢迎(光临|来到|您)|很高兴为您服务|我是.{0,6}客服|在的呢?，?(请问|您)")
_ANSWER = re.compile(r"可以|支持|不支持|能|需要|由|承担|内|元|天|小时|工作日|是|适合|材质|成分|尺码|建议")
_RECOMMEND = re.compile(r"推荐|搭配|建议您|适合您|可以试试|也可以看看|这款|同系列|一起用|一起买|入手|备选|另一款|比较适合")
_CLOSE = re.compile(r"下单|拍下|库存|现在购买|付款|地址|申请售后|订单页|备注|为您安排|帮您安排|给您申请|帮您申请|帮您留意|优惠券|活动|确认一下")
_FAREWELL = re.compile(r"感谢|谢谢|祝您|随时(联系|找|问)|欢迎再来|欢迎下次|期待|再见|有(任何|其他)?(问题|需要).{0,6}(找我|联系)")


def detect_steps(text: str) -> dict[str, str]:
    """Map each step found to the sentence that shows it."""
    text = normalize(text)
    sentences = [m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()]
    if not sentences:
        return {}
    found: dict[str, str] = {}
    first, last = sentences[:2], sentences[-2:]
    greeting = next((s for s in first if _GREETING.search(s)), None)
    if greeting:
        found["迎接问好"] = greeting
    farewell = next((s for s in reversed(last) if _FAREWELL.search(s)), None)
    if farewell and (farewell != greeting or len(sentences) == 1):
        found["礼貌告别"] = farewell
    middle = [s for s in sentences if s not in (greeting, farewell)]
    for step, pattern in (("解答疑问", _ANSWER), ("商品推荐", _RECOMMEND), ("促成订单", _CLOSE)):
        hit = next((s for s in middle if pattern.search(s) and len(s) >= 6), None)
        if hit:
            found[step] = hit
    return found

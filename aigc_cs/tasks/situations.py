"""The shop's own line for a question asked in a situation its general answer does not fit: a buyer whose price
dropped asks for the difference (the shop's 不补差价 line, not the bargain template), a customer whose order has not
shipped asks how fast a refund comes (the line on refunds before shipping, not the one on returned parcels), a
customer asks which courier carries the parcel (the shop's 默认发中通 line, not only how many hours it ships in)."""

import re
from typing import NamedTuple

from aigc_cs.guard.check import agrees_with_facts
from aigc_cs.kb.answerable import Found, policy_line
from aigc_cs.kb.intents import Intent
from aigc_cs.kb.models import Chunk, Shop
from aigc_cs.kb.unconfirmed import covering

# a buyer telling that the price moved (刚买就降价, 买完便宜了20): a bargain question of theirs asks for the difference
PRICE_DROP = re.compile(r"降价|降了|便宜了|便宜\d|差价|价保|保价|价格变|变价|买贵|少了\d|活动价|优惠了|现在(?:卖|才|只要|只卖)")
_UNSHIPPED = re.compile(r"(?:还|都)?没(?:有)?(?:发货|发出|寄出)|未发货|还没发")
_COURIERS = "顺丰|中通|圆通|韵达|申通|京东|邮政|极兔|EMS|德邦"
_WHICH_COURIER = re.compile(rf"(?:什么|啥|哪家|哪个|哪种)快递|走(?:什么|啥)|(?:{_COURIERS})(?:快递)?(?:吗|不|没|么)")
_DEFAULT_COURIER = re.compile(rf"默认(?:发|走|用)|(?:统一|一般|都)(?:发|走|用)(?:的是)?(?:{_COURIERS})")


class Situation(NamedTuple):
    intent: str
    said: re.Pattern[str]  # the customer's words that set the situation
    bought: bool  # …said by a customer who told that they bought
    rule: re.Pattern[str]  # the policy line for it
    alone: bool = False  # …which the general rule's details would contradict: none are added


SITUATIONS = [
    # a shop's rule on a price that dropped after the purchase (not the courier's price difference: 顺丰要补运费差价)
    Situation("bargain", PRICE_DROP, True, re.compile(r"^(?!.*(?:顺丰|快递|运费|邮费|京东|物流)).*(?:差价|价保|保价)")),
    # 还没发货我不想要了 退款快不: 还没发货的订单申请退款，24小时内处理
    Situation("refund_time", _UNSHIPPED, False, re.compile(
        r"(?:未|没|还没)(?:有)?发(?:货|出)[^。；;]{0,12}退款|退款[^。；;]{0,12}(?:未|没|还没)(?:有)?发(?:货|出)"), alone=True),
    # 发啥快递 顺丰吗: 默认发中通…
    Situation("delivery_time", _WHICH_COURIER, False, _DEFAULT_COURIER),
    Situation("ship_time", _WHICH_COURIER, False, _DEFAULT_COURIER),
]


def situation_lines(message: str, intents: list[Intent], shop: Shop, chunks: list[Chunk], bought: bool
                    ) -> dict[str, Found]:
    """For each intent asked in a situation of `SITUATIONS`, the shop's own line for it, when it wrote one that agrees
    with its facts; and for the first intent, the shop's line covering a specific asked of it (`covering`: where parcels
    leave from, which couriers it sends with)."""
    rules = [c for c in chunks if c.source == shop.policy_source]
    asked = {i.id for i in intents}
    found = {s.intent: line for s in SITUATIONS if s.intent in asked and s.said.search(message)
             and (bought or not s.bought) and (line := policy_line(rules, s.rule)) is not None
             and agrees_with_facts(line.sentence, shop)}
    rule = covering(message)  # 你们从哪儿发货: 仓库在浙江义乌, said before how many hours the shop ships in
    line = policy_line(rules, rule) if rule is not None and intents and intents[0].id not in found else None
    if line is not None and agrees_with_facts(line.sentence, shop):
        found[intents[0].id] = line
    return found


def alone(found: dict[str, Found]) -> set[str]:
    """The intents of `situation_lines` whose line takes no details of the general rule."""
    return {s.intent for s in SITUATIONS if s.alone and s.intent in found}


def unshipped(message: str) -> bool:
    """The customer says the order has not shipped yet (还没发货我不想要了)."""
    return bool(_UNSHIPPED.search(message))

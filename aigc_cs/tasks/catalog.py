"""What a customer asks of the shop's catalog: whether it sells something (有没有香蕉, 电热毯卖吗), whether it sells one
thing the message names and nothing else (有凉席吗), and whether a name the customer typed is one of a product's names
with letters left out (碎花裙 of 法式碎花连衣裙)."""

import re

from aigc_cs.kb.models import Product
from aigc_cs.text import normalize

# a customer asking whether the shop has or sells something (有没有香蕉, 榴莲卖不卖): no product named, it hears the list
STOCK_ASK = re.compile(r"有卖|卖不卖|卖吗|卖不|(?:有没有|有)[\u4e00-\u9fff]{1,4}(?:卖|的)?(?:吗|没|不)?$")
SELLS = re.compile(r"(?<![热买])卖(?![点家场])")  # …in so many words (电热毯卖吗, 你们卖电热毯不), not 有香精没 of a product named by a word of its own

# the whole message asks whether the shop sells one thing (有凉席吗, 毛毯卖吗, 你家有没有卖蚕丝被): the thing
_SELLS_ONE = re.compile(r"^(?:你们|你家|店里|咱家)?(?:有没有卖?|有卖|有)(\w{2,12}?)卖?(?:吗|没|不|么|呢|嘛|啊)?$"
                        r"|^(?:你们|你家|店里|咱家)?的?(\w{2,12}?)(?:有吗|有没有|有没|有不|卖吗|卖不卖|卖不|有卖吗|有卖不)$")


def shortens(word: str, product: Product) -> bool:
    """`word` is one of the product's names with letters left out (碎花裙 of 法式碎花连衣裙, 毛毯 of 加厚法兰绒毛毯), not
    another version of it (80支的四件套 of 60支长绒棉贡缎四件套)."""
    def within(name: str) -> bool:
        rest = iter(name.lower())
        return all(char in rest for char in word.lower())

    return len(word) >= 2 and any(within(n) for n in product.names())


def asked_for_one(message: str) -> str:
    """The one thing a message that asks nothing else asks the shop to sell ("" when it asks more or something else)."""
    found = _SELLS_ONE.match(re.sub(r"[\W_]+$", "", normalize(message).strip()))
    return next((g for g in found.groups() if g), "") if found else ""

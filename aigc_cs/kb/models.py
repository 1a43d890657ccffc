"""Data models of the knowledge base: shops and their facts, products, chunks and passages."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from aigc_cs.errors import UserError

DocType = Literal["course", "policy", "product", "faq", "phrasebook"]
DOC_TYPES: tuple[str, ...] = ("course", "policy", "product", "faq", "phrasebook")
SHOP_DOC_TYPES: list[str] = ["policy", "product", "faq"]  # what answers a customer of one shop
COMMON_SHOP = "*"  # chunks shared by every shop (course, phrase book)
Payer = Literal["shop", "buyer"]
SHOP_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"  # also a file name in the index: never a path


def valid_shop_id(value: str) -> str:
    """`value` when it can be a shop id; otherwise one Chinese line. Every option that names a shop goes through it."""
    if re.fullmatch(SHOP_ID, value) is None:
        raise UserError(f"店铺 ID“{value}”无效：只能用字母、数字、- 和 _（以字母或数字开头，最长 64 个字符），"
                        "已导入的店铺见 aigc-cs shops")
    return value


class ShopInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SHOP_ID)
    name: str
    category: str


# The largest sane value of each numeric fact and its unit: a larger one is a typo (an extra 0) or an attack.
FACT_LIMITS: dict[str, tuple[int, str]] = {
    "no_reason_return_days": (365, "天"), "ship_within_hours": (720, "小时"), "refund_working_days": (365, "天"),
    "quality_claim_days": (365, "天"), "aftersale_reply_minutes": (10080, "分钟"),
    "free_shipping_threshold_yuan": (100000, "元"), "bargain_limit_yuan": (100000, "元"),
}


class PolicyFacts(BaseModel):
    """The machine-readable policy of one shop, read from the YAML front matter of its policy.md."""

    model_config = ConfigDict(extra="forbid")
    no_reason_return_days: int = Field(ge=0, description="无理由退货天数，0 表示不支持")
    no_reason_exchange: bool = Field(default=True, description="无理由期内能否换货；false = 只退不换")
    return_condition: str
    return_shipping_quality_issue: Payer
    return_shipping_buyer_reason: Payer
    freight_insurance: bool
    ship_within_hours: int = Field(gt=0)
    free_shipping_threshold_yuan: float | None = Field(ge=0, description="满多少元包邮；0 = 全场包邮；null = 不包邮")
    bargain_limit_yuan: float = Field(ge=0, description="客服可让价上限；0 = 不议价")
    refund_working_days: int = Field(gt=0)
    invoice: Literal["after_receipt", "after_shipping", "with_order", "none"]
    quality_claim_days: int = Field(ge=0)
    aftersale_reply_minutes: int = Field(gt=0)
    delay_compensation: str | None

    @field_validator(*FACT_LIMITS)
    @classmethod
    def _within_limit(cls, value: float | None, info: ValidationInfo) -> float | None:
        limit, unit = FACT_LIMITS[str(info.field_name)]
        if value is not None and not value <= limit:  # `not <=` also refuses NaN
            raise PydanticCustomError("fact_too_large", "应不超过 {limit} {unit}（多写了 0？）",
                                      {"limit": limit, "unit": unit})
        return value


class ProductSection(BaseModel):
    title: str  # the heading as written in the file
    text: str


class Product(BaseModel):
    name: str
    aliases: list[str] = []
    price_yuan: float | None = None
    source: str
    sections: dict[str, ProductSection] = Field(
        default_factory=dict, description="keyed by material/size/suitable/selling/care/related"
    )
    text: str = Field(default="", description="the file's body: its own cases too (刻了字不支持无理由退换)")

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Shop(BaseModel):
    info: ShopInfo
    facts: PolicyFacts
    policy_source: str
    policy_sections: list[str] = []
    policy_text: str = Field(default="", description="the policy's prose: its own exceptions too (刻字的保温杯72小时内发出)")
    products: list[Product] = []

    def product(self, name: str) -> Product | None:
        for product in self.products:
            if name in product.names():
                return product
        return None


class Chunk(BaseModel):
    id: str
    text: str
    shop: str
    doc_type: DocType
    source: str
    section: str
    origin: str = Field(description="absolute path of the file the chunk came from")

    def metadata(self) -> dict[str, str]:
        return {"shop": self.shop, "doc_type": self.doc_type, "source": self.source, "section": self.section}


class Passage(BaseModel):
    text: str
    shop: str
    doc_type: DocType
    source: str
    section: str
    score: float
    chunk_id: str


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)
    source: str
    section: str

    def __str__(self) -> str:
        return f"{self.source} · {self.section}" if self.section else self.source

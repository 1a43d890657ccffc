"""Default customers for a shop that brings no persona file of its own: the four of ``corpus/personas/_derived.yaml``,
each wanting one of the shop's products (named in their lines), with doubts that the shop's policy facts answer. The
result is the data of a persona file, for `personas.read_personas` to validate like any other (as `TEMPLATE`)."""

from aigc_cs.errors import UserError
from aigc_cs.kb.models import Shop
from aigc_cs.practice.personas import PERSONAS_DIR, settings

TEMPLATE = f"corpus/{PERSONAS_DIR}/_derived.yaml"
PRODUCT = "{product}"
FILLED = ("profile", "opening", "details", "doubts")  # the fields whose text may name the product


def _fill(value: object, name: str) -> object:
    if isinstance(value, str):
        return value.replace(PRODUCT, name)
    if isinstance(value, list):
        return [_fill(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, name) for k, v in value.items()}
    return value


def derived_personas(shop: Shop) -> dict | None:
    """A persona file (as data) for `shop`; None when the shop has no product for a customer to want."""
    if not shop.products:
        return None
    template = settings("derived").get("personas")
    if not isinstance(template, list):
        raise UserError(f"{TEMPLATE} 缺少 personas")
    personas = []
    for entry in template:
        product = shop.products[int(entry.get("product", 0)) % len(shop.products)].name
        personas.append({**entry, "product": product, **{k: _fill(entry[k], product) for k in FILLED if k in entry}})
    return {"shop": shop.info.id, "personas": personas}

"""Read a shop folder: policy.md (facts in YAML front matter, prose body) and products/*.md."""

import re
from pathlib import Path

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.kb.loaders import load
from aigc_cs.kb.models import PolicyFacts, Product, ProductSection, Shop, ShopInfo

POLICY_FILE = "policy.md"
PRODUCTS_DIR = "products"
# H2 headings of a product file, matched by keyword so that a dropped-in shop may word them its own way.
PRODUCT_SECTIONS = {
    "material": ("材质", "成分", "面料"),
    "size": ("规格", "尺码", "容量"),
    "suitable": ("适合", "适用", "人群"),
    "selling": ("卖点", "特点", "亮点"),
    "care": ("使用", "保养", "洗护", "用法"),
    "related": ("关联", "搭配", "推荐"),
}
_TYPE_WORDS = {
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "greater_than": "应大于 0",
    "greater_than_equal": "不能为负数",
}


def explain(exc: ValidationError, path: Path, model: type[BaseModel]) -> str:
    """Turn the first pydantic error into one Chinese line naming the file and the field."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "（整体）"
    kind = error["type"]
    if kind == "missing":
        return f"{path}：缺少字段 {field}，请在 YAML 头里补上（字段说明见 README）"
    if kind == "extra_forbidden":
        known = "、".join(model.model_fields)
        return f"{path}：未知字段 {field}（拼写错误？可用字段：{known}）"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{path}：字段 {field} 的值 {error.get('input')!r} 不可用，只能是 {allowed}"
    if kind == "string_pattern_mismatch":
        return f"{path}：字段 {field} 只能用字母、数字、- 和 _"
    reason = _TYPE_WORDS.get(kind, error["msg"])
    return f"{path}：字段 {field} 的值 {error.get('input')!r} 不对，{reason}"


def _sections(body: str) -> dict[str, ProductSection]:
    found: dict[str, ProductSection] = {}
    for block in re.split(r"(?m)^##\s+", body)[1:]:
        heading, _, content = block.partition("\n")
        key = next((k for k, words in PRODUCT_SECTIONS.items() if any(w in heading for w in words)), None)
        if key and key not in found:
            found[key] = ProductSection(title=heading.strip(), text=re.sub(r"\s*\n\s*", "\n", content.strip()))
    return found


def read_product(path: Path, source: str, max_bytes: int) -> Product:
    loaded = load(path, max_bytes)
    meta = loaded.front_matter
    title = re.search(r"(?m)^#\s+(.+)$", loaded.text)
    name = str(meta.get("name") or (title.group(1).strip() if title else path.stem))
    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list):
        raise UserError(f"{path}：字段 aliases 应是列表，例如 [保湿面霜, 面霜]")
    price = meta.get("price_yuan")
    if price is not None and not isinstance(price, int | float):
        raise UserError(f"{path}：字段 price_yuan 的值 {price!r} 不对，应为数字")
    return Product(name=name, aliases=[str(a) for a in aliases], price_yuan=price, source=source,
                   sections=_sections(loaded.text))


def read_shop(folder: Path, source_root: Path, max_bytes: int, shop_id: str | None = None) -> tuple[Shop, list[str]]:
    """Parse a shop folder into (shop, problems with single product files).

    `shop_id` (from ``--shop``) overrides the id in the front matter. A broken policy raises `UserError`.
    """
    policy = folder / POLICY_FILE
    if not policy.is_file():
        raise UserError(f"{folder}：不是店铺目录，缺少 {POLICY_FILE}（格式见 README 的“添加店铺”）")
    loaded = load(policy, max_bytes)
    meta = dict(loaded.front_matter)
    info_data = meta.pop("shop", None)
    if not isinstance(info_data, dict):
        raise UserError(f"{policy}：YAML 头缺少 shop: {{id, name, category}}")
    if shop_id:
        info_data = {**info_data, "id": shop_id}
    try:
        info = ShopInfo.model_validate(info_data)
    except ValidationError as exc:
        raise UserError(explain(exc, policy, ShopInfo).replace("字段 ", "字段 shop.", 1)) from None
    try:
        facts = PolicyFacts.model_validate(meta)
    except ValidationError as exc:
        raise UserError(explain(exc, policy, PolicyFacts)) from None
    headings = [h.strip() for h in re.findall(r"(?m)^#{2,3}\s+(.+)$", loaded.text)]
    products, problems = [], []
    for path in sorted((folder / PRODUCTS_DIR).glob("*.md")):
        try:
            products.append(read_product(path, path.relative_to(source_root).as_posix(), max_bytes))
        except UserError as exc:
            problems.append(exc.message)
    shop = Shop(info=info, facts=facts, policy_source=policy.relative_to(source_root).as_posix(),
                policy_sections=headings, products=products)
    return shop, problems

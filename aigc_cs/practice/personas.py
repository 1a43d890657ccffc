"""Load the role-play data of ``corpus/personas/``: the persona types (``_types.yaml``), each shop's personas
(``<shop>.yaml``) and the judge's settings (``_judge.yaml``). Files whose names start with ``_`` are shared settings;
every other file holds one shop's personas. A bad file gets one Chinese line naming the file, persona and field."""

from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.kb.models import PolicyFacts, Product, Shop
from aigc_cs.paths import corpus_dir, corpus_yaml
from aigc_cs.practice.models import JudgeSettings, Persona, PersonaFile, PersonaType

PERSONAS_DIR = "personas"
# the fact keys a persona's doubt may name: PolicyFacts fields and the combined keys of guard.check.describe
COMBINED_FACTS = {"bargain_yuan": ("bargain_limit_yuan",),
                  "return_shipping": ("return_shipping_quality_issue", "return_shipping_buyer_reason")}
M = TypeVar("M", bound=BaseModel)


def fact_fields(key: str) -> tuple[str, ...]:
    """The PolicyFacts fields a fact key stands for."""
    return COMBINED_FACTS.get(key, (key,))


def validated(model: type[M], data: object, path: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "（整体）"
        raise UserError(f"{path}：字段 {where} 有误（{error['msg']}），请对照 corpus/personas/_types.yaml 开头的说明修改") from None


def _read(name: str) -> object:
    import yaml

    try:
        return corpus_yaml(f"{PERSONAS_DIR}/{name}")
    except FileNotFoundError:
        raise UserError(f"找不到练习数据文件 corpus/{PERSONAS_DIR}/{name}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"corpus/{PERSONAS_DIR}/{name} 不是合法的 YAML：{str(exc).splitlines()[0]}") from None


@cache
def judge_settings() -> JudgeSettings:
    return validated(JudgeSettings, _read("_judge.yaml"), f"corpus/{PERSONAS_DIR}/_judge.yaml")


@cache
def settings(name: str) -> dict:
    """A shared settings file of corpus/personas/ as plain data (``_role-check.yaml``, ``_dialogue-rubric.yaml``)."""
    data = _read(f"_{name}.yaml")
    if not isinstance(data, dict):
        raise UserError(f"corpus/{PERSONAS_DIR}/_{name}.yaml 应是“字段: 值”的形式")
    return data


@cache
def types() -> dict[str, PersonaType]:
    data = _read("_types.yaml")
    raw = data.get("types") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise UserError(f"corpus/{PERSONAS_DIR}/_types.yaml 缺少 types")
    return {tid: validated(PersonaType, item, f"corpus/{PERSONAS_DIR}/_types.yaml 的类型 {tid}") for tid, item in raw.items()}


def _files() -> list[Path]:
    return sorted(p for p in (corpus_dir() / PERSONAS_DIR).glob("*.yaml") if not p.name.startswith("_"))


@cache
def all_personas() -> dict[str, list[Persona]]:
    """Every shop's personas, by shop id, in file order."""
    found: dict[str, list[Persona]] = {}
    for path in _files():
        where = f"corpus/{PERSONAS_DIR}/{path.name}"
        data = validated(PersonaFile, _read(path.name), where)
        for entry in data.personas:
            found.setdefault(data.shop, []).append(_resolve(entry.model_dump(), data.shop, where))
    return found


def _resolve(entry: dict, shop: str, where: str) -> Persona:
    kind = types().get(entry["type"])
    if kind is None:
        raise UserError(f"{where}：顾客 {entry['id']} 的类型“{entry['type']}”不存在，可用：{'、'.join(types())}")
    for doubt in entry["doubts"]:
        unknown = [k for k in doubt["facts"] if any(f not in PolicyFacts.model_fields for f in fact_fields(k))]
        if unknown:
            raise UserError(f"{where}：顾客 {entry['id']} 的顾虑 {doubt['kind']} 写了未知的政策事实 {'、'.join(unknown)}")
    review = entry["review"] or (kind.review.model_dump() if kind.review else None)
    if review and not kind.review_lines:
        raise UserError(f"{where}：顾客 {entry['id']} 会给差评，但类型 {entry['type']} 没有 review_lines")
    merged = {**entry, "shop": shop, "type_name": kind.name, "mood": entry["mood"] or kind.mood,
              "patience": entry["patience"] or kind.patience, "quiet": kind.quiet, "review": review,
              "reactions": kind.reactions.model_dump(), "buy": entry["buy"] or kind.buy, "leave": kind.leave,
              "review_lines": kind.review_lines}
    return Persona.model_validate(merged)


def shop_personas(shop_id: str) -> list[Persona]:
    personas = all_personas().get(shop_id)
    if not personas:
        known = "、".join(all_personas()) or "（没有）"
        raise UserError(f"店铺 {shop_id} 还没有练习用的顾客画像：请在 corpus/{PERSONAS_DIR}/{shop_id}.yaml 里添加"
                        f"（可参照 demo-fashion.yaml）；现有：{known}")
    return personas


def find_persona(shop_id: str, key: str | None, seed: int) -> Persona:
    """The persona `key` names (its id, or its type: hesitant / 犹豫型); the seed picks one when `key` is None."""
    personas = shop_personas(shop_id)
    if key is None:
        return personas[seed % len(personas)]
    matches = [p for p in personas if key in (p.id, p.type, p.type_name)]
    if not matches:
        listed = "、".join(f"{p.id}（{p.type_name}）" for p in personas)
        raise UserError(f"店铺 {shop_id} 没有顾客画像“{key}”，可用：{listed}")
    return matches[seed % len(matches)]


def persona_product(persona: Persona, shop: Shop) -> Product:
    product = shop.product(persona.product)
    if product is None:
        raise UserError(f"corpus/{PERSONAS_DIR}/{persona.shop}.yaml：顾客 {persona.id} 想买的“{persona.product}”"
                        f"不在店铺 {shop.info.id} 的商品里，可用：{'、'.join(p.name for p in shop.products)}")
    return product

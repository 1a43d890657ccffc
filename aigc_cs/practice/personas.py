"""Load the role-play data of ``corpus/personas/``: the persona types (``_types.yaml``), each shop's personas
(``<shop>.yaml``) and the judge's settings (``_judge.yaml``). Files whose names start with ``_`` are shared settings;
every other file holds one shop's personas. A bad file gets one Chinese line naming the file, persona and field.

A shop added to one index (a teacher's upload on the web page) keeps its personas beside that index, in
``<home>/personas/<shop>.yaml``, in the same format: read when the bundled corpus has none for the shop, and again
whenever the file changes (another worker may have written it)."""

from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.kb.models import PolicyFacts, Product, Shop
from aigc_cs.paths import corpus_dir, corpus_yaml
from aigc_cs.practice.models import JudgeSettings, Persona, PersonaFile, PersonaType

PERSONAS_DIR = "personas"  # in the corpus, and under an index's home
# the fact keys a persona's doubt may name: PolicyFacts fields and the combined keys of guard.check.describe
COMBINED_FACTS = {"bargain_yuan": ("bargain_limit_yuan",),
                  "return_shipping": ("return_shipping_quality_issue", "return_shipping_buyer_reason")}
M = TypeVar("M", bound=BaseModel)


def fact_fields(key: str) -> tuple[str, ...]:
    """The PolicyFacts fields a fact key stands for."""
    return COMBINED_FACTS.get(key, (key,))


# pydantic's wording of the usual mistakes in a persona file, in Chinese ({…}: the error's own details)
REASONS = {"missing": "缺少这个字段", "extra_forbidden": "不是可用的字段（拼写错误？）", "literal_error": "只能是 {expected}",
           "too_short": "至少要有 {min_length} 项", "too_long": "最多 {max_length} 项", "list_type": "应是列表（[…] 或每项一行“- …”）",
           "string_pattern_mismatch": "只能用小写字母、数字和 -", "string_type": "应是一段文字", "int_parsing": "应是整数",
           "model_type": "应是“字段: 值”的形式", "dict_type": "应是“字段: 值”的形式"}


def validated(model: type[M], data: object, path: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc, who = list(error["loc"]), ""
        if len(loc) >= 2 and loc[0] == "personas" and isinstance(loc[1], int):  # name the persona by its id
            entry = (data.get("personas") or [])[loc[1]] if isinstance(data, dict) else None
            who = f"顾客 {entry['id']} 的" if isinstance(entry, dict) and entry.get("id") else f"第 {loc[1] + 1} 位顾客的"
            loc = loc[2:]
        where = ".".join(str(p) for p in loc) or "（整体）"
        known = REASONS.get(error["type"])
        details = {k: str(v).replace("'", "").replace(" or ", "、").replace(", ", "、") for k, v in error.get("ctx", {}).items()}
        reason = known.format(**details) if known else f"有误（{error['msg']}）"
        raise UserError(f"{path}：{who}字段 {where} {reason}，请对照 corpus/personas/_types.yaml 开头的说明修改") from None


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
    """Every shop's personas in the corpus, by shop id, in file order."""
    found: dict[str, list[Persona]] = {}
    for path in _files():
        for persona in read_personas(_read(path.name), f"corpus/{PERSONAS_DIR}/{path.name}"):
            found.setdefault(persona.shop, []).append(persona)
    return found


def read_personas(data: object, where: str, shop: Shop | None = None) -> list[Persona]:
    """The personas of one persona file (parsed YAML), validated; given the shop, also that the file is this shop's
    and that each persona wants one of its products. Anything wrong is one Chinese line naming `where`."""
    file = validated(PersonaFile, data, where)
    if shop is not None and file.shop != shop.info.id:
        raise UserError(f"{where}：字段 shop 是“{file.shop}”，应是这个店铺的 ID“{shop.info.id}”")
    personas = [_resolve(entry.model_dump(), file.shop, where) for entry in file.personas]
    for persona in personas if shop is not None else []:
        persona_product(persona, shop, where)  # type: ignore[arg-type]
    return personas


def home_file(home: Path, shop_id: str) -> Path:
    """Where an index keeps the personas of a shop added to it."""
    return home / PERSONAS_DIR / f"{shop_id}.yaml"


def _home_personas(home: Path, shop_id: str) -> list[Persona]:
    path = home_file(home, shop_id)
    try:
        stat = path.stat()
    except OSError:
        return []
    return _read_home(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_home(path: Path, _mtime_ns: int, _size: int) -> list[Persona]:
    """A home persona file as it is now (the stat in the key: a file written since is read again)."""
    import yaml

    from aigc_cs.yaml_safe import safe_load

    where = f"{PERSONAS_DIR}/{path.name}"
    try:
        return read_personas(safe_load(path.read_text(encoding="utf-8")), where)
    except yaml.YAMLError as exc:
        raise UserError(f"{where} 不是合法的 YAML：{str(exc).splitlines()[0]}") from None


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


def offered(shop_id: str, home: Path) -> list[Persona]:
    """The shop's personas: the corpus's, else those the index at `home` keeps for it; [] when it has none."""
    return all_personas().get(shop_id) or _home_personas(home, shop_id)


def shop_personas(shop_id: str, home: Path | None = None) -> list[Persona]:
    """The shop's personas (see `offered`; `home` defaults to the configured index)."""
    if home is None:
        from aigc_cs.config import Settings

        home = Settings().home
    personas = offered(shop_id, home)
    if not personas:
        known = "、".join(all_personas()) or "（没有）"
        raise UserError(f"店铺 {shop_id} 还没有练习用的顾客画像：请在 corpus/{PERSONAS_DIR}/{shop_id}.yaml 里添加"
                        f"（可参照 demo-fashion.yaml）；现有：{known}")
    return personas


def find_persona(shop_id: str, key: str | None, seed: int, home: Path | None = None) -> Persona:
    """The persona `key` names (its id, or its type: hesitant / 犹豫型); the seed picks one when `key` is None."""
    personas = shop_personas(shop_id, home)
    if key is None:
        return personas[seed % len(personas)]
    matches = [p for p in personas if key in (p.id, p.type, p.type_name)]
    if not matches:
        listed = "、".join(f"{p.id}（{p.type_name}）" for p in personas)
        raise UserError(f"店铺 {shop_id} 没有顾客画像“{key}”，可用：{listed}")
    return matches[seed % len(matches)]


def persona_product(persona: Persona, shop: Shop, where: str | None = None) -> Product:
    product = shop.product(persona.product)
    if product is None:
        where = where or f"corpus/{PERSONAS_DIR}/{persona.shop}.yaml"
        raise UserError(f"{where}：顾客 {persona.id} 想买的“{persona.product}”不在店铺 {shop.info.id} 的商品里，"
                        f"可用：{'、'.join(p.name for p in shop.products) or '（没有商品资料）'}")
    return product

"""The role-play customers of an uploaded shop: the archive's own ``personas.yaml`` (beside policy.md, in the format of
corpus/personas/demo-fashion.yaml), validated against the shop like the bundled files, else a default set made from
the shop's products (aigc_cs.practice.derived). Kept in the index's home (``practice.personas.home_file``), where
role-play finds them in every worker."""

import zipfile
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.kb.models import Shop

FILE_NAMES = ("personas.yaml", "personas.yml")
NO_PRODUCTS = "店铺没有商品资料（products/），角色扮演用不了这个店铺：加上商品文件，或在压缩包里放 personas.yaml，再上传一次"


class ShopPersonas(BaseModel):
    source: Literal["file", "derived"]
    names: list[str]  # 名字（类型）, as the role-play page lists them
    text: str  # the persona file to keep


def is_persona_file(path: PurePosixPath, root: PurePosixPath) -> bool:
    return path.parent == root and path.name.lower() in FILE_NAMES


def _decoded(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Notepad on Chinese Windows may save GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{name}：不是 UTF-8 或 GBK 编码的文字，请另存为 UTF-8 后重新压缩")


def _from_file(text: str, name: str, shop: Shop) -> list:
    import yaml

    from aigc_cs.practice.personas import read_personas
    from aigc_cs.yaml_safe import safe_load

    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行" if mark is not None else ""
        raise UserError(f"{name}{where}：YAML 格式有误（{getattr(exc, 'problem', None) or '无法解析'}），"
                        "请对照示例店铺的顾客画像（demo-fashion.yaml）的写法修改") from None
    return read_personas(data, name, shop)


def personas_for(archive: zipfile.ZipFile, member: tuple[PurePosixPath, zipfile.ZipInfo] | None,
                 shop: Shop) -> ShopPersonas | None:
    """The customers the upload brings (`member`: its personas.yaml), else the derived ones; None when there can be
    none (no product for a customer to want). A wrong personas.yaml is a `UserError` naming it and the field."""
    import yaml

    from aigc_cs.practice.derived import TEMPLATE, derived_personas
    from aigc_cs.practice.personas import read_personas

    if member is not None:
        path, info = member
        text = _decoded(archive.read(info), str(path))
        personas, source = _from_file(text, str(path), shop), "file"
    else:
        data = derived_personas(shop)
        if data is None:
            return None
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
        personas, source = read_personas(data, TEMPLATE, shop), "derived"  # a bad template shows here, not in a chat
    return ShopPersonas(source=source, names=[f"{p.name}（{p.type_name}）" for p in personas], text=text)


def keep(home: Path, shop_id: str, personas: ShopPersonas | None) -> None:
    """Write the shop's persona file under the index (or remove an older one when there is none now)."""
    from aigc_cs.files import write_text_atomic
    from aigc_cs.practice.personas import home_file

    path = home_file(home, shop_id)
    if personas is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, personas.text)

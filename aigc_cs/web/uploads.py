"""A shop folder uploaded as a .zip: checked (size, type, paths, contents), unpacked under the tool's home, read as a
shop and ingested as `aigc-cs ingest` does. Every problem is one Chinese line; an archive with any problem changes
nothing. The unpacked folder stays (the index remembers where each file came from), one per shop id."""

import contextlib
import io
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.kb.loaders import SUFFIXES
from aigc_cs.kb.shops import POLICY_FILE, read_shop
from aigc_cs.web import shop_personas
from aigc_cs.web.grader import Grader

MAX_ZIP_MB = 20
MAX_UNPACKED_MB = 100
MAX_FILES = 500
FOLDER = "uploaded-shops"  # under the tool's home
JUNK = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")
UTF8_NAMES = 0x800  # the zip flag that says names are UTF-8; without it, Chinese Windows writes GBK


class Problems(UserError):
    """Everything wrong with an upload, one line each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("；".join(lines))
        self.lines = lines


class Uploaded(BaseModel):
    shop: str
    name: str
    files: int
    chunks: int
    skipped: list[str] = []  # files left out of the archive (not a shop file, or outside the shop folder)
    notes: list[str] = []  # what the ingest said: files it could not read, policy prose that disagrees with the facts
    personas: shop_personas.ShopPersonas | None = None  # the role-play customers, None when it can have none


def _name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & UTF8_NAMES:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):  # not GBK either: keep zipfile's reading
            name = name.encode("cp437").decode("gbk")
    return name.replace("\\", "/")


def _is_junk(path: PurePosixPath) -> bool:
    return any(part in JUNK or part.startswith(".") for part in path.parts)


def _members(archive: zipfile.ZipFile) -> tuple[dict[PurePosixPath, zipfile.ZipInfo], list[str]]:
    """The archive's files by their safe relative path, and the problems that refuse the whole archive."""
    found: dict[PurePosixPath, zipfile.ZipInfo] = {}
    problems: list[str] = []
    unpacked = 0
    for info in archive.infolist():
        name = _name(info)
        path = PurePosixPath(name)
        if name.startswith("/") or ".." in path.parts or ":" in path.parts[0]:
            problems.append(f"{name}：压缩包里的路径不能是绝对路径或含有“..”，请在电脑上重新压缩店铺文件夹")
        elif info.is_dir() or _is_junk(path):
            continue
        elif stat.S_ISLNK(info.external_attr >> 16):
            problems.append(f"{name}：压缩包里不能有符号链接，请换成真实的文件后重新压缩")
        elif info.flag_bits & 0x1:
            problems.append(f"{name}：文件加了密码，请不加密码重新压缩")
        else:
            found[path] = info
            unpacked += info.file_size
    if len(found) > MAX_FILES:
        problems.append(f"压缩包里有 {len(found)} 个文件，上限 {MAX_FILES} 个：请只放店铺的 policy.md 和商品资料")
    if unpacked > MAX_UNPACKED_MB * 2**20:
        problems.append(f"压缩包解开后有 {unpacked / 2**20:.0f} MB，上限 {MAX_UNPACKED_MB} MB：请去掉图片、视频等不需要导入的文件")
    return found, problems


def _shop_root(paths: list[PurePosixPath]) -> PurePosixPath:
    policies = [p for p in paths if p.name.lower() == POLICY_FILE]
    if not policies:
        raise UserError(f"压缩包里没有 {POLICY_FILE}：店铺文件夹里要有 {POLICY_FILE}（格式见 README 的“添加一个店铺”）")
    if len(policies) > 1:
        raise UserError(f"压缩包里有 {len(policies)} 个 {POLICY_FILE}（{'、'.join(map(str, policies))}）：一次只能上传一个店铺")
    return policies[0].parent


def _unpack(archive: zipfile.ZipFile, members: dict[PurePosixPath, zipfile.ZipInfo], root: PurePosixPath,
            target: Path) -> list[str]:
    """Write the shop's files under `target` (all but its personas.yaml, which is no document to ingest); the names of
    the files left out."""
    skipped = []
    for path, info in sorted(members.items()):
        if shop_personas.is_persona_file(path, root):
            continue
        if root not in path.parents or path.suffix.lower() not in SUFFIXES:
            skipped.append(str(path))
            continue
        out = target.joinpath(*path.relative_to(root).parts)
        if out.name.lower() == POLICY_FILE:
            out = out.with_name(POLICY_FILE)
        if target.resolve() not in out.resolve().parents:  # never outside the target, whatever the name said
            raise UserError(f"{path}：压缩包里的路径不能指向店铺文件夹以外")
        out.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, out.open("wb") as sink:
            shutil.copyfileobj(source, sink)
    return skipped


def _plain(message: str, folder: Path) -> str:
    """A message about a file of the upload, naming the file inside the archive, not on the server's disk."""
    return message.replace(f"{folder}/", "").replace(str(folder), "店铺文件夹")


def _replace(incoming: Path, target: Path) -> None:
    old = target.with_name(f".old-{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    incoming.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def check_name(filename: str) -> None:
    if not filename.lower().endswith(".zip"):
        raise UserError(f"“{filename or '（没有选择文件）'}”不是 .zip 文件：请把店铺文件夹压缩成 zip 后上传")


def ingest_zip(data: bytes, grader: Grader) -> Uploaded:
    """Check, unpack and ingest an uploaded shop archive; `Problems` (one line each) when it cannot be taken."""
    home = grader.settings.home
    uploads = home / FOLDER
    uploads.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UserError("上传的文件不是有效的 zip 压缩包（可能已损坏，或是 rar/7z 改了扩展名），请重新压缩成 zip") from None
    with archive, tempfile.TemporaryDirectory(dir=uploads, prefix=".incoming-") as temp:
        members, problems = _members(archive)
        if problems:
            raise Problems(problems)
        incoming = Path(temp) / "shop"
        root = _shop_root(list(members))
        try:
            skipped = _unpack(archive, members, root, incoming)
            shop, shop_problems = read_shop(incoming, incoming.parent, int(grader.settings.max_file_mb * 2**20))
        except UserError as exc:
            raise UserError(_plain(exc.message, incoming)) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise UserError(f"压缩包解不开（{type(exc).__name__}），可能已损坏，请重新压缩后上传") from None
        if shop_problems:
            raise Problems([_plain(p, incoming) for p in shop_problems])
        own = next(((p, i) for p, i in members.items() if shop_personas.is_persona_file(p, root)), None)
        personas = shop_personas.personas_for(archive, own, shop)
        target = uploads / shop.info.id
        elsewhere = grader.ctx.index.shop_origins().get(shop.info.id)
        if elsewhere is not None and elsewhere.resolve() != target.resolve():
            raise UserError(f"店铺 ID“{shop.info.id}”已被另一个店铺使用：请把 {POLICY_FILE} 里 shop.id 改成别的名字后重新上传")
        _replace(incoming, target)
    report = grader.ingest(target)
    shop_personas.keep(home, shop.info.id, personas)
    notes = [_plain(line, target) for line in report.issues + report.warnings]
    return Uploaded(shop=shop.info.id, name=shop.info.name, files=report.files,
                    chunks=sum(1 for c in grader.ctx.index.chunks() if c.shop == shop.info.id), skipped=skipped,
                    notes=notes + ([] if personas else [shop_personas.NO_PRODUCTS]), personas=personas)

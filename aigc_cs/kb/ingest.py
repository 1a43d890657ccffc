"""Incremental ingest: unchanged files are not re-read, unchanged chunks are not re-embedded, and files
that are gone leave the index. Bad files become one-line issues while the rest goes on."""

import hashlib
import os
import time
from pathlib import Path

from pydantic import BaseModel

from aigc_cs.errors import UserError
from aigc_cs.files import cannot_write
from aigc_cs.kb import reconcile
from aigc_cs.kb.index import FileRecord, Index
from aigc_cs.kb.loaders import LOADER, PAIR_SUFFIXES, SUFFIXES, file_size, load, read_raw, unreadable
from aigc_cs.kb.models import COMMON_SHOP, Chunk, DocType, Shop
from aigc_cs.kb.reconcile import Progress
from aigc_cs.kb.shops import POLICY_FILE, PRODUCTS_DIR, read_shop
from aigc_cs.kb.splitter import Piece, faq_piece, split_markdown

# A file's (size, mtime_ns) stands for its bytes only when it was last changed at least this long before they were
# hashed: a write in the same tick of a coarse clock (FAT keeps 2 s) could keep both and change the bytes.
SETTLED_NS = 3 * 10**9


class IngestReport(BaseModel):
    files: int = 0
    reread: int = 0
    chunks_total: int = 0
    added: int = 0
    removed: int = 0
    embedded: int = 0
    shops: list[str] = []
    issues: list[str] = []
    warnings: list[str] = []


class _Run:
    """The state of one ingest: shops read so far, chunks built, files that failed."""

    def __init__(self, index: Index, override: str | None, max_bytes: int, chunk_chars: int) -> None:
        self.index, self.override, self.max_bytes, self.chunk_chars = index, override, max_bytes, chunk_chars
        self.report = IngestReport()
        self.shops: dict[Path, Shop | UserError] = {}
        self.chunks: list[Chunk] = []
        self.failed: set[str] = set()
        self.changed_policies: set[str] = set()
        self.records: dict[str, FileRecord] = {}  # of every file digested in this run
        self.ingested: set[str] = set()  # the files whose record this run keeps
        self.seen: set[str] = set()
        self.old = index.chunks()
        self.old_records = index.files()
        self.old_hashes = {origin: record.sha1 for origin, record in self.old_records.items()}
        self.started_ns = time.time_ns()
        self.listings: dict[Path, list[Path]] = {}
        self.old_by_origin: dict[str, list[Chunk]] = {}
        for chunk in self.old:
            self.old_by_origin.setdefault(chunk.origin, []).append(chunk)
        self.saved_shops = {origin: shop_id for shop_id, origin in index.shop_origins(current=True).items()}
        self.digests: dict[Path, str] = {}
        self.kept_shops: set[Path] = set()  # folders whose shop is the one saved (not written again)
        self.folders: dict[Path, Path | None] = {}

    def shop_for(self, folder: Path | None, root: Path) -> str:
        """The shop id of a file's folder; a folder's policy is read once, and a broken one fails every file in it."""
        if folder is None:
            return self.override or COMMON_SHOP
        if folder not in self.shops:
            shop_id = self.override if self.override and folder == root else None
            try:
                kept = None if shop_id else self.unchanged_shop(folder, root)
                if kept:
                    self.kept_shops.add(folder)
                self.shops[folder], problems = kept or read_shop(folder, root.parent, self.max_bytes, shop_id=shop_id)
                self.report.issues.extend(problems)
            except UserError as exc:
                self.shops[folder] = exc
        shop = self.shops[folder]
        if isinstance(shop, UserError):
            raise shop
        return shop.info.id

    def unchanged_shop(self, folder: Path, root: Path) -> tuple[Shop, list[str]] | None:
        """The shop as the last ingest saved it, when no file in its folder changed since (reading 20 shops' policies
        and products took 0.5 s of a one-file re-ingest)."""
        shop_id = self.saved_shops.get(folder)
        if shop_id is None:
            return None
        inside = str(folder).rstrip("/\\") + os.sep
        try:
            listed = self.listing(root if root.is_dir() else folder)
            shop, files = self.index.shop(shop_id), [p for p in listed if str(p).startswith(inside)]
            if (shop.policy_source != (folder / POLICY_FILE).relative_to(root.parent).as_posix()
                    or {o for o in self.old_hashes if o.startswith(inside)} != {str(p) for p in files}
                    or any(self.old_hashes[str(path)] != self.digest(path) for path in files)):
                return None
        except UserError:  # a bad file in the folder: read the shop again, which names it
            return None
        return shop, []

    def listing(self, root: Path) -> list[Path]:
        """The files to ingest under `root` (listed once per run)."""
        if root not in self.listings:
            self.listings[root] = _files(root)
        return self.listings[root]

    def digest(self, path: Path) -> str:
        """The SHA-1 of a file's bytes, tagged with the way files are read (`LOADER`); the last ingest's, without
        reading the file, while its size and mtime are the ones recorded then and files are read the same way."""
        if path not in self.digests:
            try:
                stat = path.stat()
            except OSError as exc:
                raise unreadable(path, exc) from None
            stamp = (stat.st_size, stat.st_mtime_ns)
            old = self.old_records.get(str(path))
            if old is not None and old.stamp == stamp and 0 < stat.st_size <= self.max_bytes \
                    and old.sha1.startswith(f"{LOADER}:"):  # hashed for this way of reading files
                self.digests[path] = old.sha1
            else:
                self.digests[path] = _digest(path, self.max_bytes)
            settled = stat.st_mtime_ns < self.started_ns - SETTLED_NS
            self.records[str(path)] = FileRecord(self.digests[path], stamp if settled else None)
        return self.digests[path]

    def shop_folder(self, path: Path, root: Path) -> Path | None:
        """The nearest folder (within the ingest root) that holds a policy.md, if any (looked up once per folder)."""
        if path.parent not in self.folders:
            top = root if root.is_dir() else root.parent
            self.folders[path.parent] = None
            for folder in [path.parent, *path.parent.parents]:
                if (folder / POLICY_FILE).is_file():
                    self.folders[path.parent] = folder
                    break
                if folder == top:
                    break
        return self.folders[path.parent]

    def add_file(self, path: Path, root: Path) -> None:
        folder = self.shop_folder(path, root)
        shop_id = self.shop_for(folder, root)
        doc_type = _doc_type(path, folder, shop_id)
        source = path.relative_to(root.parent).as_posix()
        digest = self.digest(path)
        origin = str(path)
        self.ingested.add(origin)
        previous = self.old_by_origin.get(origin, [])
        if self.old_hashes.get(origin) == digest and previous and all(
            (c.shop, c.doc_type, c.source) == (shop_id, doc_type, source) for c in previous
        ):
            self.chunks.extend(previous)
            self.seen.update(c.id for c in previous)
            return
        self.report.reread += 1
        if doc_type == "policy" and path.name == POLICY_FILE:
            self.changed_policies.add(shop_id)
        for piece in _pieces(path, self.max_bytes, self.chunk_chars):
            self.chunks.append(Chunk(id=_chunk_id(shop_id, doc_type, source, piece, self.seen), text=piece.text,
                                     shop=shop_id, doc_type=doc_type, source=source, section=piece.section,
                                     origin=origin))


def _digest(path: Path, max_bytes: int) -> str:
    size = file_size(path)
    if size == 0 or size > max_bytes:
        load(path, max_bytes)  # raises the one-line explanation
    return f"{LOADER}:{hashlib.sha1(read_raw(path)).hexdigest()}"  # a file read another way is read again


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in p.parts)
    )


def _doc_type(path: Path, shop_folder: Path | None, shop: str) -> DocType:
    if path.suffix.lower() in PAIR_SUFFIXES:
        return "faq"
    if shop_folder is not None and path == shop_folder / POLICY_FILE:
        return "policy"
    if shop_folder is not None and (shop_folder / PRODUCTS_DIR) in path.parents:
        return "product"
    if "phrasebook" in path.parts:
        return "phrasebook"
    return "policy" if shop != COMMON_SHOP else "course"


def _chunk_id(shop: str, doc_type: str, source: str, piece: Piece, seen: set[str]) -> str:
    base = hashlib.sha1(f"{shop}|{doc_type}|{source}|{piece.section}|{piece.text}".encode()).hexdigest()[:20]
    chunk_id, n = base, 1
    while chunk_id in seen:
        chunk_id, n = f"{base}-{n}", n + 1
    seen.add(chunk_id)
    return chunk_id


def _pieces(path: Path, max_bytes: int, chunk_chars: int) -> list[Piece]:
    loaded = load(path, max_bytes)
    if loaded.pairs:
        return [faq_piece(q, a) for q, a in loaded.pairs]
    pieces = split_markdown(loaded.text, path.stem, chunk_chars)
    if not pieces and not loaded.front_matter:
        raise UserError(f"{path}：没有可导入的文字内容，已跳过")
    return pieces


def _under(origin: str, roots: list[str]) -> bool:
    return any(origin == r or origin.startswith(r.rstrip("/") + "/") for r in roots)


def ingest(index: Index, roots: list[Path], *, shop_override: str | None = None, max_bytes: int,
           chunk_chars: int, on_embed: Progress | None = None) -> IngestReport:
    """Ingest files and shop folders under `roots` into `index`. An index folder that cannot be written is one
    `UserError` line naming it."""
    roots = [_resolved(r) for r in roots]
    if shop_override and not any((r / POLICY_FILE).is_file() for r in roots if r.is_dir()) \
            and shop_override not in index.shop_ids():
        raise UserError(f"店铺“{shop_override}”尚未导入：请先导入含 {POLICY_FILE} 的店铺目录")

    try:
        return _ingest(index, roots, shop_override, max_bytes, chunk_chars, on_embed)
    except OSError as exc:
        raise UserError(cannot_write(index.home.absolute(), exc).message + "；索引目录可用环境变量 AIGC_CS_HOME 另选") from None


def _resolved(root: Path) -> Path:
    try:
        resolved = root.resolve()
    except (OSError, RuntimeError):  # a symlink that points to itself (RuntimeError before Python 3.13)
        raise UserError(f"{root}：符号链接指向自己（循环），请改用真实的文件夹路径") from None
    if not resolved.exists():
        raise UserError(f"{root}：路径不存在，请检查拼写")
    return resolved


def _ingest(index: Index, roots: list[Path], shop_override: str | None, max_bytes: int, chunk_chars: int,
            on_embed: Progress | None) -> IngestReport:
    from aigc_cs.kb import lexical_build  # bm25s: only when writing

    with index.locked():
        run = _Run(index, shop_override, max_bytes, chunk_chars)
        report = run.report
        for root in roots:
            for path in run.listing(root):
                try:
                    run.add_file(path, root)
                    report.files += 1
                except UserError as exc:
                    if exc.message not in report.issues:
                        report.issues.append(exc.message)
                    run.failed.add(str(path))

        touched = [str(r) for r in roots]
        kept = [c for c in run.old if not _under(c.origin, touched) or c.origin in run.failed]
        kept_ids = {c.id for c in kept}
        all_chunks = kept + [c for c in run.chunks if c.id not in kept_ids]
        old_ids, all_ids = {c.id for c in run.old}, {c.id for c in all_chunks}
        report.added, report.removed = len(all_ids - old_ids), len(old_ids - all_ids)
        report.chunks_total = len(all_chunks)

        shops = {folder: shop for folder, shop in run.shops.items() if isinstance(shop, Shop)}
        report.warnings.extend(_check_policy_prose(
            [s for s in shops.values() if s.info.id in run.changed_policies], all_chunks))
        for folder, shop in shops.items():
            if folder not in run.kept_shops:
                index.save_shop(shop, folder)
        for shop_id, origin in index.shop_origins().items():
            if _under(str(origin), touched) and not (origin / POLICY_FILE).exists():
                index.drop_shop(shop_id)
        report.shops = sorted(s.info.id for s in shops.values())

        synced = reconcile.sync(index, all_chunks, old_ids, on_embed)  # asks Chroma every time: cheap when in step
        report.embedded = synced.embedded
        report.warnings.extend(filter(None, [synced.mismatch()]))
        if all_ids != old_ids or not index.bm25_current():
            lexical_build.save(index.home, all_chunks)
            index.save_chunks(all_chunks)
        _warm_matchers(index, all_chunks, {c.shop for c in all_chunks if c.id not in old_ids}
                       | {c.shop for c in run.old if c.id not in all_ids})
        if index.embedding_warning:
            report.warnings.append(index.embedding_warning)
        index.save_files({**{o: r for o, r in run.old_records.items() if not _under(o, touched)},
                          **{o: run.records[o] for o in run.ingested}})
    return report


def _warm_matchers(index: Index, chunks: list[Chunk], changed: set[str]) -> None:
    """Train the tone and character models and embed the intent examples and the sentences of each shop whose chunks
    changed now (cached by content), so that the first check, grade or reply after an ingest does not wait for them."""
    from aigc_cs.guard import charlm, tone
    from aigc_cs.kb import answerable, intents

    tone.warm()
    charlm.model()
    if index.embedding_kind == "none":
        return
    intents.warm()
    for shop_id in sorted(changed & set(index.shop_ids())):
        answerable.warm(shop_id, chunks)


def _check_policy_prose(shops: list[Shop], chunks: list[Chunk]) -> list[str]:
    """The prose of a policy.md must agree with its own facts; say so at ingest when it does not."""
    if not shops:
        return []
    from aigc_cs.guard.check import check_text

    warnings = []
    for shop in shops:
        prose = "\n".join(c.text for c in chunks if c.shop == shop.info.id and c.source == shop.policy_source)
        for violation in check_text(prose, shop).violations:
            warnings.append(f"{shop.policy_source}：正文与 YAML 事实不一致：{violation.message}")
    return warnings


def sync_vectors(index: Index) -> int:
    """Write to the vector store what the index has and the store lacks (a Chroma server newly set, or one that lost
    its data), without reading any file again; the number of vectors written."""
    with index.locked():
        chunks = index.chunks()
        return reconcile.sync(index, chunks, {c.id for c in chunks}).embedded

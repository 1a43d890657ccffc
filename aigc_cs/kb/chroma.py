"""Where the dense vectors live: the embedded Chroma in the index folder (one process at a time), or a Chroma server
(`chroma run --path DIR --port P`) that several processes and machines share through `chromadb.HttpClient`.
On a server each index folder has its own collection, named after the machine and the folder, so two indexes (two app
servers, or the eval's second index) never mix."""

import hashlib
import socket
from pathlib import Path

from pydantic import HttpUrl

from aigc_cs.errors import UserError

COLLECTION = "aigc_cs"
# Chroma replays the vectors written since it last saved its HNSW index every time the collection is opened: with its
# default of 1,000, opening a 10k collection took 2 s; saving every 100 writes keeps it under 0.1 s.
SYNC_THRESHOLD = 100


def collection_name(home: Path, url: HttpUrl | None) -> str:
    if url is None:
        return COLLECTION
    where = f"{socket.gethostname()}:{home.resolve()}"
    return f"{COLLECTION}-{hashlib.sha256(where.encode()).hexdigest()[:16]}"


def client(home: Path, url: HttpUrl | None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url is None:
        return chromadb.PersistentClient(path=str(home / "chroma"), settings=settings)
    try:
        return chromadb.HttpClient(host=url.host or "", port=url.port or 8000, ssl=url.scheme == "https",
                                   settings=settings)
    except ValueError:  # chromadb's "Could not connect to a Chroma server"
        raise unreachable(url) from None


def collection(home: Path, url: HttpUrl | None):
    """The index's collection (cosine space), made or opened; on a server wrapped by `Remote`."""
    found = client(home, url).get_or_create_collection(
        collection_name(home, url), configuration={"hnsw": {"space": "cosine", "sync_threshold": SYNC_THRESHOLD}},
        embedding_function=None)
    if (found.configuration_json.get("hnsw") or {}).get("sync_threshold") != SYNC_THRESHOLD:  # made before this setting
        found.modify(configuration={"hnsw": {"sync_threshold": SYNC_THRESHOLD}})
    return found if url is None else Remote(found, url)


def unreachable(url: HttpUrl) -> UserError:
    return UserError(f"连不上 Chroma 向量库服务器 {url}（AIGC_CS_CHROMA_URL）：请确认那台机器上的 "
                     f"chroma run --path 数据目录 --port {url.port} 正在运行、地址没写错，或删除这项设置改用内嵌向量库")


class Remote:
    """A vector store on a Chroma server: every call the same as the store's, and a server that stops answering
    mid-way is the same one line as one that was never there."""

    def __init__(self, store, url: HttpUrl) -> None:
        self._store, self._url = store, url

    def __getattr__(self, name: str):
        import httpx

        attribute = getattr(self._store, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except httpx.TransportError:
                raise unreachable(self._url) from None

        return call

"""Throwaway servers on loopback for the scale-out tests and the school load benchmark (benchmarks/load.py): a
PostgreSQL cluster (Debian's postgresql package) in a temporary folder, deleted afterwards, and Chroma's own server
(`chroma run`, from the chromadb package) on a folder of its own."""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

PG_PACKAGE = "needs Debian's postgresql package (initdb, pg_ctl and the postgres user): apt-get install -y postgresql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Missing(Exception):
    """What a throwaway server needs is not installed on this machine."""


def pg_tool(name: str) -> str | None:
    """Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, off the PATH."""
    found = [str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))]
    return shutil.which(name) or (found[-1] if found else None)


def has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def run(*args: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr}")


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {server.args}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds} s")
        time.sleep(0.3)


@dataclass(frozen=True)
class Cluster:
    url: str  # the server's URL, without a database
    pid: int  # the postmaster: every backend is its child


@contextmanager
def postgres(durable: bool = False) -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster on loopback, deleted afterwards; `Missing` when PostgreSQL is not installed.
    Tests run it without fsync (faster); `durable` keeps PostgreSQL's default, as a school's server would run."""
    initdb, pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # PostgreSQL will not run as root
    if not (initdb and pg_ctl and (not as_postgres or has_user("postgres"))):
        raise Missing(PG_PACKAGE)
    folder = Path(tempfile.mkdtemp(prefix="aigc-cs-pg-"))
    if as_postgres:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}" + ("" if durable else " -c fsync=off")
    try:
        run(*as_postgres, initdb, "-D", str(data), "-A", "trust", "-U", "aigc", "-E", "UTF8", "--no-sync")
        run(*as_postgres, pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w", "start")
        pid = int((data / "postmaster.pid").read_text(encoding="ascii").split()[0])
        yield Cluster(f"postgresql+psycopg://aigc@127.0.0.1:{port}", pid)
    finally:
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server: str, name: str) -> str:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


class ChromaServer:
    """`chroma run` on loopback, from the chromadb package's own command, on a folder of its own."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([str(Path(sys.executable).with_name("chroma")), "run", "--path", str(folder),
                                         "--host", "127.0.0.1", "--port", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"{self.url}/api/v2/heartbeat", self.process)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def collections(self) -> dict[str, int]:
        import chromadb

        client = chromadb.HttpClient(host="127.0.0.1", port=self.port)
        return {c.name: c.count() for c in client.list_collections()}

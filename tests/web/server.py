"""The real `aigc-cs serve` as a process on a free loopback port, for the tests that need a live server."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.web.conftest import Visitor
from tests.web.services import free_port

START_S = 120  # the first start may build caches; the machine is shared


class Server:
    def __init__(self, base: str, process: subprocess.Popen) -> None:
        self.base, self.process = base, process
        self.output = ""  # what the server printed, once it stopped


class RemoteVisitor(Visitor):
    """A browser against a real server: its own cookies, the page's CSRF token with each form."""

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=120)  # type: ignore[assignment]
        self.page = ""


@contextmanager
def serving(env: dict[str, str], cwd: Path, *args: str) -> Iterator[Server]:
    """Start `aigc-cs serve ARGS --port P`, wait until it answers, and stop it afterwards."""
    port = free_port()
    exe = Path(sys.executable).with_name("aigc-cs")
    process = subprocess.Popen([str(exe), "serve", *args, "--port", str(port)], cwd=cwd, text=True,
                               env={**os.environ, "COLUMNS": "200", **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + START_S
        while True:
            try:
                if httpx.get(f"{server.base}/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"the server did not start: {process.communicate(timeout=30)[0]}")
            time.sleep(0.5)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            server.output = process.communicate(timeout=30)[0]

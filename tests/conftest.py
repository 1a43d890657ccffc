"""Shared fixtures: one index of the bundled corpus per test session, and a way to run the real CLI."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aigc_cs.config import HOME_ENV, Settings
from aigc_cs.kb.index import Index
from aigc_cs.kb.ingest import ingest
from aigc_cs.paths import corpus_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def build_index(home: Path, roots: list[Path] | None = None) -> Index:
    settings = Settings(home=home)
    index = Index(home, settings.embedding)
    ingest(index, roots or [corpus_dir()], max_bytes=int(settings.max_file_mb * 2**20),
           chunk_chars=settings.chunk_chars)
    return index


@pytest.fixture(scope="session", autouse=True)
def default_home(tmp_path_factory) -> Iterator[Path]:
    """AIGC_CS_HOME for whatever a test runs without naming a home: a fresh folder of this test process (each xdist
    worker has its own), never the repo's .aigc-cs, where `make test` runs the eval suites at the same time."""
    home = tmp_path_factory.mktemp("default-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(HOME_ENV, str(home))
        yield home


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """The bundled demo corpus, ingested once per session. Tests must not write to it."""
    home = tmp_path_factory.mktemp("demo-index")
    build_index(home)
    return home


@pytest.fixture
def own_home(demo_home: Path, tmp_path: Path) -> Path:
    """A private copy of the demo index, for tests that ingest more or change things."""
    home = tmp_path / "index"
    shutil.copytree(demo_home, home)
    return home


class Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _invoke(home: Path, args: list[str], env: dict[str, str] | None = None, input: bytes | str | None = None) -> Result:
    from cli import app

    runner = CliRunner()
    result = runner.invoke(app, args, input=input, env={"AIGC_CS_HOME": str(home), "COLUMNS": "200", **(env or {})},
                           catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli(demo_home: Path) -> Callable[..., Result]:
    """Run `aigc-cs ARGS` in-process against the shared demo index; `input=` is its standard input."""
    return lambda *args, env=None, input=None: _invoke(demo_home, list(args), env, input)


@pytest.fixture
def cli_own(own_home: Path) -> Callable[..., Result]:
    """Run `aigc-cs ARGS` in-process against a private copy of the demo index."""
    return lambda *args, env=None: _invoke(own_home, list(args), env)


def run_entry_point(args: list[str], cwd: Path, env: dict[str, str] | None = None,
                    timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed `aigc-cs` console script as a real process."""
    exe = Path(sys.executable).with_name("aigc-cs")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def criteria(cli: Callable[..., Result], answer: str, rubric: str, shop: str, scenario: str) -> dict[str, dict]:
    """`aigc-cs grade … --json`: each criterion's result by its id (the grade must succeed)."""
    result = cli("grade", answer, "--rubric", rubric, "--shop", shop, "--scenario", scenario, "--json")
    assert result.code == 0, result.output
    return {c["id"]: c for c in json.loads(result.stdout)["criteria"]}


def write_shop(root: Path, shop_id: str, policy: str, products: dict[str, str]) -> Path:
    """A shop folder `root/shop_id` with its policy.md and product files (name → text)."""
    shop = root / shop_id
    (shop / "products").mkdir(parents=True)
    (shop / "policy.md").write_text(policy, encoding="utf-8")
    for name, text in products.items():
        (shop / "products" / name).write_text(text, encoding="utf-8")
    return shop


def demo_fashion_copy(root: Path, old: str = "", new: str = "") -> Path:
    """A copy of the bundled demo-fashion folder under `root`, with `old` replaced by `new` in its policy.md."""
    shop = root / "demo-fashion"
    shutil.copytree(corpus_dir() / "shops" / "demo-fashion", shop)
    if old:
        policy = shop / "policy.md"
        text = policy.read_text(encoding="utf-8")
        assert old in text, old
        policy.write_text(text.replace(old, new), encoding="utf-8")
    return shop


def owner_style_reply(cli: Callable[..., Result], root: Path, message: str, policy: str = "",
                      products: dict[str, str] | None = None) -> dict:
    """The reply to `message` from a copy of the owner-style fixture shop under `root`, with `policy` appended to its
    policy.md and `products` written into its products/, ingested first."""
    shop = root / "owner-style"
    shutil.copytree(FIXTURES / "shops" / "owner-style", shop)
    if policy:
        (shop / "policy.md").write_text((shop / "policy.md").read_text(encoding="utf-8") + policy, encoding="utf-8")
    for name, text in (products or {}).items():
        (shop / "products" / name).write_text(text, encoding="utf-8")
    assert cli("ingest", str(shop)).code == 0
    return reply_json(cli, message, "owner-style")


def shop_fixtures(shop_id: str, policy: str, products: dict[str, str]):
    """Two fixtures for a made-up shop: `<shop_id's first word>_shop`, the folder read as ingest reads it (no problem
    allowed), and `…_cli`, `cli_own` after that folder was ingested."""
    from aigc_cs.kb.shops import read_shop

    prefix = shop_id.split("-")[0]

    @pytest.fixture(name=f"{prefix}_shop")
    def read(tmp_path):
        shop, problems = read_shop(write_shop(tmp_path, shop_id, policy, products), tmp_path, 2**20)
        assert problems == []
        return shop

    @pytest.fixture(name=f"{prefix}_cli")
    def ingested(cli_own, tmp_path):
        result = cli_own("ingest", str(write_shop(tmp_path / "shops", shop_id, policy, products)))
        assert result.code == 0, result.output
        return cli_own

    return read, ingested


def reply_json(cli: Callable[..., Result], message: str, shop: str) -> dict:
    """`aigc-cs reply MESSAGE --shop SHOP --json` (the reply must succeed)."""
    result = cli("reply", message, "--shop", shop, "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def assert_one_error_line(result: Result, line: str, code: int = 2) -> None:
    """Bad input: exit `code`, and exactly one line on stderr, holding `line`; never a traceback."""
    assert result.code == code, result.output
    assert line in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.fixture
def openai_server():
    """A real loopback HTTP server speaking OpenAI's /v1/chat/completions (streaming too), stopped after the test.
    Script answers with `openai_server.reply(...)`, read `openai_server.requests`; the API is documented in
    tests/fixtures/openai_server.py. Point the code at it with AIGC_CS_BASE_URL=openai_server.url."""
    from tests.fixtures.openai_server import OpenAIServer

    with OpenAIServer() as server:
        yield server

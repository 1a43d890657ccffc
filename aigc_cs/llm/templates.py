"""One jinja2 environment over ``prompts/``; every prompt and offline template is rendered here."""

import contextlib
import re
from functools import cache

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

from aigc_cs.paths import prompts_dir


def _yuan(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class _Compiled(FileSystemBytecodeCache):
    """Templates compiled once per machine (compiling the offline reply template took 0.1 s of every CLI call); a cache
    that cannot be written only makes the next process compile again."""

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> _Compiled | None:
    from aigc_cs.config import Settings

    folder = Settings().cache / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _Compiled(str(folder))


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(prompts_dir())),
        bytecode_cache=_bytecode_cache(),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.filters["yuan"] = _yuan
    from aigc_cs.guard.check import describe

    env.globals["describe"] = describe
    return env


def render(name: str, **variables: object) -> str:
    """Render a template; blank lines collapse and each line is stripped, so templates can be laid out freely."""
    text = environment().get_template(name).render(**variables)
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

"""One jinja2 environment over ``prompts/``; every prompt and offline template is rendered here."""

import re
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from aigc_cs.paths import prompts_dir


def _yuan(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(prompts_dir())),
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

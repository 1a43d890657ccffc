"""The options that commands of the aigc-cs CLI share, declared once: their types, their checks, and the engine
options of every task command as one group (`engine_options`)."""

import functools
import inspect
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from aigc_cs.cli_support import context, fail

F = TypeVar("F", bound=Callable)


def shop_id(value: str | None) -> str | None:
    """Every --shop/-s option is checked here, before the command runs: an id is never a path."""
    from aigc_cs.errors import UserError
    from aigc_cs.kb.models import valid_shop_id

    try:
        return None if value is None else valid_shop_id(value)
    except UserError as exc:
        fail(exc)


def use_home(value: Path | None) -> Path | None:
    """--home: the index folder of this run, over AIGC_CS_HOME and aigc-cs.toml (set as AIGC_CS_HOME, so every
    setting and every process this run starts sees it)."""
    if value is not None:
        from aigc_cs.config import HOME_ENV

        os.environ[HOME_ENV] = str(value.expanduser())
    return value


ShopOpt = Annotated[str, typer.Option("--shop", "-s", callback=shop_id, help="店铺 ID，见 aigc-cs shops")]
HomeOpt = Annotated[Path | None, typer.Option(
    "--home", callback=use_home, is_eager=True, show_default=False,
    help="索引目录（放在命令名前面）；默认在用户数据目录，也可用环境变量 AIGC_CS_HOME 指定")]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="保存到文件：.md/.docx/.xlsx/.json（按扩展名）")]
# Engine selection; each overrides the same setting of aigc-cs.toml / AIGC_CS_*.
EngineOpt = Annotated[str | None, typer.Option("--engine", help="offline（默认）/ llm / replay")]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="大模型服务商预设，见 aigc-cs providers")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="模型名，不填用预设默认模型")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="大模型输出无效时直接报错，不退回离线引擎")]
RecordOpt = Annotated[Path | None, typer.Option("--record", help="把大模型问答录制成 JSONL 到该目录")]
CassettesOpt = Annotated[Path | None, typer.Option("--cassettes", help="replay 引擎读取的录制目录")]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=32, help="批量生成时的并发数")]


@dataclass(frozen=True)
class EngineOptions:
    """The engine options of one task command, as given on its command line."""

    engine: str | None = None
    provider: str | None = None
    model: str | None = None
    strict: bool = False
    record: Path | None = None
    cassettes: Path | None = None
    concurrency: int = 1

    def context(self):
        """The task context with these options over the configured ones (see `cli_support.context`)."""
        return context(**asdict(self))


PARAMETER = "engine_options"  # what the command calls the group


def _option(name: str, annotation: object, default: object) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


ENGINE_OPTIONS = (_option("engine", EngineOpt, None), _option("provider", ProviderOpt, None),
                  _option("model", ModelOpt, None), _option("strict", StrictOpt, False),
                  _option("record", RecordOpt, None), _option("cassettes", CassettesOpt, None))
CONCURRENCY_OPTION = _option("concurrency", ConcurrencyOpt, 1)


def with_engine_options(concurrency: bool = False) -> Callable[[F], F]:
    """Give a task command --engine, --provider, --model, --strict, --record and --cassettes (and --concurrency, for a
    command that writes many texts) after its own options. The command takes them as one keyword-only parameter,
    ``engine_options: EngineOptions``. Put it under ``@friendly``."""
    added = (*ENGINE_OPTIONS, CONCURRENCY_OPTION) if concurrency else ENGINE_OPTIONS

    def decorate(command: F) -> F:
        own = inspect.signature(command)
        kept = [p for name, p in own.parameters.items() if name != PARAMETER]

        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            given = EngineOptions(**{p.name: kwargs.pop(p.name) for p in added})
            return command(*args, **kwargs, **{PARAMETER: given})

        wrapper.__signature__ = own.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in (*kept, *added)} | {"return": own.return_annotation}
        return wrapper  # type: ignore[return-value]

    return decorate

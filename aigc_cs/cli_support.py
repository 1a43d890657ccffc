"""What every command of the aigc-cs CLI shares: printing, the one-line error wrapper and the task context (which
ingests the demo corpus on first use). The shared options are in `aigc_cs.cli_options`."""

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from aigc_cs.errors import UserError

F = TypeVar("F", bound=Callable)


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def print_json(data: object) -> None:
    """Print a pydantic model or plain data as JSON, Chinese kept readable."""
    import json

    from pydantic import BaseModel

    text = data.model_dump_json() if isinstance(data, BaseModel) else json.dumps(data, ensure_ascii=False)
    console().print_json(text)


def emit(result, as_json: bool, out_path: Path | None, label: str, notes: list[str] | None = None) -> None:
    """Print or save a task result (a `TaskResult`); exit 1 when it carries warnings, so no failing output
    is ever presented as clean."""
    out = console()
    if out_path is not None:
        from aigc_cs.export import write

        write(result.to_document(), result, out_path)
        out.print(f"已保存：{out_path}（引擎：{result.engine}）")
    elif as_json:
        print_json(result)
    else:
        out.rule(f"{label} · {result.shop} · 引擎：{result.engine}")
        out.print(result.text)
        out.rule()
        for c in result.citations:
            out.print(f"[dim]出处：{c}[/dim]")
    err = console(stderr=True)
    usage = getattr(result, "usage", None)
    if usage is not None:
        err.print(f"[dim]用量：调用 {usage.calls} 次（缓存或录制命中 {usage.cached} 次），"
                  f"提示 {usage.prompt_tokens} tokens，生成 {usage.completion_tokens} tokens[/dim]")
    for note in notes or []:
        err.print(f"[yellow]{note}[/yellow]")
    for w in result.warnings:
        err.print(f"[red]检查未通过：[/red]{w}")
    if result.warnings:
        raise typer.Exit(1)


def fail(exc: "UserError") -> NoReturn:
    """A `UserError` as one red line and its exit code."""
    console(stderr=True).print(f"[red]错误：[/red]{exc.message}")
    raise typer.Exit(exc.exit_code) from None


def click_errors():
    """The module of the command-line parser's exceptions: typer's own copy of click (typer ≥ 0.20), else click's."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def usage_line(exc) -> str:
    """A command-line mistake the parser found (a bad value, an unknown or missing option) as one line in Chinese that
    names the option and says where to look."""
    errors = click_errors()
    ctx = getattr(exc, "ctx", None)
    see = f"；用 {ctx.command_path if ctx is not None else 'aigc-cs'} --help 查看用法和可用的取值"
    if isinstance(exc, errors.NoSuchOption):
        return f"没有 {exc.option_name} 这个选项{see}"
    param = getattr(exc, "param", None)
    hint = "/".join(getattr(param, "opts", None) or [getattr(param, "name", None) or ""])  # --shop/-s, or an argument
    if isinstance(exc, errors.MissingParameter):
        return f"缺少 {hint or '必填的参数'}{see}"
    if isinstance(exc, errors.BadParameter) and hint:
        return f"{hint} 的值不对{see}"
    return f"命令行写得不对{see}"


def friendly(command: F) -> F:
    """Turn a `UserError` into one red line and its exit code; never show a traceback for bad input."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from aigc_cs.errors import UserError

        try:
            return command(*args, **kwargs)
        except UserError as exc:
            fail(exc)
        except KeyboardInterrupt:
            console(stderr=True).print("[yellow]已中断。[/yellow]")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if os.environ.get("AIGC_CS_DEBUG"):
                raise
            console(stderr=True).print(
                f"[red]内部错误：[/red]{type(exc).__name__}: {exc}。请设置 AIGC_CS_DEBUG=1 重跑查看详情，并把输出反馈给维护者"
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def context(engine: str | None = None, provider: str | None = None, model: str | None = None,
             strict: bool = False, record: Path | None = None, cassettes: Path | None = None, concurrency: int = 1):
    """The task context, with command-line engine options over the configured ones. On first use the bundled
    demo corpus is ingested, so that every command just works."""
    from aigc_cs.config import Settings
    from aigc_cs.tasks.context import Context

    given = {"engine": engine, "provider": provider, "model": model, "strict": strict or None, "record": record,
             "cassettes": cassettes}
    settings = Settings(**{k: v for k, v in given.items() if v is not None})  # a bad value is one UserError line
    ctx = Context(settings, concurrency=concurrency)
    if not ctx.index.chunks():
        console(stderr=True).print(f"[dim]知识库 {ctx.settings.home} 还是空的，先导入内置示例语料……[/dim]")
        run_ingest(ctx, [], None)
    return ctx


def run_ingest(ctx, paths: list[Path], shop: str | None) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aigc_cs.kb.ingest import ingest
    from aigc_cs.paths import corpus_dir

    err = console(stderr=True)
    roots = paths or [corpus_dir()]
    with Progress(TextColumn("向量化"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("embed", total=None)

        def on_embed(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = ingest(ctx.index, roots, shop_override=shop, max_bytes=int(ctx.settings.max_file_mb * 2**20),
                        chunk_chars=ctx.settings.chunk_chars, on_embed=on_embed)
    for issue in report.issues:
        err.print(f"[yellow]跳过：[/yellow]{issue}")
    for warning in report.warnings:
        err.print(f"[yellow]提醒：[/yellow]{warning}")
    shops = "、".join(report.shops) or "无"
    err.print(
        f"导入完成：{report.files} 个文件，共 {report.chunks_total} 个片段（新增 {report.added}，移除 {report.removed}，"
        f"本次向量化 {report.embedded}）；店铺：{shops}"
    )
    return 1 if report.issues else 0

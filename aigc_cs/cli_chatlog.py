"""`aigc-cs replies`: a whole chat export answered line by line into a JSONL file that an interrupted run resumes."""

from pathlib import Path
from typing import Annotated

import typer

from aigc_cs.cli_options import EngineOptions, ShopOpt, with_engine_options
from aigc_cs.cli_support import console, friendly

commands = typer.Typer()  # merged into the main app by cli.py


@commands.command()
@friendly
@with_engine_options(concurrency=True)
def replies(
    messages: Annotated[Path, typer.Argument(help="顾客消息文件 .txt（UTF-8 或 GBK），一行一条")],
    shop: ShopOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="回复写到这个 .jsonl 文件，每回一条写一行")],
    resume: Annotated[bool, typer.Option("--resume", help="接着上次中断的地方继续，已回的不重回，出错的重回")] = False,
    *,
    engine_options: EngineOptions,
) -> None:
    """批量回复：把聊天记录里的顾客消息（一行一条）逐条生成回复，边回边写进 .jsonl；中断后加 --resume 接着回；用大模型时 --concurrency 同时回几条。有出错的行时退出码为 1。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aigc_cs.errors import UserError
    from aigc_cs.tasks import chatlog

    if out.suffix.lower() != ".jsonl":
        raise UserError(f"{out}：回复文件请用 .jsonl 扩展名（每行一条回复）")
    lines = chatlog.read_messages(messages)
    ctx = engine_options.context()
    with Progress(TextColumn("回复"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("reply", total=len(lines))
        done = chatlog.answer_all(lines, shop, ctx, out, resume,
                                  on_progress=lambda n, total: progress.update(task, completed=n))
    failed = [d for d in done if d.error]
    unsure = sum(1 for d in done if d.reply is not None and not d.reply.answered)
    console().print(f"已回复 {len(done) - len(failed)} 条（其中 {unsure} 条如实说明资料里没写、承诺核实），写入：{out}")
    for d in failed[:5]:
        console(stderr=True).print(f"[red]第 {d.n} 条没有回复：[/red]{d.error}")
    if failed:
        console(stderr=True).print(f"共 {len(failed)} 条出错；处理好以后加 --resume 只重回这些行。")
        raise typer.Exit(1)

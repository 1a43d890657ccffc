"""The `aigc-cs practice` command: role-play in the terminal. The tool plays a customer, the student types the agent's
replies; hints after each turn (hidden with --exam), and a summary at the end. The engine is aigc_cs.practice."""

from pathlib import Path
from typing import Annotated

import typer

from aigc_cs.cli_options import CassettesOpt, ModelOpt, ProviderOpt, ShopOpt
from aigc_cs.cli_support import console, context, friendly

commands = typer.Typer()  # merged into the main app by cli.py
END_WORDS = ("结束", "/结束", "退出")
PROMPT = "你（客服）："


@commands.command()
@friendly
def practice(
    shop: ShopOpt,
    persona: Annotated[str | None, typer.Option(
        "--persona", "-p", help="顾客画像 ID 或类型（如 bargain-tee、砍价型）；不填时按种子挑一位，--list 列出全部")] = None,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="offline（默认，离线模拟顾客）/ llm（大模型扮演顾客）/ replay（从录制回放）")] = None,
    exam: Annotated[bool, typer.Option("--exam", help="考试模式：对话中不给提示，结束后才看总结")] = False,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="随机种子：同一个种子、同样的回复，得到同样的对话")] = None,
    transcript_out: Annotated[Path | None, typer.Option(
        "--transcript-out", "-o", help="把对话记录和总结存成文件：.docx/.md（也可 .xlsx/.json）")] = None,
    list_personas: Annotated[bool, typer.Option("--list", help="列出该店铺的顾客画像后退出")] = False,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """角色扮演练习：工具扮演顾客，你扮演客服。每轮给出提示（--exam 不给），输入“结束”或按 Ctrl-D 结束并查看总结。"""
    from rich.markup import escape

    from aigc_cs.errors import UserError
    from aigc_cs.export import check_suffix, write
    from aigc_cs.practice.personas import shop_personas
    from aigc_cs.practice.session import Session

    if list_personas:
        _list(shop_personas(shop))
        return
    if engine not in (None, "offline", "llm", "replay"):
        raise UserError(f"--engine 的值“{engine}”不可用，只能是 offline / llm / replay")
    if transcript_out is not None:
        check_suffix(transcript_out)
    ctx = context(engine, provider, model, cassettes=cassettes)
    session = Session.start(shop, ctx, persona=persona, seed=seed, exam=exam)
    p, out = session.persona, console()
    out.rule(f"角色扮演练习 · {session.shop.info.name} · 引擎：{ctx.engine.kind}")
    out.print(escape(f"顾客：{p.name}（{p.type_name}）— {p.profile}；{p.mood}。想买：{session.product.name}。"
                     f"种子 {session.state.seed}（--seed {session.state.seed} 可重现这次对话）"))
    out.print(f"你是{session.shop.info.name}的客服。输入回复后回车；输入“结束”或按 Ctrl-D 结束并查看总结。"
              + ("[bold]考试模式：过程中不给提示。[/bold]" if exam else ""))
    _customer(session.opening, p.name, session.state.turns[0].note)
    while not session.state.done:
        text = _read()
        if text is None or text.strip() in END_WORDS:
            session.end()
            break
        if not text.strip():
            continue
        try:
            result = session.reply(text)
        except UserError as exc:
            out.print(f"[yellow]{escape(exc.message)}[/yellow]")
            continue
        for hint in result.hints:  # none in exam mode
            out.print(f"[yellow]提示：[/yellow]{escape(hint.message)}")
        if result.customer is not None:
            _customer(result.customer, p.name, result.note)
        if result.outcome and not result.done:
            label = {"deal": "顾客决定下单", "lost": "顾客要走了", "review": "顾客很不满，说要给差评"}[result.outcome]
            out.print(f"[dim]（{label}。你还可以回一句告别的话，或输入“结束”）[/dim]")
    summary = session.summary()
    _print_summary(summary)
    if transcript_out is not None:
        write(summary.to_document(), summary, transcript_out)
        out.print(f"已保存对话记录和总结：{transcript_out}")


def _read() -> str | None:
    """One line of the student's reply; None at the end of input (Ctrl-D) or on Ctrl-C. Input from a file or a pipe
    is echoed, so that the printed chat reads as one."""
    import sys

    try:
        line = input(PROMPT)
    except (EOFError, KeyboardInterrupt):
        print()
        return None
    if not sys.stdin.isatty():
        print(line)
    return line


def _customer(text: str, name: str, note: str | None) -> None:
    from rich.markup import escape

    out = console()
    if note:
        out.print(f"[dim yellow]（{escape(note)}）[/dim yellow]")
    out.print(f"[bold cyan]顾客（{escape(name)}）：[/bold cyan]{escape(text)}")


def _list(personas) -> None:
    from rich.table import Column, Table

    table = Table(Column("ID", no_wrap=True), *(Column(h, overflow="fold") for h in ("类型", "顾客", "想买", "简介", "耐心")))
    for p in personas:
        table.add_row(p.id, p.type_name, p.name, p.product, p.profile, str(p.patience))
    console().print(table)
    console().print("用法：aigc-cs practice --shop 店铺ID --persona ID（或类型，如 砍价型）")


def _print_summary(summary) -> None:
    from rich.markup import escape
    from rich.table import Column, Table

    out = console()
    mark = {"ok": "[green]✓[/green]", "weak": "[yellow]△[/yellow]", "missing": "[red]✗[/red]"}
    color = {"deal": "green", "lost": "yellow", "review": "red"}.get(summary.outcome or "", "dim")
    out.rule("练习总结")
    out.print(f"结果：[bold {color}]{summary.outcome_label}[/bold {color}]　顾客：{escape(summary.persona_name)}"
              f"（{summary.type_name}）　商品：{summary.product}")
    for rule in summary.persona_rules:
        out.print(f"[dim]这位顾客{escape(rule)}[/dim]")
    out.print("售前五步：" + "　".join(f"{c.name}{mark[c.status]}" for c in summary.steps))
    out.print("顾虑：" + "　".join(f"{d.name}（{d.status}）" for d in summary.doubts))
    if not summary.policy_errors:
        out.print("政策错误：[green]无[/green]")
    for f in summary.policy_errors:
        out.print(f"[red]政策错误[/red]（第{f.line}句）：{escape(f.message)}")
    for f in summary.wording:
        out.print(f"[yellow]用语[/yellow]（第{f.line}句）：{escape(f.message)}")
    g = summary.grade
    table = Table(*(Column(h, overflow="fold") for h in ("评分项", "得分", "评价", "建议")),
                  title=f"{g.title}：{g.total:g} / {g.scale:g}")
    for c in g.criteria:
        table.add_row(c.name, f"{c.points:g}/{c.max_points:g}", c.descriptor, c.advice or "—")
    out.print(table)
    if summary.improved:
        out.rule(f"改进后的话术（rewrite 任务，引擎：{summary.improved_engine}）")
        for line in summary.improved:
            out.print(escape(line))
    for note in summary.notes:
        console(stderr=True).print(f"[dim]{escape(note)}[/dim]")

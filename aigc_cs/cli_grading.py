"""The grading commands of aigc-cs: rubrics, rubric show, grade and grade-batch."""

from pathlib import Path
from typing import Annotated

import typer

from aigc_cs.cli_support import (
    CassettesOpt,
    EngineOpt,
    JsonOpt,
    ModelOpt,
    ProviderOpt,
    ShopOpt,
    console,
    context,
    friendly,
    print_json,
)

commands = typer.Typer()  # merged into the main app by cli.py
rubric_app = typer.Typer(help="评分标准。", no_args_is_help=True)


@commands.command()
@friendly
def rubrics(as_json: JsonOpt = False) -> None:
    """列出评分标准。"""
    from rich.table import Table

    from aigc_cs.grading.rubric import all_rubrics

    items = all_rubrics()
    if as_json:
        print_json([{"id": r.id, "title": r.title, "task": r.task, "scale": r.scale,
                      "criteria": [c.id for c in r.criteria]} for r in items.values()])
        return
    table = Table("ID", "名称", "任务", "满分", "评分项")
    for r in items.values():
        table.add_row(r.id, r.title, r.task, f"{r.scale:g}", "、".join(f"{c.name}({c.weight:g})" for c in r.criteria))
    console().print(table)


@rubric_app.command("show")
@friendly
def rubric_show(rubric_id: Annotated[str, typer.Argument(help="评分标准 ID")], as_json: JsonOpt = False) -> None:
    """查看一个评分标准：各评分项的等级描述、示例和规则检查。"""
    from aigc_cs.grading.rubric import get_rubric

    rubric = get_rubric(rubric_id)
    if as_json:
        print_json(rubric)
        return
    out = console()
    out.print(f"[bold]{rubric.title}[/bold]（{rubric.id}，任务 {rubric.task}，满分 {rubric.scale:g}）")
    for c in rubric.criteria:
        out.rule(f"{c.name}（{c.id}，{c.weight:g} 分）· 出处 {c.cites}")
        for level in c.levels:
            out.print(f"  {level.points:>4g} 分：{level.descriptor}  例：{level.anchor}")
        out.print("  [dim]规则：" + "；".join(f"{k.kind}{'（硬性）' if k.hard else ''}" for k in c.checks) + "[/dim]")


@commands.command()
@friendly
def grade(
    answer: Annotated[str, typer.Argument(help="学生答案；@文件路径读文件（txt/md/docx，例如 @答案.docx），- 读标准输入")],
    rubric: Annotated[str, typer.Option("--rubric", "-r", help="评分标准 ID，见 aigc-cs rubrics")],
    shop: ShopOpt,
    scenario: Annotated[str, typer.Option("--scenario", help="题目情境，例如顾客的原话")] = "",
    scorer: Annotated[str, typer.Option("--scorer", help="rules（默认，离线）/ judge / hybrid")] = "rules",
    channel: Annotated[str | None, typer.Option("--channel", help="致歉消息的渠道：sms（短信）/ online（在线）；省略时看情境里有没有“短信”")] = None,
    as_json: JsonOpt = False,
    out_path: Annotated[Path | None, typer.Option(
        "--out", "-o", help="把评分反馈存成可打印的文件：.docx/.md（也可 .json）")] = None,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """按评分标准给学生答案打分：逐项得分、证据、反馈（注明课程出处）、问题片段和改进版本。"""
    from rich.table import Column, Table

    from aigc_cs.errors import UserError
    from aigc_cs.export import check_suffix, write
    from aigc_cs.grading.grade import grade as run_grade
    from aigc_cs.grading.handout import FLAGS, feedback_document
    from aigc_cs.inputs import read_text_arg

    if scorer not in ("rules", "judge", "hybrid"):
        raise UserError(f"--scorer 的值“{scorer}”不可用，只能是 rules / judge / hybrid")
    if scorer != "rules" and engine is None:
        engine = "llm"
    if channel not in (None, "sms", "online"):
        raise UserError(f"--channel 的值“{channel}”不可用，只能是 sms / online")
    if out_path is not None:
        check_suffix(out_path)
    text = read_text_arg(answer, "答案")
    result = run_grade(text, rubric, shop, context(engine, provider, model, cassettes=cassettes),
                       scenario=scenario, scorer=scorer, channel=channel)  # type: ignore[arg-type]
    if out_path is not None:
        write(feedback_document(result), result, out_path)
        console().print(f"已保存评分反馈：{out_path}（总分 {result.total:g} / {result.scale:g}）")
        return
    if as_json:
        print_json(result)
        return
    out = console()
    table = Table(*(Column(h, overflow="fold") for h in ("评分项", "得分", "证据", "反馈")), show_lines=True)
    for c in result.criteria:
        table.add_row(c.name, f"{c.points:g}/{c.max_points:g}", "；".join(c.evidence[:2]) or "—", c.feedback)
    out.print(table)
    out.print(f"[bold]总分：{result.total:g} / {result.scale:g}[/bold]（评分方式：{result.scorer}）")
    for fault in result.faults:
        if fault.kind != "missing":
            out.print(f"[red]问题：[/red]{fault.message}")
    for flag in result.flags:
        out.print(f"[yellow]{FLAGS.get(flag, flag)}[/yellow]")
    for w in result.warnings:
        console(stderr=True).print(f"[yellow]提醒：[/yellow]{w}")
    if result.improved:
        out.rule("改进版本（尽量保留了你的原话）")
        out.print(result.improved)


@commands.command("grade-batch")
@friendly
def grade_batch(
    class_file: Annotated[Path, typer.Argument(help="班级答案 .xlsx/.csv：学号、姓名、答案（可选：情境）")],
    rubric: Annotated[str, typer.Option("--rubric", "-r", help="评分标准 ID")],
    shop: ShopOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="报告 .xlsx")],
    html_out: Annotated[Path | None, typer.Option("--html", help="另存一份 HTML 报告")] = None,
    scenario: Annotated[str, typer.Option("--scenario", help="全班共同的题目情境（班级文件有“情境”列时以该列为准）")] = "",
    scorer: Annotated[str, typer.Option("--scorer", help="rules（默认）/ judge / hybrid")] = "rules",
    resume: Annotated[bool, typer.Option("--resume", help="接着上次中断的地方继续，已评的不重评")] = False,
    pseudonymize: Annotated[bool, typer.Option("--pseudonymize", help="用“学生001”代替姓名（报告和发给模型的内容里都不出现真名）")] = False,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """批量评分：逐个写入进度（可 --resume 续评），生成班级报告（成绩、统计、常见问题、教师复核表）。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aigc_cs.errors import UserError
    from aigc_cs.files import write_text_atomic
    from aigc_cs.grading import batch, overrides, report
    from aigc_cs.grading.grade import grade as run_grade
    from aigc_cs.grading.rubric import get_rubric

    if out.suffix.lower() != ".xlsx":
        raise UserError(f"{out}：报告请用 .xlsx 扩展名（HTML 用 --html）")
    if scorer not in ("rules", "judge", "hybrid"):
        raise UserError(f"--scorer 的值“{scorer}”不可用，只能是 rules / judge / hybrid")
    rubric_model = get_rubric(rubric)
    ctx = context(engine or ("llm" if scorer != "rules" else None), provider, model, cassettes=cassettes)
    ctx.shop(shop)
    students = batch.read_class(class_file)
    if pseudonymize:
        students, codes = batch.pseudonymize(students)
        names = out.with_name(out.stem + ".姓名对照.csv")
        write_text_atomic(names, batch.pseudonym_table(codes), encoding="utf-8-sig")
        console(stderr=True).print(f"姓名对照表只保存在本机：{names}")

    def grade_one(student: batch.Student):
        if not student.answer.strip():
            return batch.unanswered(rubric_model, shop, student.scenario or scenario, scorer)
        return run_grade(student.answer, rubric, shop, ctx, scenario=student.scenario or scenario,
                         scorer=scorer)  # type: ignore[arg-type]

    with Progress(TextColumn("评分"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("grade", total=len(students))
        setup = batch.Setup(rubric=rubric, shop=shop, scenario=scenario)
        results = batch.grade_class(students, grade_one, batch.journal_path(out), setup, resume,
                                    on_progress=lambda done, total: progress.update(task, completed=done))
    kept = overrides.sync(out, report.read_overrides(out))  # journaled before any report is written
    report.write_xlsx(results, rubric_model, out, kept)
    if html_out:
        report.write_html(results, rubric_model, html_out, kept)
    s = report.stats(results, rubric_model, kept)
    console().print(f"已评 {s.graded} 人（失败 {s.failed}），平均 {s.mean}，报告：{out}"
                     + (f"，{html_out}" if html_out else "") + (f"；保留教师覆盖 {len(kept)} 条" if kept else ""))
    failed = batch.failure_summary(results)
    if failed:
        console(stderr=True).print(f"[red]错误：[/red]{failed}")
        raise typer.Exit(1)

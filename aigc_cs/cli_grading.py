"""The grading commands of aigc-cs: rubrics, rubric show, grade and grade-batch."""

from pathlib import Path
from typing import Annotated

import typer

from aigc_cs.cli_options import CassettesOpt, EngineOpt, JsonOpt, ModelOpt, ProviderOpt, ShopOpt, shop_id
from aigc_cs.cli_support import console, context, friendly, print_json

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
        out.print("  [dim]规则：" + "；".join(f"{k.kind}{'（硬性）' if k.hard else ''}{'（也按意思）' if k.by_meaning else ''}"
                                          for k in c.checks) + "[/dim]")
        if c.examples:  # sentences that meet or miss the criterion by meaning (grading/semantic.py)
            out.print("  [dim]按意思认的例句——算数：" + " / ".join(c.examples.meets) + "[/dim]")
            out.print("  [dim]按意思认的例句——不算（拖延、推责、施压）：" + " / ".join(c.examples.misses) + "[/dim]")


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
    out: Annotated[Path, typer.Option("--out", "-o", help="报告 .xlsx")],
    class_file: Annotated[Path | None, typer.Argument(
        help="班级答案 .xlsx/.csv（也可写成 --answers 文件）：学号、姓名、答案；按作业评分时每题一列，列名以题号开头")] = None,
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", help="评分标准 ID（单题评分时必填）")] = None,
    shop: Annotated[str | None, typer.Option("--shop", "-s", callback=shop_id,
                                             help="店铺 ID（单题评分时必填；按作业评分时用作业里的店铺）")] = None,
    assignment_file: Annotated[Path | None, typer.Option(
        "--assignment", help="作业文件（exercise --out 写的 *-作业.yaml）：每题用自己的评分标准和情境")] = None,
    answers: Annotated[Path | None, typer.Option("--answers", help="填好的答题表 .xlsx/.csv（同位置参数）")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="另存一份 HTML 报告")] = None,
    slips: Annotated[Path | None, typer.Option("--slips", help="每个学生一份反馈单，存成 .docx（或 .md）")] = None,
    scenario: Annotated[str, typer.Option("--scenario", help="全班共同的题目情境（班级文件有“情境”列时以该列为准）")] = "",
    scorer: Annotated[str, typer.Option("--scorer", help="rules（默认）/ judge / hybrid")] = "rules",
    resume: Annotated[bool, typer.Option("--resume", help="接着上次中断的地方继续，已评的不重评")] = False,
    pseudonymize: Annotated[bool, typer.Option("--pseudonymize", help="用“学生001”代替姓名（报告和发给模型的内容里都不出现真名）")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=32,
                                             help="judge / hybrid 评分时同时评几份答案")] = 1,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """批量评分：一题（-r 评分标准）或一份作业（--assignment，每题各用自己的评分标准和情境）；逐份写入进度（可
    --resume 续评），生成班级报告（成绩、每题答案与反馈、统计、常见问题、教师复核表），可另出 HTML 报告和反馈单。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aigc_cs.errors import UserError
    from aigc_cs.export import write
    from aigc_cs.files import write_text_atomic
    from aigc_cs.grading import batch, overrides, report
    from aigc_cs.grading.grade import grade as run_grade
    from aigc_cs.grading.handout import slips_document
    from aigc_cs.grading.rubric import get_rubric

    sheet = _class_file(class_file, answers)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"{out}：报告请用 .xlsx 扩展名（HTML 用 --html）")
    if slips is not None and slips.suffix.lower() not in (".docx", ".md"):
        raise UserError(f"{slips}：反馈单请用 .docx（或 .md）扩展名")
    if scorer not in ("rules", "judge", "hybrid"):
        raise UserError(f"--scorer 的值“{scorer}”不可用，只能是 rules / judge / hybrid")
    assignment, setup = _assignment(assignment_file, rubric, shop, scenario)
    ctx = context(engine or ("llm" if scorer != "rules" else None), provider, model, cassettes=cassettes)
    shop_record = ctx.shop(assignment.shop)
    students = batch.read_class(sheet, assignment.questions)
    if pseudonymize:
        students, codes = batch.pseudonymize(students)
        names = out.with_name(out.stem + ".姓名对照.csv")
        write_text_atomic(names, batch.pseudonym_table(codes), encoding="utf-8-sig")
        console(stderr=True).print(f"姓名对照表只保存在本机：{names}")
    questions = {q.no: q for q in assignment.questions}

    def grade_one(student: batch.Student):
        question = questions[student.question]
        situation = student.scenario or question.grading_scenario
        if not student.answer.strip():
            return batch.unanswered(get_rubric(question.rubric), assignment.shop, situation, scorer)
        return run_grade(student.answer, question.rubric, assignment.shop, ctx, scenario=situation,
                         scorer=scorer, channel=question.channel)  # type: ignore[arg-type]

    if scorer != "rules":
        from contextlib import suppress

        from aigc_cs.grading.judge import prepare

        with suppress(UserError):  # a missing key fails each answer, journaled for --resume, as it always did
            prepare(ctx)  # the model client and its imports, once, before the first answers are sent together
    with Progress(TextColumn("评分"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("grade", total=len(students))
        results = batch.grade_class(students, grade_one, batch.journal_path(out), setup, resume,
                                    on_progress=lambda done, total: progress.update(task, completed=done),
                                    concurrency=concurrency if scorer != "rules" else 1, cpu_bound=scorer == "rules")
    kept = overrides.sync(out, report.read_overrides(out))  # journaled before any report is written
    made = report.build(results, assignment, kept, f"{shop_record.info.name}（{assignment.shop}）", scorer)
    report.write_xlsx(made, out)
    if html_out:
        report.write_html(made, html_out)
    if slips:
        write(slips_document(made), made, slips)
    s = made.stats
    console().print(f"已评 {s.graded} 人（失败 {s.failed}），平均 {s.mean}，报告：{out}"
                     + "".join(f"，{p}" for p in (html_out, slips) if p) + (f"；保留教师覆盖 {len(kept)} 条" if kept else ""))
    failed = batch.failure_summary(results)
    if failed:
        console(stderr=True).print(f"[red]错误：[/red]{failed}")
        raise typer.Exit(1)


def _class_file(positional: Path | None, answers: Path | None) -> Path:
    """The class file, given as the argument or as --answers (not both)."""
    from aigc_cs.errors import UserError

    if positional and answers and positional != answers:
        raise UserError(f"班级答案文件给了两个（{positional} 和 --answers {answers}），请只给一个")
    if not (positional or answers):
        raise UserError("请给出班级答案文件：aigc-cs grade-batch 班级.xlsx -r 评分标准 -s 店铺 -o 报告.xlsx，"
                        "或 aigc-cs grade-batch --assignment 作业.yaml --answers 答题表.xlsx -o 报告.xlsx")
    return positional or answers  # type: ignore[return-value]


def _assignment(path: Path | None, rubric: str | None, shop: str | None, scenario: str):
    """The assignment to grade and the setup its journal records: the file's, or one question from -r/-s/--scenario."""
    from aigc_cs.errors import UserError
    from aigc_cs.grading.assignment import load_assignment, single
    from aigc_cs.grading.batch import Setup
    from aigc_cs.grading.rubric import get_rubric

    if path is None:
        if rubric is None or shop is None:
            raise UserError(f"缺少 {'--rubric' if rubric is None else '--shop'}：单题评分要给评分标准 ID 和店铺 ID；"
                            "按作业评分请用 --assignment 作业文件")
        assignment = single(rubric, shop, scenario, get_rubric(rubric).title)
        return assignment, Setup(rubric=rubric, shop=shop, scenario=scenario)
    assignment = load_assignment(path)
    if rubric or scenario:
        raise UserError(f"{path}：作业里每题已有自己的评分标准和情境，请去掉 {'--rubric' if rubric else '--scenario'}")
    if shop and shop != assignment.shop:
        raise UserError(f"{path}：这份作业是按店铺 {assignment.shop} 出的，与 --shop {shop} 不同；去掉 --shop 即可")
    return assignment, Setup(rubric="", shop=assignment.shop, scenario="", assignment=assignment.fingerprint)

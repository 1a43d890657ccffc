"""The `aigc-cs eval` commands: retrieval, replies, language, calibrate and the eval suites."""

from pathlib import Path
from typing import Annotated

import typer

from aigc_cs.cli_options import CassettesOpt, JsonOpt, ModelOpt, ProviderOpt, RecordOpt
from aigc_cs.cli_support import console, context, friendly, print_json

eval_app = typer.Typer(help="离线评测。", no_args_is_help=True)


@eval_app.command("retrieval")
@friendly
def eval_retrieval(
    k: Annotated[int, typer.Option("-k", min=1, help="recall@k 的 k")] = 3,
    split: Annotated[str, typer.Option("--split", help="dev（调参用）或 test（盲写、冻结）")] = "dev",
    as_json: JsonOpt = False,
) -> None:
    """用标注问题集评测检索：BM25、向量、混合三种方式的 recall@k 与 MRR。"""
    from rich.table import Table

    from aigc_cs.evalkit.replies import eval_context
    from aigc_cs.evalkit.retrieval import evaluate, load_questions

    split = _split(split)
    retriever = eval_context(context()).retriever
    questions = load_questions(split)
    results = [evaluate(retriever, questions, mode, k) for mode in ("bm25", "dense", "hybrid")]
    if as_json:
        print_json([r.model_dump() for r in results])
        return
    table = Table("检索方式", "问题数", f"recall@{k}", "MRR", title=f"检索质量（{split}）")
    for r in results:
        table.add_row(r.mode, str(r.questions), f"{r.recall:.3f}", f"{r.mrr:.3f}")
    console().print(table)
    misses = results[-1].misses
    for miss in misses[:10] if split == "dev" else []:
        console().print(f"[dim]hybrid 未命中：{miss}[/dim]")


def _split(value: str) -> str:
    from aigc_cs.errors import UserError

    if value not in ("dev", "test"):
        raise UserError(f"--split 只能是 dev 或 test，收到“{value}”")
    return value


@eval_app.command("replies")
@friendly
def eval_replies(
    split: Annotated[list[str] | None, typer.Option("--split", help="dev / test，可重复；默认两个都评")] = None,
    fit: Annotated[bool, typer.Option("--fit", help="在 dev 上拟合意图阈值并写入 intent-thresholds.yaml")] = False,
    show: Annotated[int, typer.Option("--show", help="列出 dev 上多少条没答好的消息（test 从不列出）")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """用标注的顾客消息评测离线回复：答对话题和事实、如实说明不知道、寒暄、与政策矛盾、让已购顾客下单。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from aigc_cs.evalkit.replies import evaluate

    ctx = context()
    if fit:
        import yaml

        from aigc_cs.evalkit.replies import fit as fit_thresholds
        from aigc_cs.kb.intents import THRESHOLDS_FILE
        from aigc_cs.paths import corpus_dir

        with console(stderr=True).status("在 dev 上拟合意图阈值（要几分钟）…"):
            fitted = fit_thresholds(ctx, "dev")
        path = corpus_dir() / THRESHOLDS_FILE
        head = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                       if line.startswith("#")) if path.exists() else ""
        path.write_text(head + yaml.safe_dump(fitted.thresholds, allow_unicode=True, sort_keys=False, default_flow_style=None), encoding="utf-8")
        console().print(f"已写入 {path}（dev 目标值 {fitted.objective}）")
    summaries = []
    for name in [_split(s) for s in split or ["dev", "test"]]:
        with Progress(TextColumn(f"评测 {name}"), BarColumn(), MofNCompleteColumn(), console=console(stderr=True),
                      transient=True) as bar:
            task = bar.add_task(name, total=None)
            summaries.append(evaluate(ctx, name, lambda done, total, task=task: bar.update(task, completed=done,
                                                                                               total=total)))
    if as_json:
        print_json([s.model_dump(exclude={"outcomes"}) for s in summaries])
        return
    table = Table("指标", *(s.split for s in summaries), title="离线回复（标注顾客消息）")
    rows = [("消息数", "messages", "{:d}"), ("范围内：答对话题且事实齐全", "right_facts", "{:.1%}"),
            ("范围内：答错话题", "wrong_topic", "{:.1%}"), ("范围内：没有作答", "abstained", "{:.1%}"),
            ("范围外：如实说明、承诺核实", "honest", "{:.1%}"), ("寒暄：简短自然回应", "smalltalk_ok", "{:.1%}"),
            ("与店铺政策矛盾（条）", "contradicted", "{:d}"), ("让已购顾客下单（条）", "asked_to_order", "{:d}")]
    for label, field, fmt in rows:
        table.add_row(label, *(fmt.format(getattr(s, field)) for s in summaries))
    console().print(table)
    shops = Table("数据集", "店铺", "消息", "答对且事实齐全", "答错话题", "范围外如实", title="按店铺")
    for s in summaries:
        for line in s.by_shop:
            shops.add_row(s.split, line.shop, str(line.messages), f"{line.right_facts:.1%}", f"{line.wrong_topic:.1%}",
                          f"{line.honest:.1%}" if line.out_of_scope else "—")
    console().print(shops)
    for s in summaries:
        if s.split != "dev":
            continue
        misses = [o for o in s.outcomes if o.verdict in ("wrong_topic", "missing_facts", "not_honest", "abstained",
                                                         "smalltalk_missed")]
        for o in misses[:show]:
            extra = f"，缺：{'、'.join(o.missing)}" if o.missing else ""
            console().print(f"[dim]{o.id} {o.verdict}：{o.message} → {o.predicted}{extra}[/dim]")


@eval_app.command("language")
@friendly
def eval_language(
    split: Annotated[list[str], typer.Option("--split", help="evals/language 下的数据集：dev / test，可重复")] = ["dev"],  # noqa: B006
    show: Annotated[int, typer.Option("--show", min=0, help="列出 dev 上前几条误报和漏报（test 从不列出）")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """用语检查的精度：每千句专业客服话术的误报数，以及埋错样本（错别字/极限词/网络用语/禁用语）的召回率。"""
    from rich.table import Table

    from aigc_cs.evalkit.language import KINDS, measure

    # the frozen blind split is reported by its figures only (no sentences), so nobody tunes on it
    reports = [r.model_copy(update={"examples": [], "missed": []}) if r.split == "test" else r
               for r in (measure(name) for name in split)]
    if as_json:
        print_json([r.model_dump() for r in reports])
        return
    table = Table("数据集", "句子", "误报句", "每千句误报", *(f"召回 {k}" for k in KINDS))
    for r in reports:
        table.add_row(r.split, str(r.sentences), str(r.false_alarms), f"{r.per_thousand:.2f}",
                      *(f"{r.recall[k]:.2f}（{r.planted[k]}）" if k in r.recall else "—" for k in KINDS))
    out = console()
    out.print(table)
    for r in reports:
        for alarm in r.examples[:show]:
            marks = "、".join(f"{f.kind}“{f.quote}”" for f in alarm.findings)
            out.print(f"[dim]{r.split} 误报：{alarm.sentence} → {marks}[/dim]")
        if r.missed[:show]:
            out.print(f"[dim]{r.split} 漏报：{'、'.join(r.missed[:show])}[/dim]")


@eval_app.command("run")
@friendly
def eval_run(
    suites: Annotated[list[str] | None, typer.Argument(help="套件文件、文件夹或套件名；省略时运行 evals/suites 下全部")] = None,
    engine: Annotated[str | None, typer.Option("--engine", help="覆盖套件的引擎：offline / replay / llm")] = None,
    repeat: Annotated[int | None, typer.Option("--repeat", min=1, max=100, help="每个用例重复 N 次（非确定性引擎）")] = None,
    reducer: Annotated[str | None, typer.Option("--reducer", help="重复时的判定：pass@k（一次通过即可）/ majority（过半）")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="把完整结果写成 JSON 文件")] = None,
    junit_out: Annotated[Path | None, typer.Option("--junit", help="写 JUnit XML（给 CI 看）")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="写一个自包含的 HTML 报告")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="基线文件，默认 evals/baseline.json")] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="把这次结果写入基线（有意为之时才用）")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="列出每条断言，包括通过的")] = False,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    record: RecordOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """运行评测套件：逐个用例、逐条断言打分，与基线比较。退出码 0 通过，1 有失败或退步，2 套件或设置有误。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from aigc_cs.errors import UserError
    from aigc_cs.evalkit import baseline as base
    from aigc_cs.evalkit import report as reports
    from aigc_cs.evalkit.runner import run_all
    from aigc_cs.evalkit.suite import find_suites

    if engine not in (None, "offline", "replay", "llm"):
        raise UserError(f"--engine 的值“{engine}”不可用，只能是 offline / replay / llm")
    if reducer not in (None, "pass@k", "majority"):
        raise UserError(f"--reducer 的值“{reducer}”不可用，只能是 pass@k / majority")
    loaded = find_suites(suites)
    ctx = context(None, provider, model, False, record, None)
    err = console(stderr=True)
    with Progress(TextColumn("评测 {task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True) as progress:
        bar = progress.add_task("", total=sum(len(s.cases) for s in loaded))
        report = run_all(loaded, ctx, engine, repeat, reducer, cassettes=cassettes,  # type: ignore[arg-type]
                         on_case=lambda suite_id, _: progress.update(bar, advance=1, description=suite_id))
    baseline_path = baseline or base.default_path()
    base.attach(report.suites, {s.id: s.tolerance for s in loaded}, baseline_path)
    out = console()
    if not out.is_terminal:  # a CI log: wide enough that the offending spans stay on one line
        out.width = max(out.width, 160)
    for item in reports.console_tables(report, verbose):
        out.print(item)
    colour = "red" if report.exit_code else "green"
    out.print(f"[{colour}]{'未通过' if report.exit_code else '通过'}：{reports.summary(report)}[/{colour}]")
    out.print(reports.closing_line(report))
    for path, write in ((json_out, reports.write_json), (junit_out, reports.write_junit), (html_out, reports.write_html)):
        if path is not None:
            write(report, path)
            err.print(f"[dim]已写入：{path}[/dim]")
    if update_baseline:
        base.update(baseline_path, report.suites)
        failing = f"，其中 {report.failed_cases} 个用例未通过也照样记入" if report.failed_cases else ""
        err.print(f"[yellow]已更新基线：{baseline_path}（{len(report.suites)} 个套件{failing}）；请检查后再提交[/yellow]")
    raise typer.Exit(report.exit_code)


@eval_app.command("calibrate")
@friendly
def eval_calibrate(
    rubric: Annotated[str | None, typer.Option("--rubric", "-r", help="只评这个评分标准；省略时全部")] = None,
    scorer: Annotated[str, typer.Option("--scorer", help="rules / judge / hybrid")] = "rules",
    split: Annotated[str, typer.Option("--split", help="dev（可调参的开发集）/ test（盲评冻结的测试集）/ both")] = "both",
    as_json: JsonOpt = False,
) -> None:
    """评分一致性：评分方式与人工分数的二次加权 kappa（总分 5 档）、Spearman、MAE，开发集和测试集并排，旁边是两位评分者之间的一致程度。

    开发集的参照是教师金标（evals/gold/dev），测试集的参照是两位盲评者的平均分（evals/gold/test）。"""
    from rich.table import Table

    from aigc_cs.errors import UserError
    from aigc_cs.grading.calibrate import SPLITS, calibrate

    if split not in (*SPLITS, "both"):
        raise UserError(f"--split 只能是 dev、test 或 both，不认识“{split}”")
    splits = list(SPLITS) if split == "both" else [split]
    reports = [r for s in splits for r in calibrate(context(), rubric, scorer, s)]  # type: ignore[arg-type]
    if as_json:
        print_json([r.model_dump() for r in reports])
        return

    def cells(a, h) -> list[str]:
        if a is None:
            return ["—"] * 5
        return [str(a.n), f"{a.qwk:.3f}", f"{a.spearman:.3f}", "—" if h is None else f"{h.qwk:.3f}",
                "—" if h is None else f"{h.spearman:.3f}"]

    rows: dict[tuple[str, str], dict[str, list[str]]] = {}
    for r in reports:
        rows.setdefault((r.rubric, "总分（5档）"), {})[r.split] = cells(r.total, r.human.total if r.human else None)
        for cid, a in r.criteria.items():
            h = r.human.criteria.get(cid) if r.human else None
            rows.setdefault((r.rubric, cid), {})[r.split] = cells(a, h)
    names = {"dev": "开发集", "test": "测试集"}
    refs = {"dev": "规则vs教师", "test": "规则vs均值"}
    humans = {"dev": "教师vs评分者2", "test": "评分者1vs2"}
    columns = ["评分标准", "范围"]
    for s in splits:
        columns += [f"{names[s]} 样本", f"{refs[s]} QWK", f"{refs[s]} ρ", f"{humans[s]} QWK", f"{humans[s]} ρ"]
    table = Table(*columns, title=f"评分一致性（{scorer}）：QWK 为二次加权 kappa，ρ 为 Spearman")
    last = None
    for (rid, scope), by_split in rows.items():
        row = ["" if rid == last else rid, scope]
        for s in splits:
            row += by_split.get(s) or ["—"] * 5
        table.add_row(*row)
        last = rid
    console().print(table)

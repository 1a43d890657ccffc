"""The `providers` command of aigc-cs: the LLM presets, and whether each endpoint still serves its model."""

from typing import Annotated

import typer

from aigc_cs.cli_options import JsonOpt
from aigc_cs.cli_support import console, friendly, print_json

commands = typer.Typer()  # merged into the main app by cli.py


@commands.command()
@friendly
def providers(
    as_json: JsonOpt = False,
    check: Annotated[bool, typer.Option("--check", help="问接口的 /models：预设的模型还在不在（要联网；没设密钥的跳过）")] = False,
    provider: Annotated[str | None, typer.Option("--provider", help="只检查这一个预设")] = None,
) -> None:
    """列出大模型服务商预设：接口地址、默认模型、密钥环境变量，以及密钥是否已设置（不显示密钥）；--check 检查模型是否可用。"""
    from pydantic import ValidationError
    from rich.table import Column, Table

    from aigc_cs.config import Settings
    from aigc_cs.llm.providers import PROVIDERS

    if check or provider:
        _check_providers(provider, as_json)
        return
    try:
        current = Settings().provider
    except ValidationError:
        current = None
    rows = [{"id": p.id, "label": p.label, "base_url": p.base_url, "default_model": p.model, "key_env": p.key_env,
             "key": p.key_status(), "current": p.id == current, "note": p.note} for p in PROVIDERS.values()]
    if as_json:
        print_json(rows)
        return
    table = Table(*(Column(h, overflow="fold") for h in ("预设", "服务商", "默认模型", "接口地址", "密钥环境变量", "密钥", "说明")))
    for r in rows:
        key = {"已设置": "[green]已设置[/green]", "未设置": "[yellow]未设置[/yellow]"}.get(r["key"], r["key"])
        table.add_row(f"{r['id']}{' *' if r['current'] else ''}", r["label"], r["default_model"] or "（用 --model 指定）",
                      r["base_url"] or "（设置 AIGC_CS_BASE_URL）", r["key_env"] or "—", key, r["note"])
    out = console()
    out.print(table)
    out.print("用法：aigc-cs reply 顾客消息 --shop ID --engine llm --provider deepseek [--model 模型名]；"
              "* 为当前配置（AIGC_CS_PROVIDER 或 aigc-cs.toml 的 provider）。")


def _check_providers(only: str | None, as_json: bool) -> None:
    """One line per preset: whether its endpoint serves its model; exit 1 when one checked does not."""
    from rich.table import Column, Table

    from aigc_cs.config import Settings
    from aigc_cs.llm import providers as presets

    settings = Settings()
    results = []
    for p in [presets.get(only)] if only else presets.PROVIDERS.values():
        ours = p.id == settings.provider or only is not None  # AIGC_CS_MODEL / BASE_URL configure this one
        reason = None if only else presets.unconfigured(p, ours, settings.base_url)
        if reason:
            results.append(presets.skipped(p, reason))
            continue
        endpoint = presets.resolve(p.id, settings.model if ours else None, settings.base_url if ours else None)
        results.append(presets.check_model(endpoint, settings.timeout_s))
    if as_json:
        print_json([r.model_dump() for r in results])
    else:
        table = Table(*(Column(h, overflow="fold") for h in ("预设", "模型", "接口地址", "结果")))
        for r in results:
            table.add_row(r.provider, r.model or "—", r.base_url or "—", r.line)
        console().print(table)
    if any(r.failed for r in results):
        raise typer.Exit(1)

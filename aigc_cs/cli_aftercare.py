"""The after-sale commands of aigc-cs: revisit (老客户回访计划), remind-payment (催付) and review-reply (中差评回复)."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from aigc_cs.cli_options import EngineOptions, JsonOpt, OutOpt, ShopOpt, with_engine_options
from aigc_cs.cli_support import emit, friendly

commands = typer.Typer()  # merged into the main app by cli.py


@commands.command()
@friendly
@with_engine_options(concurrency=True)
def revisit(
    shop: ShopOpt,
    customers: Annotated[Path, typer.Option(
        "--customers", "-c", help="购买数据 .csv（UTF-8 或 GBK）或 .xlsx：客户、最近购买日期、购买次数、累计金额（可选：品类/商品、备注）")],
    channel: Annotated[str, typer.Option("--channel", help="短信 / 在线")] = "短信",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="统计日期，如 2026-12-01；不填时用数据里最近一次购买的日期")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    *,
    engine_options: EngineOptions,
) -> None:
    """老客户回访：按最近购买、次数、金额和备注给客户分群并说明理由，挑出回访对象，逐人写个性化话术（只用店铺政策允许的利益点），附给老师的回访计划。"""
    from aigc_cs.export import check_suffix
    from aigc_cs.tasks import revisit as task
    from aigc_cs.tasks.customers import read_customers

    if out is not None:
        check_suffix(out)
    table = read_customers(customers)
    inp = task.RevisitInput(shop=shop, customers=table, channel=channel, as_of=_date(as_of))
    result = task.run(inp, engine_options.context())
    emit(result, as_json, out, result.title(), result.notes)
    if result.skipped:  # a plan with rows left out is never presented as complete
        raise typer.Exit(1)


def _date(value: str | None) -> date | None:
    from aigc_cs.errors import UserError

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"--as-of 的值“{value}”不是日期，请写成 2026-12-01 这样的格式") from None


@commands.command("remind-payment")
@friendly
@with_engine_options()
def remind_payment(
    shop: ShopOpt,
    situation: Annotated[str, typer.Option("--situation", help="价格犹豫 / 支付问题 / 地址或尺码 / 忘记付款")],
    product: Annotated[str | None, typer.Option("--product", "-p", help="顾客拍下的商品，例如 碎花连衣裙")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    *,
    engine_options: EngineOptions,
) -> None:
    """催付：按顾客没付款的原因写两条提醒（第一次和跟进，附发送时机），用店铺事实消除顾虑，不施压、不制造紧迫感。"""
    from aigc_cs.tasks import remind as task

    inp = task.RemindInput(shop=shop, situation=situation, product=product)
    result = task.run(inp, engine_options.context())
    emit(result, as_json, out, result.title())


@commands.command("review-reply")
@friendly
@with_engine_options()
def review_reply(
    shop: ShopOpt,
    review: Annotated[str, typer.Option("--review", help="顾客的评价原文；@文件路径读文件，- 读标准输入")],
    rating: Annotated[str | None, typer.Option("--rating", help="星级 1–5（1 星最差）；中差评一般是 1–3 星")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    *,
    engine_options: EngineOptions,
) -> None:
    """中差评回复：感谢、担责不争辩、按政策给出解决办法、说明改进；不公开顾客的手机号、地址和订单号。"""
    from aigc_cs.inputs import read_text_arg
    from aigc_cs.tasks import review_reply as task

    text = read_text_arg(review, "评价", task.book().max_review_chars)
    inp = task.ReviewReplyInput(shop=shop, review=text, rating=task.parse_rating(rating))
    task.validate(inp)
    result = task.run(inp, engine_options.context())
    notes = ["评价里的手机号、地址、订单号等隐私信息已隐去，回复里不会出现。"] if result.masked else []
    if result.grade == "好评":
        notes.append(f"{result.rating} 星一般算好评；回复仍按评价里提到的问题来写。")
    emit(result, as_json, out, result.title(), notes)

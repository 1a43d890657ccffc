"""How each type of `exercise` is built: the candidates a shop offers (a scenario on a product or a policy topic)
and how one becomes an exercise with a reference answer written by the matching task."""

import math
from datetime import date, timedelta

from aigc_cs.kb.models import Product, Shop
from aigc_cs.llm.batch import map_concurrent
from aigc_cs.tasks.base import TaskResult
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.exercise import CHANNELS, RUBRICS, TONES, TYPE_NAMES, Candidate, Exercise, Persona, book
from aigc_cs.text import pick


def _fits(kinds: list[str], kind: str) -> bool:
    return "any" in kinds or kind in kinds


def _shop_kind(shop: Shop) -> str:
    from aigc_cs.tasks.faq import shop_kind

    return shop_kind(shop)


def _words(product: Product) -> dict[str, str]:
    price = f"{product.price_yuan:g}" if product.price_yuan else ""
    return {"product": min(product.names(), key=len), "name": product.name, "price": price}


def _fill(template: str, **values: str) -> str:
    return template.format_map(values)


# ---- reply -----------------------------------------------------------------------------------------------------

def _reply_candidates(shop: Shop, *_) -> list[Candidate]:
    kind = _shop_kind(shop)
    out = []
    for spec in book()["reply"]:
        if not _fits(spec["kinds"], kind):
            continue
        for product in shop.products:
            if "{price}" in "".join([spec["situation"], *spec["messages"]]) and not product.price_yuan:
                continue
            out.append(Candidate(id=f"reply-{spec['id']}-{product.name}", spec=spec["id"], subject=product.name,
                                 title=f"{spec['title']} · {product.name}", personas=spec["personas"],
                                 data={"spec": spec, "product": product}))
    return out


def _finish_reply(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    message = pick(persona.opener, c.id, "opener") + _fill(pick(spec["messages"], c.id, persona.id), **words)
    result = task.run(task.Input(message=message, shop=shop.info.id), ctx)
    rubric = spec["rubric"]
    ask = {"presale-reply": "按售前接待的步骤组织回复：问候、回答、推荐或下一步、礼貌告别。",
           "doubt-removal": f"先接住顾客的{spec.get('doubt', '')}顾虑，再用店铺和商品的真实信息打消它，不夸口、不强推。",
           "aftersale-return": "说清退换的条件、运费由谁承担和办理时效，并告诉顾客下一步怎么操作。"}[rubric]
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, **words), message,
                     f"请以{shop.info.name}客服的身份回复这条消息。{ask}", rubric, result)


# ---- apology ---------------------------------------------------------------------------------------------------

def _apology_candidates(shop: Shop, *_) -> list[Candidate]:
    out = []
    for spec in book()["apology"]:
        for channel in CHANNELS:
            for product in shop.products:
                out.append(Candidate(id=f"apology-{spec['scenario']}-{channel}-{product.name}",
                                     spec=f"{spec['scenario']}-{channel}", subject=product.name,
                                     title=f"{spec['scenario']} · {channel} · {product.name}", personas=spec["personas"],
                                     data={"spec": spec, "product": product, "channel": channel}))
    return out


def _finish_apology(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product, channel = c.data["spec"], c.data["product"], c.data["channel"]
    words = _words(product)
    tone = pick(list(TONES), c.id, "tone")
    result = task.run(task.Input(shop=shop.info.id, scenario=spec["scenario"], channel=channel, tone=tone,
                                 order_facts=_fill(spec["order_facts"], **words)), ctx)
    form = {"在线": "一条在线聊天消息", "短信": "一条短信（最多2条、每条70字以内）",
            "电话": "一段电话沟通脚本，并预想顾客可能的回应"}[channel]
    task_text = (f"请以{shop.info.name}客服的身份写{form}，语气{tone}：先致歉、不推卸，简要说明原因，"
                 "只给店铺政策允许的补救办法，并说清下一步和时间。")
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, **words),
                     pick(persona.opener, c.id, "opener") + _fill(spec["message"], **words), task_text,
                     RUBRICS["apology"], result)


# ---- faq -------------------------------------------------------------------------------------------------------

def _faq_candidates(shop: Shop, ctx: Context, task, n: int) -> list[Candidate]:
    """One candidate per question of the faq task's sets: one set per product and per policy topic, each just big
    enough for its share of the n exercises."""
    subjects = [("product", p.name) for p in shop.products] + [("topic", t) for t in book()["faq"]["topics"]]
    share = min(task.MAX_ITEMS, math.ceil(n / len(subjects)) + 2)

    def questions(subject: tuple[str, str]) -> list[Candidate]:
        by, name = subject
        result = task.run(task.Input(shop=shop.info.id, n=share, **{by: name}), ctx)
        return [Candidate(id=f"faq-{name}-{item.topic}", spec=name, subject=item.topic, title=f"{item.label} · {name}",
                          personas=book()["faq"]["personas"],
                          data={"by": by, "name": name, "item": item, "engine": result.engine,
                                "warnings": [w.split("：", 1)[-1] for w in result.warnings if w.startswith(f"第{i}条")]})
                for i, item in enumerate(result.items, 1)]

    return [c for group in map_concurrent(questions, subjects, ctx.concurrency) for c in group]


def _finish_faq(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    item = c.data["item"]
    subject = f"“{c.data['name']}”" + ("这款商品" if c.data["by"] == "product" else "这项政策")
    return Exercise(no=0, id=c.id, type="faq", title=c.title,
                    scenario=_fill(book()["faq"]["situation"], subject=subject, who=persona.name), persona=str(persona),
                    customer=item.question, task="为这个问题写一条标准回复，放进店铺的问题库：每位问到的顾客都能直接看懂，"
                                                 "政策和商品信息要准确，并说明依据。",
                    rubric=RUBRICS["faq"], reference=item.answer, engine=c.data["engine"], citations=item.citations,
                    warnings=c.data["warnings"])


# ---- rewrite ---------------------------------------------------------------------------------------------------

def _rewrite_candidates(shop: Shop, *_) -> list[Candidate]:
    kind = _shop_kind(shop)
    return [Candidate(id=f"rewrite-{spec['id']}-{product.name}", spec=spec["id"], subject=product.name,
                      title=f"{spec['title']} · {product.name}", personas=spec["personas"],
                      data={"spec": spec, "product": product})
            for spec in book()["rewrite"] if _fits(spec["kinds"], kind)
            for product in shop.products if product.price_yuan or "{price}" not in "".join(spec["lines"])]


def wrong_facts(shop: Shop) -> dict[str, str]:
    """Policy values that are deliberately wrong for this shop, for a chat whose rep gets the policy wrong."""
    f = shop.facts
    days = 30 if f.no_reason_return_days != 30 else 15
    hours = 24 if f.ship_within_hours != 24 else 12
    free = 199 if f.free_shipping_threshold_yuan != 199 else 299
    invoice = {"after_receipt": "下单就开好，随货寄给您", "after_shipping": "要确认收货后才能开", "with_order": "要确认收货后才能开",
               "none": "随货一起寄给您"}[f.invoice]
    payer = "我们" if f.return_shipping_buyer_reason == "buyer" else "您自己"
    return {"wrong_days": str(days), "wrong_hours": str(hours), "wrong_free": str(free), "wrong_invoice": invoice,
            "wrong_payer": payer}


def _finish_rewrite(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    from aigc_cs.tasks.transcript import parse_text

    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    chat = "\n".join(_fill(line, **words, **wrong_facts(shop)) for line in spec["lines"])
    result = task.run(task.Input(transcript=parse_text(chat, source=c.title), shop=shop.info.id, product=product.name),
                      ctx)
    findings = [f"第{f.line}行｜{f.label}｜“{f.quote}”：{f.problem}。{f.advice}" if f.line else
                f"{f.label}：{f.problem}。{f.advice}" for f in result.diagnosis]
    reference = "\n".join(["【诊断】", *findings, "【改写后的话术】", result.text])
    task_text = ("阅读这段没有成交的对话：1. 按行号找出问题（售前五步缺了或没做好的步骤、禁用语和极限词、没有消除的顾虑、"
                 "说错的政策）；2. 改写成一段能促成订单的话术，保留顾客的原话，五个步骤都要有，不强推。")
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, **words), chat, task_text,
                     RUBRICS["rewrite"], result, reference=reference)


# ---- revisit ---------------------------------------------------------------------------------------------------

def _revisit_candidates(shop: Shop, *_) -> list[Candidate]:
    spec_book = book()["revisit"]
    return [Candidate(id=f"revisit-{spec['id']}-{channel}-{product.name}", spec=f"{spec['id']}-{channel}",
                      subject=product.name, title=f"{spec['title']} · {channel} · {product.name}",
                      personas=spec["personas"], data={"spec": spec, "product": product, "channel": channel})
            for spec in spec_book["specs"] for channel in spec_book["channels"] for product in shop.products
            if product.price_yuan or "{price}" not in spec["amount"]]


def _finish_revisit(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    from aigc_cs.tasks.customers import Customer, CustomerTable

    spec, product, channel = c.data["spec"], c.data["product"], c.data["channel"]
    words = _words(product)
    as_of = date.fromisoformat(str(book()["revisit"]["as_of"]))
    note = _fill(spec["note"], **words)
    customer = Customer(row=2, name=persona.name, last_date=as_of - timedelta(days=spec["days"]), orders=spec["orders"],
                        amount=float(_fill(spec["amount"], **words)), product=product.name, note=note)
    result = task.run(task.Input(shop=shop.info.id, customers=CustomerTable(source=c.title, customers=[customer]),
                                 channel=channel, as_of=as_of), ctx)
    record = (f"回访渠道：{channel}｜客户：{persona.name}｜最近购买：{spec['days']}天前（{product.name}）｜"
              f"购买{spec['orders']}次，累计{customer.amount:g}元｜备注：{note or '无'}")
    form = ("一条回访短信：70字以内一条发完，开头署店铺名，结尾写明退订方式" if channel == "短信"
            else "一条在线回访消息：200字以内，礼貌收尾")
    task_text = (f"请以{shop.info.name}客服的身份为这位顾客写{form}。先关心上次的购买或感谢支持；利益点只用店铺政策里的"
                 "服务保障（包邮、运费险、无理由退换、发货时效）或搭配、保养建议，不编优惠券和折扣，不施压。")
    return _exercise(c, persona, _fill(spec["situation"], who=persona.name, channel=channel, **words), record,
                     task_text, RUBRICS["revisit"], result, reference=result.customers[0].message)


# ---- remind-payment --------------------------------------------------------------------------------------------

def _remind_candidates(shop: Shop, *_) -> list[Candidate]:
    return [Candidate(id=f"remind-payment-{spec['situation']}-{product.name}", spec=spec["situation"],
                      subject=product.name, title=f"催付 · {spec['situation']} · {product.name}",
                      personas=spec["personas"], data={"spec": spec, "product": product})
            for spec in book()["remind"] for product in shop.products
            if product.price_yuan or "{price}" not in spec["scene"]]


def _finish_remind(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    said = spec.get("said_skincare") if _shop_kind(shop) == "skincare" and spec.get("said_skincare") else spec["said"]
    result = task.run(task.Input(shop=shop.info.id, situation=spec["situation"], product=product.name), ctx)
    task_text = ("请写两条催付消息：第一次提醒和跟进提醒，各写明什么时候发。先问准顾客没付款的原因，用店铺和商品的真实信息"
                 "消除顾虑；不施压、不编造库存或涨价，不给政策没有的优惠；最多两次，让顾客可以放心拒绝。")
    return _exercise(c, persona, f"催付（{spec['situation']}）：" + _fill(spec["scene"], who=persona.name, **words),
                     f"（{spec['situation']}）" + _fill(said, **words), task_text, RUBRICS["remind-payment"], result)


# ---- review-reply ----------------------------------------------------------------------------------------------

def _review_candidates(shop: Shop, *_) -> list[Candidate]:
    kind = _shop_kind(shop)
    return [Candidate(id=f"review-reply-{spec['id']}-{product.name}", spec=spec["id"], subject=product.name,
                      title=f"{spec['rating']}星评价 · {product.name}", personas=spec["personas"],
                      data={"spec": spec, "product": product})
            for spec in book()["review"] if _fits(spec["kinds"], kind) for product in shop.products]


def _finish_review(task, c: Candidate, persona: Persona, shop: Shop, ctx: Context) -> Exercise:
    spec, product = c.data["spec"], c.data["product"]
    words = _words(product)
    review = _fill(spec["text"], **words)
    result = task.run(task.Input(shop=shop.info.id, review=review, rating=spec["rating"]), ctx)
    task_text = (f"请以{shop.info.name}客服的身份在评价区写一条公开回复：先感谢、道歉并主动担责，不争辩；按店铺政策说清"
                 "解决办法和联系渠道；说明店铺会怎么改进；不写顾客的手机号、地址和订单号，也不要求顾客改评。")
    return _exercise(c, persona, f"{persona.name}买了{words['name']}，在评价区给了{spec['rating']}星。",
                     f"{spec['rating']}星：{review}", task_text, RUBRICS["review-reply"], result)


# ---- shared ----------------------------------------------------------------------------------------------------

def _type_of(candidate_id: str) -> str:
    """The exercise type a candidate id starts with (remind-payment-…, review-reply-…, reply-…)."""
    return next(t for t in TYPE_NAMES if candidate_id.startswith(f"{t}-"))


def _exercise(c: Candidate, persona: Persona, scenario: str, customer: str, task_text: str, rubric: str,
              result: TaskResult, reference: str | None = None) -> Exercise:
    return Exercise(no=0, id=c.id, type=_type_of(c.id), title=c.title, scenario=scenario,  # type: ignore[arg-type]
                    persona=str(persona), customer=customer, task=task_text, rubric=rubric,
                    reference=reference if reference is not None else result.text, engine=result.engine,
                    citations=result.citations, warnings=result.warnings)

BUILDERS = {"reply": (_reply_candidates, _finish_reply), "apology": (_apology_candidates, _finish_apology),
            "faq": (_faq_candidates, _finish_faq), "rewrite": (_rewrite_candidates, _finish_rewrite),
            "revisit": (_revisit_candidates, _finish_revisit), "remind-payment": (_remind_candidates, _finish_remind),
            "review-reply": (_review_candidates, _finish_review)}

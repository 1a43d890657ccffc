"""Grade one answer: pick the scorer, add the improved version, and check the answer with the guard."""

from collections.abc import Callable
from typing import Literal, TypeVar
from weakref import WeakKeyDictionary

from aigc_cs.errors import UserError
from aigc_cs.grading.improve import improve
from aigc_cs.grading.models import Grade
from aigc_cs.grading.rubric import Channel, Rubric, get_rubric
from aigc_cs.grading.rules import grade_rules
from aigc_cs.inputs import MAX_TEXT_CHARS, too_long
from aigc_cs.tasks.context import Context

Scorer = Literal["rules", "judge", "hybrid"]
T = TypeVar("T")
# What each context has computed per (kind, task or shop, scenario): a class shares one scenario, so a batch
# writes its reference answer and looks up its shop passages once.
_MEMO: "WeakKeyDictionary[Context, dict[tuple[str, str, str], object]]" = WeakKeyDictionary()


def _memo(ctx: Context, key: tuple[str, str, str], compute: Callable[[], T]) -> T:
    known = _MEMO.setdefault(ctx, {})
    if key not in known:
        known[key] = compute()
    return known[key]  # type: ignore[return-value]


def reference_answer(rubric: Rubric, shop_id: str, scenario: str, ctx: Context) -> str:
    """The matching generation task's answer to the same scenario, used to fill in what is missing. Always
    offline: deterministic, free, and no second model call per student; computed once per context and scenario."""
    return _memo(ctx, (rubric.task, shop_id, scenario), lambda: _reference(rubric, shop_id, scenario, ctx))


def shop_passages(shop_id: str, scenario: str, ctx: Context) -> list[str]:
    """The shop passages that answer the scenario, looked up once per context and scenario."""
    from aigc_cs.grading.documents import scenario_passages

    return _memo(ctx, ("passages", shop_id, scenario), lambda: scenario_passages(scenario, shop_id, ctx))


def product_text(shop_id: str, scenario: str, ctx: Context) -> str:
    """The indexed text of the product the scenario names (empty when it names none), once per context and scenario."""
    def compute() -> str:
        from aigc_cs.kb.products import mentioned

        product = mentioned(scenario, ctx.shop(shop_id)) if scenario.strip() else None
        return "\n".join(c.text for c in ctx.index.chunks() if product and c.source == product.source)

    return _memo(ctx, ("product", shop_id, scenario), compute)


def shop_texts(shop_id: str, ctx: Context) -> tuple[str, ...]:
    """Everything the shop has written (policy, products, FAQ), once per context."""
    from aigc_cs.kb.unconfirmed import shop_text

    return _memo(ctx, ("shop", shop_id, ""), lambda: (shop_text(shop_id, ctx.index.chunks()),))


def _reference(rubric: Rubric, shop_id: str, scenario: str, ctx: Context) -> str:
    from aigc_cs.tasks import TASKS, task_module

    if not scenario.strip() or rubric.task not in TASKS:
        return ""
    if ctx.engine.kind != "offline":
        ctx = ctx.offline()
    module = task_module(rubric.task)
    if rubric.task == "reply":
        return module.run(module.Input(message=scenario, shop=shop_id), ctx).text
    return module.reference(scenario, shop_id, ctx) if hasattr(module, "reference") else ""


def grade(answer: str, rubric_id: str, shop_id: str, ctx: Context, scenario: str = "", scorer: Scorer = "rules",
          with_improved: bool = True, channel: Channel | None = None) -> Grade:
    if not answer.strip():
        raise UserError("学生答案是空的：请提供答案文字，或 @文件路径")
    if len(answer) > MAX_TEXT_CHARS:
        raise too_long("答案", MAX_TEXT_CHARS, len(answer))
    rubric = get_rubric(rubric_id)
    shop = ctx.shop(shop_id)
    rules = grade_rules(answer, rubric, shop, scenario, channel, shop_passages(shop_id, scenario, ctx),
                        product_text=product_text(shop_id, scenario, ctx), shop_texts=shop_texts(shop_id, ctx),
                        semantic=ctx.settings.embedding != "none")
    if scorer == "rules":
        result = rules
    else:
        from aigc_cs.grading.judge import judge

        result = judge(answer, rubric, shop, scenario, ctx, rules=rules, bounded=scorer == "hybrid")
    if with_improved:
        reference = reference_answer(rubric, shop_id, scenario, ctx)
        result.improved = improve(result, reference) if reference else None
    return result

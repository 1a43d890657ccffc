"""Grade one answer: pick the scorer, add the improved version, and check the answer with the guard."""

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
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
Key = tuple[str, str, str]
# What each context has computed per (kind, task or shop, scenario): a class shares one scenario, so a batch
# writes its reference answer and looks up its shop passages once, also when it grades several answers at a time.
_MEMO: "WeakKeyDictionary[Context, dict[Key, Future]]" = WeakKeyDictionary()
_MEMO_LOCK = threading.Lock()  # guards _MEMO itself; never held while computing
_WARM_LOCK = threading.Lock()  # held by the first grading of a rubric, shop and scenario in a context


def _claim(ctx: Context, key: Key) -> tuple[Future, bool]:
    """The entry of `key`, and whether the caller is the first to ask (and so computes it)."""
    with _MEMO_LOCK:
        known = _MEMO.setdefault(ctx, {})
        if key in known:
            return known[key], False
        entry = known[key] = Future()
        return entry, True


def _memo(ctx: Context, key: Key, compute: Callable[[], T]) -> T:
    """`compute()` once per context and key; a caller that asks meanwhile waits for it. A failure is not kept: the
    next caller computes again."""
    entry, first = _claim(ctx, key)
    if first:
        try:
            entry.set_result(compute())
        except BaseException as exc:
            with _MEMO_LOCK:
                _MEMO[ctx].pop(key, None)
            entry.set_exception(exc)
    return entry.result()


def _known(ctx: Context, key: Key) -> bool:
    with _MEMO_LOCK:
        return key in _MEMO.get(ctx, {})


def _first(ctx: Context, key: Key, run: Callable[[], T]) -> T:
    """`run()`; until `key` has run once in this context, under a lock: threads grading a class at once do not all
    build the same tables (typos, lexicons, the scenario's topics) at the same time, one builds and the others wait
    for it."""
    if _known(ctx, key):
        return run()
    with _WARM_LOCK:
        result = run()
    _memo(ctx, key, lambda: True)
    return result


def _soon(ctx: Context, key: Key, compute: Callable[[], object]) -> None:
    """Start computing `key` in a thread of its own (a failure there is left to the caller who needs the value)."""
    def background() -> None:
        with contextlib.suppress(Exception):
            _memo(ctx, key, compute)

    if not _known(ctx, key):
        threading.Thread(target=background, name="aigc-cs-memo", daemon=True).start()


def _reference_job(rubric: Rubric, shop_id: str, scenario: str, ctx: Context) -> tuple[Key, Callable[[], str]]:
    return (rubric.task, shop_id, scenario), lambda: _reference(rubric, shop_id, scenario, ctx)


def reference_answer(rubric: Rubric, shop_id: str, scenario: str, ctx: Context) -> str:
    """The matching generation task's answer to the same scenario, used to fill in what is missing. Always
    offline: deterministic, free, and no second model call per student; computed once per context and scenario."""
    return _memo(ctx, *_reference_job(rubric, shop_id, scenario, ctx))


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
    from aigc_cs.kb.unconfirmed import written_by

    return _memo(ctx, ("shop", shop_id, ""), lambda: (written_by(ctx.shop(shop_id), ctx.index.chunks()),))


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

    def by_rules() -> Grade:
        return grade_rules(answer, rubric, shop, scenario, channel, shop_passages(shop_id, scenario, ctx),
                           product_text=product_text(shop_id, scenario, ctx), shop_texts=shop_texts(shop_id, ctx),
                           semantic=ctx.settings.embedding != "none")

    rules = _first(ctx, ("rules", f"{rubric_id}\x1f{shop_id}", scenario), by_rules)
    if scorer == "rules":
        result = rules
    else:
        from aigc_cs.grading.judge import judge

        if with_improved:  # written while the judge's call waits for the model, not after it
            _soon(ctx, *_reference_job(rubric, shop_id, scenario, ctx))
        result = judge(answer, rubric, shop, scenario, ctx, rules=rules, bounded=scorer == "hybrid")
    if with_improved:
        reference = reference_answer(rubric, shop_id, scenario, ctx)
        result.improved = improve(result, reference) if reference else None
    return result

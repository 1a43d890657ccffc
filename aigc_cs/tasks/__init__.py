"""Tasks: one module each, with its input model, output model, prompt name and offline composer.

Every task module exposes ``PROMPT`` (its template name), ``Input`` and ``Output`` (pydantic models; Output
derives from `aigc_cs.tasks.base.TaskResult`) and ``run(inp: Input, ctx: Context) -> Output``.
"""

import importlib
from types import ModuleType

TASKS = ("reply", "rewrite", "exercise", "faq", "apology", "revisit", "remind", "review_reply")


def task_module(name: str) -> ModuleType:
    """The module of task `name`; raises `UserError` for an unknown task."""
    from aigc_cs.errors import UserError

    if name not in TASKS:
        raise UserError(f"未知任务“{name}”，可用：{'、'.join(TASKS)}")
    return importlib.import_module(f"aigc_cs.tasks.{name}")

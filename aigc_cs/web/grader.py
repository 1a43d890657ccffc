"""The toolkit's context (index, retriever, engine), built once per process from the settings, and the two calls
the web app makes into it: write an exercise set and grade an answer with the rules scorer. Both run one at a time
in a process: the context's caches are not made for threads, and the work is CPU-bound anyway."""

import threading

from aigc_cs.grading.models import Grade
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.exercise import ExerciseOutput
from aigc_cs.web.settings import WebSettings


class Grader:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.ctx = Context(settings)  # opens nothing until first used
        self._lock = threading.Lock()

    def shops(self) -> list[str]:
        return self.ctx.index.shop_ids()

    def exercises(self, shop: str, kind: str, n: int) -> ExerciseOutput:
        from aigc_cs.tasks.exercise import ExerciseInput, run

        with self._lock:
            return run(ExerciseInput(shop=shop, type=kind, n=n), self.ctx)  # type: ignore[arg-type]

    def grade(self, answer: str, rubric: str, shop: str, scenario: str) -> Grade:
        from aigc_cs.grading.grade import grade

        with self._lock:
            return grade(answer, rubric, shop, self.ctx, scenario=scenario, scorer="rules")

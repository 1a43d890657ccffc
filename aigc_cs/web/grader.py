"""The toolkit's context (index, retriever, engine), built once per process from the settings, and the calls the web
app makes into it: write an exercise set, grade an answer with the rules scorer, and ingest an uploaded shop. They
run one at a time in a process: the context's caches are not made for threads, and the work is CPU-bound anyway."""

import threading
from pathlib import Path

from aigc_cs.grading.models import Grade
from aigc_cs.kb.ingest import IngestReport
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.exercise import ExerciseOutput
from aigc_cs.web.settings import WebSettings

PRACTICE_SET = 8  # exercises offered per shop and type on the free-practice page


class Grader:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.ctx = Context(settings)  # opens nothing until first used
        self._lock = threading.Lock()
        self._practice: dict[tuple[str, str], ExerciseOutput] = {}
        self._index_version: int | None = None

    def shops(self) -> list[str]:
        return self.ctx.index.shop_ids()

    def exercises(self, shop: str, kind: str, n: int) -> ExerciseOutput:
        from aigc_cs.tasks.exercise import ExerciseInput, run

        with self._lock:
            self._follow_index()
            return run(ExerciseInput(shop=shop, type=kind, n=n), self.ctx)  # type: ignore[arg-type]

    def practice_set(self, shop: str, kind: str) -> ExerciseOutput:
        """The free-practice exercises of a shop and type: written once per process, then kept."""
        if (shop, kind) not in self._practice:
            self._practice[(shop, kind)] = self.exercises(shop, kind, PRACTICE_SET)
        return self._practice[(shop, kind)]

    def grade(self, answer: str, rubric: str, shop: str, scenario: str) -> Grade:
        from aigc_cs.grading.grade import grade

        with self._lock:
            self._follow_index()
            return grade(answer, rubric, shop, self.ctx, scenario=scenario, scorer="rules")

    def _follow_index(self) -> None:
        """After an ingest by another process (a worker that took an upload, or `aigc-cs ingest`), read the index
        anew: the retriever and the practice sets were made from the old one."""
        try:
            version = self.ctx.index.chunks_file.stat().st_mtime_ns
        except FileNotFoundError:
            version = None
        if version != self._index_version:
            self.ctx.__dict__.pop("retriever", None)
            self._practice.clear()
            self._index_version = version

    def ingest(self, folder: Path) -> IngestReport:
        """Ingest a shop folder as `aigc-cs ingest` does; the retriever and the practice sets are made anew."""
        from aigc_cs.kb.ingest import ingest

        settings = self.settings
        with self._lock:
            report = ingest(self.ctx.index, [folder], max_bytes=int(settings.max_file_mb * 2**20),
                            chunk_chars=settings.chunk_chars)
            self._follow_index()
        return report

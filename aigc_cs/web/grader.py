"""The toolkit's context (index, retriever, engine), built once per process from the settings, and the calls the web
app makes into it: write an exercise set, grade an answer with the rules scorer, ingest an uploaded shop, and (through
`context`) drive a role-play session. They run one at a time in a process: the context's caches are not made for
threads, and the work is CPU-bound anyway.

Every job first checks that the index is still the one the context was built from (`index_version`: a few file
stats). After an ingest by any process (a worker that took an upload, or `aigc-cs ingest`) the context is built anew,
so that nothing made from the old index is used again: the retriever, the reference answers and shop passages the
grader keeps per context, the free-practice sets.

`warm` does at a worker's start what the first grading would otherwise do while a student waits (seconds): load the
embedding model, open the retriever, read every rubric and vectorise its example sentences."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aigc_cs.grading.models import Grade
from aigc_cs.kb.index import Index
from aigc_cs.kb.ingest import IngestReport
from aigc_cs.tasks.context import Context
from aigc_cs.tasks.exercise import ExerciseOutput
from aigc_cs.web.settings import WebSettings

PRACTICE_SET = 8  # exercises offered per shop and type on the free-practice page
WARM_ANSWER = "您好，欢迎光临！这款支持七天无理由退换，请问您平时穿什么尺码？"  # graded once per rubric at start
WARM_SCENARIO = "这件衣服不合适可以退吗"
Version = tuple[tuple[str, int, int, int], ...]


def index_version(index: Index) -> Version:
    """What every ingest that changes the index changes: the chunk file, and each shop's facts (a shop uploaded again
    may change only its facts). Files are replaced whole, so a new file is a new inode and modification time."""
    files = [index.chunks_file, *sorted((index.home / "shops").glob("*.json"))]
    found = []
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed since the listing: the next check sees it gone
            continue
        found.append((path.name, stat.st_ino, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class Grader:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.ctx = Context(settings)  # opens nothing until first used
        self._lock = threading.Lock()
        self._practice: dict[tuple[str, str], ExerciseOutput] = {}
        self._index_version = index_version(self.ctx.index)

    def shops(self) -> list[str]:
        return self.ctx.index.shop_ids()

    @contextmanager
    def context(self) -> Iterator[Context]:
        """The context for one job, on the index as it is now; other jobs of this process wait their turn."""
        with self._lock:
            version = index_version(self.ctx.index)
            if version != self._index_version:
                self.ctx = Context(self.settings)
                self._practice.clear()
                self._index_version = version
            yield self.ctx

    def warm(self) -> float | None:
        """Grade a short answer once with every rubric, on the first shop of the index: the seconds it took, or None
        when the index has no shop yet (nothing to grade against)."""
        from aigc_cs.grading.rubric import all_rubrics

        shops = self.shops()
        if not shops:
            return None
        start = time.perf_counter()
        for rubric in all_rubrics():
            self.grade(WARM_ANSWER, rubric, shops[0], WARM_SCENARIO)
        return time.perf_counter() - start

    def exercises(self, shop: str, kind: str, n: int) -> ExerciseOutput:
        with self.context() as ctx:
            return _exercise_set(ctx, shop, kind, n)

    def practice_set(self, shop: str, kind: str) -> ExerciseOutput:
        """The free-practice exercises of a shop and type: written once per index, then kept."""
        with self.context() as ctx:
            if (shop, kind) not in self._practice:
                self._practice[(shop, kind)] = _exercise_set(ctx, shop, kind, PRACTICE_SET)
            return self._practice[(shop, kind)]

    def grade(self, answer: str, rubric: str, shop: str, scenario: str) -> Grade:
        from aigc_cs.grading.grade import grade

        with self.context() as ctx:
            return grade(answer, rubric, shop, ctx, scenario=scenario, scorer="rules")

    def ingest(self, folder: Path) -> IngestReport:
        """Ingest a shop folder as `aigc-cs ingest` does; the next job of every process sees the new index."""
        from aigc_cs.kb.ingest import ingest

        settings = self.settings
        with self.context() as ctx:
            return ingest(ctx.index, [folder], max_bytes=int(settings.max_file_mb * 2**20),
                          chunk_chars=settings.chunk_chars)


def _exercise_set(ctx: Context, shop: str, kind: str, n: int) -> ExerciseOutput:
    from aigc_cs.tasks.exercise import ExerciseInput, run

    return run(ExerciseInput(shop=shop, type=kind, n=n), ctx)  # type: ignore[arg-type]

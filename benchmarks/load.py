"""Load on the classroom web app (issue 12): one `aigc-cs serve --demo` on loopback (one worker, SQLite, rules scorer),
60 simulated students who each join the demo class and submit 10 answers, all at the same time.
Run: `make bench` (or python benchmarks/load.py); `python benchmarks/load.py logins` runs only the sign-in burst.

Two runs on the same server: a class at work (each student thinks 3–9 s between answers, so 10 answers take about
the minute the default per-student limit allows) with the budget p95 ≤ 1 s and 0 lost; then a burst (no thinking,
every student submits as fast as the pages come back) reported without a budget. A submission's latency is the click
on 提交 until the feedback page has arrived (POST and redirect); throughput is answers over the run's wall time, joins
included. Lost = an answer sent that is not in the database exactly once with its grade. Server memory is the RSS of
the serve process and its children: the peak, sampled every 0.2 s, and what is left after the runs. The embedding
engine runs with OMP_NUM_THREADS=1: the load generator shares the 2 cores with the server.

Then LOGINS of those students sign in at once from new browsers. Each sign-in checks an argon2id hash, 64 MiB while it
runs (a process runs as many at once as it has cores, see aigc_cs/web/security.py; unbounded, 40 of them took the
server past 1.6 GB), so this is where its memory would peak: reported are that peak, the RSS just before, and the p95
time of a sign-in.
"""

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from bench_grading import ANSWERS
from measure import EXE, ROOT, Result, report, run_cli

STUDENTS = 60
ANSWERS_EACH = 10
THINK_S = (3.0, 9.0)
LOGINS = 40
START_S = 240  # the server's start, including its first ingest check
REQUEST_S = 120
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTION = re.compile(r'href="/student/questions/(\d+)"')
PASSWORD = "load-test-pw"


class Student:
    """One student's browser: its own session cookie, the CSRF token of the page it is on."""

    def __init__(self, base: str, number: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=REQUEST_S)
        self.number = number

    def token(self, page: str) -> str:
        found = TOKEN.search(self.client.get(page).text)
        if found is None:
            raise LookupError(f"{page} has no form")
        return found.group(1)

    def login(self, start: threading.Barrier) -> tuple[float, bool]:
        """Open the login page, wait for the others, sign in: (seconds for the sign-in, whether it got in)."""
        token = self.token("/login")
        start.wait()
        began = time.perf_counter()
        try:
            page = self.client.post("/login", data={"csrf_token": token, "code": "DEMO26", "number": self.number,
                                                    "password": PASSWORD}, follow_redirects=True)
            signed_in = page.status_code == 200 and page.url.path == "/student"
        except httpx.HTTPError as exc:
            print(f"{self.number} login: {type(exc).__name__}: {exc}", file=sys.stderr)
            signed_in = False
        return time.perf_counter() - began, signed_in

    def join(self) -> list[str]:
        """Join the demo class; the ids of its questions."""
        self.client.post("/join", data={"csrf_token": self.token("/join"), "code": "DEMO26", "number": self.number,
                                        "name": f"学生{self.number}", "password": PASSWORD,
                                        "confirm": PASSWORD}, follow_redirects=True)
        return QUESTION.findall(self.client.get("/student").text)

    def work(self, answers: int, think: tuple[float, float] | None, seed: int) -> list[tuple[str, float, bool]]:
        """Join, then submit in turn over the questions: (answer, seconds until the feedback page, shown)."""
        pace = random.Random(seed)
        questions = self.join()
        done = []
        for n in range(answers):
            if think:
                time.sleep(pace.uniform(*think))
            text = f"{ANSWERS[(seed + n) % len(ANSWERS)]}（{self.number}-{n}）"
            question = f"/student/questions/{questions[n % len(questions)]}"
            start = time.perf_counter()
            try:
                token = self.token(question)
                start = time.perf_counter()
                page = self.client.post(question, data={"csrf_token": token, "text": text}, follow_redirects=True)
                shown = page.status_code == 200 and page.url.path.startswith("/student/submissions/")
            except (httpx.HTTPError, LookupError) as exc:
                print(f"{self.number}-{n}: {type(exc).__name__}: {exc}", file=sys.stderr)
                shown = False
            done.append((text, time.perf_counter() - start, shown))
        return done


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text(encoding="ascii")
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text(encoding="ascii").split()]
        except (OSError, AttributeError):
            continue
    return total / 1024


class PeakMemory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            self.peak = max(self.peak, rss_mb(self.pid))


def stored(database: Path) -> dict[str, tuple[int, int]]:
    """Every stored answer: how many times it is there, and how many of those carry a grade."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT answer, status = 'graded' AND total IS NOT NULL FROM submissions"))
        counts, graded = Counter(), Counter()
        for answer, ok in rows:
            counts[answer] += 1
            graded[answer] += int(ok)
    engine.dispose()
    return {answer: (counts[answer], graded[answer]) for answer in counts}


def wait_for(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    sys.exit(f"aigc-cs serve did not answer on {base} within {START_S} s")


def class_run(base: str, database: Path, prefix: str, think: tuple[float, float] | None) -> dict[str, float]:
    with ThreadPoolExecutor(STUDENTS) as pool:
        start = time.perf_counter()
        runs = list(pool.map(lambda i: Student(base, f"{prefix}{i:03d}").work(ANSWERS_EACH, think, i), range(STUDENTS)))
        wall = time.perf_counter() - start
    sent = [row for run in runs for row in run]
    kept = stored(database)
    latencies = [seconds for _, seconds, _ in sent]
    return {"p50": statistics.median(latencies), "p95": statistics.quantiles(latencies, n=20)[-1],
            "throughput": len(sent) / wall, "lost": sum(kept.get(text, (0, 0)) != (1, 1) for text, _, _ in sent),
            "unshown": sum(not shown for _, _, shown in sent)}


@contextmanager
def serving() -> Iterator[tuple[str, int, Path]]:
    """`aigc-cs serve --demo` on a fresh index and database in a temporary folder: (base URL, its pid, the database)."""
    with tempfile.TemporaryDirectory() as tmp:
        database, port = Path(tmp) / "web.db", _free_port()
        env = {**os.environ, "AIGC_CS_HOME": str(Path(tmp) / "idx"), "AIGC_CS_DATABASE_URL": f"sqlite:///{database}",
               "OMP_NUM_THREADS": "1", "COLUMNS": "200"}
        run_cli(["ingest"], env)
        log = Path(tmp) / "server.log"
        with log.open("w", encoding="utf-8") as output:
            server = subprocess.Popen([EXE, "serve", "--demo", "--port", str(port)], env=env, cwd=ROOT, stdout=output,
                                      stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base, server)
            yield base, server.pid, database
        finally:
            server.terminate()
            server.wait(timeout=60)
            errors = [line for line in log.read_text(encoding="utf-8").splitlines() if "Error" in line]
            if errors:  # the server's side of any failure
                print(*errors[-20:], sep="\n", file=sys.stderr)


def login_run(base: str, pid: int, numbers: list[str]) -> dict[str, float]:
    """The students `numbers` (joined before) sign in at once: the server's RSS just before and at its peak, the p95
    time of a sign-in, and how many did not get in."""
    students = [Student(base, number) for number in numbers]
    start = threading.Barrier(len(students))
    before = rss_mb(pid)
    memory = PeakMemory(pid)
    memory.start()
    with ThreadPoolExecutor(len(students)) as pool:
        done = list(pool.map(lambda s: s.login(start), students))
    memory.stopped.set()
    memory.join()
    seconds = [s for s, _ in done]
    return {"before": before, "peak": max(memory.peak, before), "p95": statistics.quantiles(seconds, n=20)[-1],
            "refused": sum(not ok for _, ok in done)}


def login_results(logins: dict[str, float]) -> list[Result]:
    name = f"web app, {LOGINS} students signing in at once"
    ok = logins["refused"] == 0
    return [Result(f"{name}: server RSS before", logins["before"], "MB", ok=ok),
            Result(f"{name}: server RSS, peak", logins["peak"], "MB", ok=ok),
            Result(f"{name}: p95 sign-in time", logins["p95"], "s", ok=ok)]


def measure() -> list[Result]:
    with serving() as (base, pid, database):
        Student(base, "warm").work(1, None, 0)  # the first grade loads the models: a class's first minute
        memory = PeakMemory(pid)
        memory.start()
        paced = class_run(base, database, "p", THINK_S)
        burst = class_run(base, database, "b", None)
        memory.stopped.set()
        settled = rss_mb(pid)
        logins = login_run(base, pid, [f"p{i:03d}" for i in range(LOGINS)])
    name = f"web app, {STUDENTS} students × {ANSWERS_EACH} answers"
    ok = paced["unshown"] == 0 and burst["unshown"] == 0
    return [Result(f"{name}, thinking 3-9 s: p50 latency", paced["p50"], "s", ok=ok),
            Result(f"{name}, thinking 3-9 s: p95 latency", paced["p95"], "s", "<= 1", ok=ok),
            Result(f"{name}, thinking 3-9 s: throughput", paced["throughput"], "answers/s", ok=ok),
            Result(f"{name}, thinking 3-9 s: lost submissions", paced["lost"], "", "<= 0"),
            Result(f"{name}, burst: p50 latency", burst["p50"], "s", ok=ok),
            Result(f"{name}, burst: p95 latency", burst["p95"], "s", ok=ok),
            Result(f"{name}, burst: throughput", burst["throughput"], "answers/s", ok=ok),
            Result(f"{name}, burst: lost submissions", burst["lost"], "", "<= 0"),
            Result(f"{name}: server RSS, peak", memory.peak, "MB"),
            Result(f"{name}: server RSS after the runs", settled, "MB"),
            *login_results(logins)]


def measure_logins() -> list[Result]:
    """Only the sign-in burst: the students join one after another first, so that their hashes do not overlap."""
    with serving() as (base, pid, _):
        numbers = [f"l{i:03d}" for i in range(LOGINS)]
        for number in numbers:
            Student(base, number).join()
        return login_results(login_run(base, pid, numbers))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    sys.exit(report(measure_logins() if sys.argv[1:] == ["logins"] else measure()))

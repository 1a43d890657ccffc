"""Load on the classroom web app (issue 12): 60 simulated students who each join the demo class of `aigc-cs serve
--demo` on loopback and submit 10 answers (rules scorer), all at the same time, in two set-ups measured in one session:

- class: one worker, SQLite, the embedded Chroma (the defaults, one class on one machine);
- school: `--workers 2`, PostgreSQL and Chroma's own server (`chroma run`), each a throwaway server on loopback started
  by tests/web/services.py, as the scale-out tests start them; PostgreSQL keeps its default durability (fsync on), as
  a school's server would. Without Debian's postgresql package this set-up is skipped with one line.

Run: `make bench` (both set-ups and the sign-in burst), `python benchmarks/load.py school` (both set-ups), `... logins`
(only the sign-in burst), `... burst` (only the burst of answers, on the class set-up: about a minute).

Two runs on each server: a class at work (each student thinks 3–9 s between answers, so 10 answers take about the
minute the default per-student limit allows) with the budget p95 ≤ 1 s and 0 lost; then a burst (no thinking, every
student submits as fast as the pages come back) reported without a budget. In each run every student first joins
the class (a new account: an argon2id hash each), and all start answering once all have joined. A submission's
latency is the click on 提交 until the feedback page has arrived (POST and redirect); throughput is answers over the
time from that start to the last answer; CPU per answer is the CPU time of all the set-up's processes over that time,
divided by the answers (the load generator's own CPU not included). Lost = an answer sent that is not in the database
exactly once with its grade. The server warms its grader
at start (aigc_cs/web/app.py), so the first students meet no model load. The embedding engine runs with
OMP_NUM_THREADS=1: the load generator, and in the school set-up PostgreSQL and Chroma, share the 2 cores with the app.

Memory is the proportional set size (PSS) of every process of the set-up, from /proc: the app (serve and its workers),
PostgreSQL (the postmaster and its backends) and the Chroma server, sampled every 0.5 s during both runs. PSS splits a
page shared by several processes between them (PostgreSQL's backends share its buffers, the workers their libraries),
so a sum over processes counts each page once. Reported: each one's peak, the peak of all together, and the app after
the runs.

Then, on the class set-up, LOGINS of those students sign in at once from new browsers. Each sign-in checks an argon2id
hash, 64 MiB while it runs (a process runs as many at once as it has cores, see aigc_cs/web/security.py; unbounded, 40
of them took the server past 1.6 GB), so this is where its memory would peak: reported are that peak, the memory just
before, and the p95 time of a sign-in.
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
from dataclasses import dataclass
from pathlib import Path

import httpx
from bench_grading import ANSWERS
from measure import EXE, ROOT, Result, report, run_cli

STUDENTS = 60
ANSWERS_EACH = 10
THINK_S = (3.0, 9.0)
LOGINS = 40
START_S = 240  # the server's start, including its first ingest check and its warm-up
REQUEST_S = 120
# A browser sends a request again when the server closed the kept-alive connection it went out on; httpx does not.
# So each student drops an idle connection before uvicorn does (after 5 s), or a thinking student's next answer
# could meet a connection closing under it and count as lost.
IDLE_S = 4.0
SAMPLE_S = 0.5
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTION = re.compile(r'href="/student/questions/(\d+)"')
PASSWORD = "load-test-pw"
CLASS = f"web app, {STUDENTS} students × {ANSWERS_EACH} answers"
SCHOOL = f"web app on 2 workers + PostgreSQL + Chroma server, {STUDENTS} students × {ANSWERS_EACH} answers"


class Student:
    """One student's browser: its own session cookie, the CSRF token of the page it is on."""

    def __init__(self, base: str, number: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=REQUEST_S, limits=httpx.Limits(keepalive_expiry=IDLE_S))
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

    def work(self, answers: int, think: tuple[float, float] | None, seed: int,
             joined: threading.Barrier) -> list[tuple[str, float, bool]]:
        """Join, wait until everybody has, then submit in turn over the questions: (answer, seconds until the feedback
        page, shown)."""
        pace = random.Random(seed)
        try:
            questions = self.join()
        except BaseException:
            joined.abort()  # the others stop waiting, and the run fails
            raise
        joined.wait()
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


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text(encoding="ascii").split()]
        except OSError:  # gone meanwhile
            continue
    return found


def cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by these processes and all their descendants."""
    total = 0
    for current in (p for pid in pids for p in _tree(pid)):
        try:
            fields = Path(f"/proc/{current}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> float:
    """The PSS of a process and all its descendants, in MB (RSS where the kernel has no smaps_rollup)."""
    total = 0
    for current in _tree(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup")
            text = rollup.read_text(encoding="ascii") if rollup.exists() else \
                Path(f"/proc/{current}/status").read_text(encoding="ascii")
        except OSError:
            continue
        found = re.search(r"^(?:Pss|VmRSS):\s+(\d+)", text, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return total / 1024


class PeakMemory(threading.Thread):
    """The peak memory of each group of processes (a name and the pid at the top of its tree), and of all of them
    together at one moment."""

    def __init__(self, groups: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.groups, self.stopped = groups, threading.Event()
        self.peaks = dict.fromkeys(groups, 0.0)
        self.together = 0.0

    def sample(self) -> None:
        now = {name: memory_mb(pid) for name, pid in self.groups.items()}
        self.peaks = {name: max(self.peaks[name], mb) for name, mb in now.items()}
        self.together = max(self.together, sum(now.values()))

    def run(self) -> None:
        self.sample()
        while not self.stopped.wait(SAMPLE_S):
            self.sample()

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        self.sample()


def stored(database_url: str) -> dict[str, tuple[int, int]]:
    """Every stored answer: how many times it is there, and how many of those carry a grade."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
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


@dataclass(frozen=True)
class Served:
    base: str
    database_url: str
    processes: dict[str, int]  # the set-up's processes: a name and the pid at the top of its tree


def class_run(served: Served, prefix: str, think: tuple[float, float] | None) -> dict[str, float]:
    """Every student joins; once all have, they work at once. Latency, throughput (answers over the time from then
    on), lost and unshown answers, and the CPU time of the set-up's processes per answer (less swayed by the
    machine's other load than the times are)."""
    pids = list(served.processes.values())
    start: dict[str, float] = {}
    joined = threading.Barrier(STUDENTS, action=lambda: start.update(wall=time.perf_counter(), cpu=cpu_s(pids)))
    with ThreadPoolExecutor(STUDENTS) as pool:
        runs = list(pool.map(lambda i: Student(served.base, f"{prefix}{i:03d}").work(ANSWERS_EACH, think, i, joined),
                             range(STUDENTS)))
    wall, cpu = time.perf_counter() - start["wall"], cpu_s(pids) - start["cpu"]
    sent = [row for run in runs for row in run]
    kept = stored(served.database_url)
    latencies = [seconds for _, seconds, _ in sent]
    return {"p50": statistics.median(latencies), "p95": statistics.quantiles(latencies, n=20)[-1],
            "throughput": len(sent) / wall, "lost": sum(kept.get(text, (0, 0)) != (1, 1) for text, _, _ in sent),
            "unshown": sum(not shown for _, _, shown in sent), "cpu": 1000 * cpu / len(sent)}


def tests_services():
    """The tests' throwaway servers and free ports (tests/web/services.py), shared with the scale-out tests."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.web import services

    return services


@contextmanager
def serving(folder: Path, env: dict[str, str], *args: str) -> Iterator[tuple[str, int]]:
    """`aigc-cs serve --demo ARGS` with `env` on a fresh index in `folder`: (base URL, its pid)."""
    port = tests_services().free_port()
    env = {**os.environ, "AIGC_CS_HOME": str(folder / "idx"), "OMP_NUM_THREADS": "1", "COLUMNS": "200", **env}
    run_cli(["ingest"], env)
    log = folder / "server.log"
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen([EXE, "serve", "--demo", "--port", str(port), *args], env=env, cwd=ROOT,
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base, server)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=60)
        errors = [line for line in log.read_text(encoding="utf-8").splitlines() if "Error" in line]
        if errors:  # the server's side of any failure
            print(*errors[-20:], sep="\n", file=sys.stderr)


@contextmanager
def class_setup() -> Iterator[Served]:
    """One worker, SQLite, the embedded Chroma."""
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{Path(tmp) / 'web.db'}"
        with serving(Path(tmp), {"AIGC_CS_DATABASE_URL": database}) as (base, pid):
            yield Served(base, database, {"app": pid})


@contextmanager
def school_setup() -> Iterator[Served]:
    """Two workers, a PostgreSQL cluster and a Chroma server; `tests_services().Missing` without PostgreSQL."""
    servers = tests_services()
    with tempfile.TemporaryDirectory() as tmp, servers.postgres(durable=True) as cluster:
        database = servers.new_database(cluster.url, "school")
        chroma = servers.ChromaServer(Path(tmp) / "chroma")
        try:
            env = {"AIGC_CS_DATABASE_URL": database, "AIGC_CS_CHROMA_URL": chroma.url}
            with serving(Path(tmp), env, "--workers", "2") as (base, pid):
                yield Served(base, database, {"app": pid, "PostgreSQL": cluster.pid,
                                              "Chroma server": chroma.process.pid})
        finally:
            chroma.stop()


def run_results(name: str, label: str, run: dict[str, float], budget: str | None = None) -> list[Result]:
    """The numbers of one run (`label`: thinking or burst); `budget` on its p95 latency."""
    ok = run["unshown"] == 0
    return [Result(f"{name}, {label}: p50 latency", run["p50"], "s", ok=ok),
            Result(f"{name}, {label}: p95 latency", run["p95"], "s", budget, ok=ok),
            Result(f"{name}, {label}: throughput", run["throughput"], "answers/s", ok=ok),
            Result(f"{name}, {label}: lost submissions", run["lost"], "", "<= 0"),
            Result(f"{name}, {label}: CPU per answer", run["cpu"], "ms", ok=ok)]


def load_results(name: str, served: Served) -> list[Result]:
    """A class at work, then the burst, on one server: latency, throughput, lost answers and memory."""
    memory = PeakMemory(served.processes)
    memory.start()
    paced = class_run(served, "p", THINK_S)
    burst = class_run(served, "b", None)
    memory.stop()
    settled = memory_mb(served.processes["app"])
    return [*run_results(name, "thinking 3-9 s", paced, "<= 1"), *run_results(name, "burst", burst),
            *(Result(f"{name}: memory (PSS) of {group}, peak", mb, "MB") for group, mb in memory.peaks.items()),
            *([Result(f"{name}: memory (PSS) of all processes, peak", memory.together, "MB")]
              if len(served.processes) > 1 else []),
            Result(f"{name}: memory (PSS) of the app after the runs", settled, "MB")]


def measure_burst() -> list[Result]:
    """Only the burst, on the class set-up: the quick check while cutting the cost of a request."""
    with class_setup() as served:
        return run_results(CLASS, "burst", class_run(served, "b", None))


def school_results() -> list[Result]:
    """The school set-up's numbers, or none (with one line) when PostgreSQL is not installed."""
    try:
        with school_setup() as served:
            return load_results(SCHOOL, served)
    except tests_services().Missing as missing:
        print(f"school set-up skipped: it {missing}", file=sys.stderr)
        return []


def login_run(base: str, pid: int, numbers: list[str]) -> dict[str, float]:
    """The students `numbers` (joined before) sign in at once: the server's memory just before and at its peak, the
    p95 time of a sign-in, and how many did not get in."""
    students = [Student(base, number) for number in numbers]
    start = threading.Barrier(len(students))
    memory = PeakMemory({"app": pid})
    before = memory_mb(pid)
    memory.start()
    with ThreadPoolExecutor(len(students)) as pool:
        done = list(pool.map(lambda s: s.login(start), students))
    memory.stop()
    seconds = [s for s, _ in done]
    return {"before": before, "peak": memory.peaks["app"], "p95": statistics.quantiles(seconds, n=20)[-1],
            "refused": sum(not ok for _, ok in done)}


def login_results(logins: dict[str, float]) -> list[Result]:
    name = f"web app, {LOGINS} students signing in at once"
    ok = logins["refused"] == 0
    return [Result(f"{name}: server memory (PSS) before", logins["before"], "MB", ok=ok),
            Result(f"{name}: server memory (PSS), peak", logins["peak"], "MB", ok=ok),
            Result(f"{name}: p95 sign-in time", logins["p95"], "s", ok=ok)]


def measure(logins: bool = True) -> list[Result]:
    """Both set-ups in one session (and, on the class set-up, the sign-in burst)."""
    with class_setup() as served:
        results = load_results(CLASS, served)
        if logins:
            results += login_results(login_run(served.base, served.processes["app"],
                                               [f"p{i:03d}" for i in range(LOGINS)]))
    return results + school_results()


def measure_logins() -> list[Result]:
    """Only the sign-in burst: the students join one after another first, so that their hashes do not overlap."""
    with class_setup() as served:
        numbers = [f"l{i:03d}" for i in range(LOGINS)]
        for number in numbers:
            Student(served.base, number).join()
        return login_results(login_run(served.base, served.processes["app"], numbers))


if __name__ == "__main__":
    runs = {"logins": measure_logins, "school": lambda: measure(logins=False), "burst": measure_burst}
    if sys.argv[1:] and sys.argv[1] not in runs:
        sys.exit(f"usage: python benchmarks/load.py [{' | '.join(runs)}]")
    sys.exit(report(runs[sys.argv[1]]() if sys.argv[1:] else measure()))

"""A student's progress as small line charts, one for the total and one per criterion: each graded attempt (an
assignment's submission or a free-practice answer, oldest first) is a point at its share of the full marks. The
charts are geometry only; the template draws them as inline SVG (no script, no library)."""

from pydantic import BaseModel

from aigc_cs.grading.models import Grade
from aigc_cs.web.models import PracticeAttempt, Submission
from aigc_cs.web.pages import local_time

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 26
Y_TICKS = (0, 50, 100)
MAX_X_LABELS = 8
TOTAL = "总分"


class Point(BaseModel):
    x: float
    y: float
    percent: float
    label: str  # the attempt, for the point's tooltip


class Tick(BaseModel):
    at: float
    label: str


class Chart(BaseModel):
    name: str
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def change(self) -> float:
        """The latest share minus the first, in percentage points."""
        return self.points[-1].percent - self.points[0].percent


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def _xs(n: int) -> list[float]:
    if n == 1:
        return [(LEFT + WIDTH - RIGHT) / 2]
    step = (WIDTH - RIGHT - LEFT) / (n - 1)
    return [LEFT + i * step for i in range(n)]


def chart(name: str, values: list[tuple[int, float, str]]) -> Chart:
    """A chart of (attempt number, percent, label) in order; the x axis counts the student's attempts."""
    xs = _xs(len(values))
    every = max(1, -(-len(values) // MAX_X_LABELS))
    return Chart(name=name,
                 points=[Point(x=x, y=_y(p), percent=round(p, 1), label=label) for x, (_, p, label) in zip(xs, values, strict=True)],
                 y_ticks=[Tick(at=_y(t), label=f"{t}%") for t in Y_TICKS],
                 x_ticks=[Tick(at=x, label=str(n)) for i, (x, (n, _, _)) in enumerate(zip(xs, values, strict=True))
                          if i % every == 0 or i == len(values) - 1])


def _label(attempt: Submission | PracticeAttempt) -> str:
    what = (f"{attempt.question.assignment.title} 第{attempt.question.no}题" if isinstance(attempt, Submission)
            else f"自由练习：{attempt.title}")
    return f"{local_time(attempt.created_at)} {what}"


def progress(attempts: list[Submission | PracticeAttempt]) -> list[Chart]:
    """The total's chart, then one per criterion in the order they first appear; attempts without a grade are
    left out, and the total is the final score (a teacher's override counts)."""
    graded = sorted((a for a in attempts if a.result is not None), key=lambda a: (a.created_at, a.id))
    series: dict[str, list[tuple[int, float, str]]] = {TOTAL: []}
    for n, attempt in enumerate(graded, 1):
        grade = Grade.model_validate_json(attempt.result)  # type: ignore[arg-type]
        label = _label(attempt)
        series[TOTAL].append((n, 100 * (attempt.final or 0) / grade.scale, label))
        for c in grade.criteria:
            if c.max_points:
                series.setdefault(c.name, []).append((n, 100 * c.points / c.max_points, label))
    return [chart(name, values) for name, values in series.items() if values]

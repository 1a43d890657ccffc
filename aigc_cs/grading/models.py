"""What grading returns: per-criterion levels, points, evidence, feedback, faults, and the total."""

from pydantic import BaseModel


class Fault(BaseModel):
    kind: str  # policy / banned / extreme / slang / typo / hard_sell / injection / missing
    quote: str = ""
    start: int = -1
    end: int = -1
    message: str


class CheckResult(BaseModel):
    kind: str
    score: float  # 0..1
    weight: float
    hard: bool
    applicable: bool = True
    floor: int = 0  # the lowest level the criterion gets when this check is met
    evidence: list[str] = []
    faults: list[Fault] = []
    advice: str = ""


class CriterionScore(BaseModel):
    id: str
    name: str
    level: int
    levels: int
    points: float
    max_points: float
    evidence: list[str] = []
    feedback: str
    cites: str
    faults: list[Fault] = []
    capped: bool = False
    source: str = "rules"  # rules / judge / judge+rules


class Grade(BaseModel):
    rubric: str
    shop: str
    scorer: str
    scenario: str = ""
    answer: str
    total: float
    scale: float
    criteria: list[CriterionScore]
    faults: list[Fault] = []
    flags: list[str] = []  # e.g. "injection": a teacher should look at this answer
    improved: str | None = None
    warnings: list[str] = []

"""Calibration against teacher scores (evals/gold/*.yaml), with a second teacher's scores
(evals/gold/rater2/*.yaml) as the human baseline."""

from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.grading.agreement import Agreement, agreement, band
from aigc_cs.grading.rubric import Rubric, all_rubrics, get_rubric
from aigc_cs.paths import data_dir
from aigc_cs.tasks.context import Context

POOLED = "全部"
BANDS = 5


class GoldAnswer(BaseModel):
    id: str
    rubric: str
    shop: str
    scenario: str = ""
    answer: str
    scores: dict[str, float]
    total: float
    rationale: str = ""
    flags: list[str] = []


class RaterScores(BaseModel):
    id: str
    scores: dict[str, float]
    total: float


class Comparison(BaseModel):
    total: Agreement
    criteria: dict[str, Agreement]


class CaseResult(BaseModel):
    id: str
    gold: float
    scored: float


class CalibrationReport(Comparison):
    rubric: str
    scorer: str
    human: Comparison | None = None
    cases: list[CaseResult] = []


def gold_dir() -> Path:
    return data_dir("evals") / "gold"


def _load(path: Path, model: type[BaseModel]) -> list:
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return [model.model_validate(item) for item in items]
    except yaml.YAMLError:
        raise UserError(f"{path}：YAML 格式有误") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        raise UserError(f"{path}：字段 {'.'.join(map(str, error['loc']))} 有误：{error['msg']}") from None


def load_gold(rubric_id: str, folder: Path | None = None) -> list[GoldAnswer]:
    path = (folder or gold_dir()) / f"{rubric_id}.yaml"
    return _load(path, GoldAnswer) if path.exists() else []


def load_rater2(rubric_id: str, folder: Path | None = None) -> dict[str, RaterScores]:
    path = (folder or gold_dir()) / "rater2" / f"{rubric_id}.yaml"
    return {r.id: r for r in _load(path, RaterScores)} if path.exists() else {}


def compare(rubrics: dict[str, Rubric], pairs: list[tuple[str, dict[str, float], float, dict[str, float], float]]
            ) -> Comparison:
    """pairs: (rubric id, scores A, total A, scores B, total B)."""
    scale = {rid: r.scale for rid, r in rubrics.items()}
    totals_a = [band(p[2], scale[p[0]], BANDS) for p in pairs]
    totals_b = [band(p[4], scale[p[0]], BANDS) for p in pairs]
    total = agreement(totals_a, totals_b, BANDS, [p[2] for p in pairs], [p[4] for p in pairs])
    criteria: dict[str, Agreement] = {}
    if len(rubrics) == 1:
        rubric = next(iter(rubrics.values()))
        for c in rubric.criteria:
            a = [c.level_of(p[1][c.id]) for p in pairs if c.id in p[1] and c.id in p[3]]
            b = [c.level_of(p[3][c.id]) for p in pairs if c.id in p[1] and c.id in p[3]]
            av = [p[1][c.id] for p in pairs if c.id in p[1] and c.id in p[3]]
            bv = [p[3][c.id] for p in pairs if c.id in p[1] and c.id in p[3]]
            criteria[c.id] = agreement(a, b, len(c.levels), av, bv)
    return Comparison(total=total, criteria=criteria)


def calibrate(ctx: Context, rubric_id: str | None = None, scorer: str = "rules") -> list[CalibrationReport]:
    from aigc_cs.grading.grade import grade

    ids = [rubric_id] if rubric_id else list(all_rubrics())
    rubrics = {rid: get_rubric(rid) for rid in ids}
    reports, pooled, pooled_human = [], [], []
    for rid, rubric in rubrics.items():
        gold = load_gold(rid)
        if not gold:
            if rubric_id:
                raise UserError(f"评分标准“{rid}”没有金标答案：请在 {gold_dir()}/{rid}.yaml 里添加")
            continue
        pairs, cases = [], []
        for item in gold:
            result = grade(item.answer, rid, item.shop, ctx, scenario=item.scenario, scorer=scorer,  # type: ignore[arg-type]
                           with_improved=False)
            scored = {c.id: c.points for c in result.criteria}
            pairs.append((rid, item.scores, item.total, scored, result.total))
            cases.append(CaseResult(id=item.id, gold=item.total, scored=result.total))
        second = load_rater2(rid)
        human_pairs = [(rid, g.scores, g.total, second[g.id].scores, second[g.id].total) for g in gold if g.id in second]
        pooled += pairs
        pooled_human += human_pairs
        reports.append(CalibrationReport(rubric=rid, scorer=scorer, cases=cases,
                                         human=compare({rid: rubric}, human_pairs) if human_pairs else None,
                                         **compare({rid: rubric}, pairs).model_dump()))
    if len(reports) > 1:
        reports.append(CalibrationReport(rubric=POOLED, scorer=scorer,
                                         human=compare(rubrics, pooled_human) if pooled_human else None,
                                         **compare(rubrics, pooled).model_dump()))
    return reports

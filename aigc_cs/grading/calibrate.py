"""Calibration of a scorer against human scores, on two splits reported side by side:

- ``dev`` (evals/gold/dev/<rubric>.yaml, teacher scores, with evals/gold/dev/rater2/ a second rater; and
  evals/gold/dev/blind/, answers written and scored blind by two raters in the test split's format): the split the
  rules may be tuned on. Reference: the teacher file, or the mean of the two blind raters; human baseline: teacher vs
  rater2 and rater1 vs rater2.
- ``test`` (evals/gold/test/answers.yaml, rater1.yaml, rater2.yaml, and the same three files in each folder
  inside it): written and scored blind by two raters, frozen
  (evals/FROZEN.sha256). Reference: the mean of the two raters; human baseline: rater1 vs rater2. Per-answer
  results of the test split are never reported, only the summary figures.
"""

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ValidationError

from aigc_cs.errors import UserError
from aigc_cs.grading.agreement import Agreement, agreement, band
from aigc_cs.grading.rubric import Channel, Rubric, all_rubrics, get_rubric
from aigc_cs.paths import data_dir
from aigc_cs.tasks.context import Context
from aigc_cs.yaml_safe import safe_load

POOLED = "全部"
BANDS = 5
Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = ("dev", "test")


class GoldAnswer(BaseModel):
    id: str
    rubric: str
    shop: str
    scenario: str = ""
    channel: Channel | None = None
    answer: str
    scores: dict[str, float] = {}
    total: float = 0.0
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
    split: Split = "dev"
    reference: str = "teacher"  # dev: the teacher file; test: the mean of two raters
    human: Comparison | None = None
    cases: list[CaseResult] = []


def gold_root() -> Path:
    return data_dir("evals") / "gold"


def gold_dir(split: Split = "dev") -> Path:
    return gold_root() / split


def _load(path: Path, model: type[BaseModel]) -> list:
    try:
        items = safe_load(path.read_text(encoding="utf-8")) or []
        return [model.model_validate(item) for item in items]
    except yaml.YAMLError:
        raise UserError(f"{path}：YAML 格式有误") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        raise UserError(f"{path}：字段 {'.'.join(map(str, error['loc']))} 有误：{error['msg']}") from None


def load_gold(rubric_id: str, folder: Path | None = None) -> list[GoldAnswer]:
    path = (folder or gold_dir("dev")) / f"{rubric_id}.yaml"
    return _load(path, GoldAnswer) if path.exists() else []


def load_rater2(rubric_id: str, folder: Path | None = None) -> dict[str, RaterScores]:
    path = (folder or gold_dir("dev")) / "rater2" / f"{rubric_id}.yaml"
    return {r.id: r for r in _load(path, RaterScores)} if path.exists() else {}


def _mean(a: RaterScores, b: RaterScores) -> RaterScores:
    return RaterScores(id=a.id, scores={k: (a.scores[k] + b.scores[k]) / 2 for k in a.scores if k in b.scores},
                       total=(a.total + b.total) / 2)


def load_test(rubric_id: str, folder: Path | None = None
              ) -> tuple[list[GoldAnswer], dict[str, RaterScores], dict[str, RaterScores]]:
    """The blind split: (answers with the raters' mean as scores, rater1, rater2), for one rubric. A blind set is a
    folder with answers.yaml, rater1.yaml and rater2.yaml: the split's own folder and each folder inside it (a set
    written later, for rubrics added later, e.g. evals/gold/test/aftercare/)."""
    folder = folder or gold_dir("test")
    scored: list[GoldAnswer] = []
    first: dict[str, RaterScores] = {}
    second: dict[str, RaterScores] = {}
    for where in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())] if folder.is_dir() else []:
        if not (where / "answers.yaml").exists():
            continue
        answers = [a for a in _load(where / "answers.yaml", GoldAnswer) if a.rubric == rubric_id]
        one, two = ({r.id: r for r in _load(where / f"rater{i}.yaml", RaterScores)} for i in (1, 2))
        first |= one
        second |= two
        for item in answers:
            if item.id in one and item.id in two:
                mean = _mean(one[item.id], two[item.id])
                scored.append(item.model_copy(update={"scores": mean.scores, "total": mean.total}))
    return scored, first, second


def compare(rubrics: dict[str, Rubric], pairs: list[tuple[str, dict[str, float], float, dict[str, float], float]]
            ) -> Comparison:
    """pairs: (rubric id, scores A, total A, scores B, total B). A criterion's points are read as the nearest level
    (a mean of two raters half-way between two levels counts as the lower one)."""
    scale = {rid: r.scale for rid, r in rubrics.items()}
    totals_a = [band(p[2], scale[p[0]], BANDS) for p in pairs]
    totals_b = [band(p[4], scale[p[0]], BANDS) for p in pairs]
    total = agreement(totals_a, totals_b, BANDS, [p[2] for p in pairs], [p[4] for p in pairs])
    criteria: dict[str, Agreement] = {}
    if len(rubrics) == 1:
        rubric = next(iter(rubrics.values()))
        for c in rubric.criteria:
            both = [p for p in pairs if c.id in p[1] and c.id in p[3]]
            a = [c.level_of(p[1][c.id]) for p in both]
            b = [c.level_of(p[3][c.id]) for p in both]
            criteria[c.id] = agreement(a, b, len(c.levels), [p[1][c.id] for p in both], [p[3][c.id] for p in both])
    return Comparison(total=total, criteria=criteria)


def _gold(rid: str, split: Split) -> tuple[list[GoldAnswer], list[tuple]]:
    """A rubric's gold answers on a split (each with its reference scores) and the human pairs (rater A, rater B)."""
    gold, human = [], []
    if split == "dev":
        gold = load_gold(rid)
        second = load_rater2(rid)
        human = [(rid, g.scores, g.total, second[g.id].scores, second[g.id].total) for g in gold if g.id in second]
    blind, first, second = load_test(rid, gold_dir("dev") / "blind" if split == "dev" else None)
    human += [(rid, first[g.id].scores, first[g.id].total, second[g.id].scores, second[g.id].total) for g in blind]
    return gold + blind, human


def _context_for(ctx: Context, shops: set[str], split: Split) -> Context:
    """Dev: the given context when it knows every shop. Test, or a shop it does not know: the eval index (the bundled
    corpus + evals/shops, ingested once), so that the blind split is always graded against the same shop files."""
    from aigc_cs.evalkit.replies import eval_context

    if split == "test":
        return eval_context(ctx)
    try:
        for shop in shops:
            ctx.shop(shop)
        return ctx
    except UserError:
        return eval_context(ctx)


def calibrate(ctx: Context, rubric_id: str | None = None, scorer: str = "rules", split: Split = "dev"
              ) -> list[CalibrationReport]:
    """One report per rubric with gold answers on the split, and a pooled one when there are several."""
    from aigc_cs.grading.grade import grade

    ids = [rubric_id] if rubric_id else list(all_rubrics())
    rubrics = {rid: get_rubric(rid) for rid in ids}
    loaded: dict[str, tuple[list[GoldAnswer], list[tuple]]] = {}
    for rid in rubrics:
        gold, human = _gold(rid, split)
        if gold:
            loaded[rid] = (gold, human)
        elif rubric_id:
            where = f"{gold_dir('dev')}/{rid}.yaml" if split == "dev" else f"{gold_dir('test')}/answers.yaml"
            raise UserError(f"评分标准“{rid}”没有{split}金标答案：请在 {where} 里添加")
    ctx = _context_for(ctx, {g.shop for gold, _ in loaded.values() for g in gold}, split)
    reports, pooled, pooled_human = [], [], []
    for rid, (gold, human_pairs) in loaded.items():
        rubric = rubrics[rid]
        pairs, cases = [], []
        for item in gold:
            result = grade(item.answer, rid, item.shop, ctx, scenario=item.scenario, scorer=scorer,  # type: ignore[arg-type]
                           with_improved=False, channel=item.channel)
            scored = {c.id: c.points for c in result.criteria}
            pairs.append((rid, item.scores, item.total, scored, result.total))
            if split == "dev":
                cases.append(CaseResult(id=item.id, gold=item.total, scored=result.total))
        pooled += pairs
        pooled_human += human_pairs
        reports.append(CalibrationReport(rubric=rid, scorer=scorer, split=split, cases=cases,
                                         reference="teacher / mean of 2 raters" if split == "dev" else "mean of 2 raters",
                                         human=compare({rid: rubric}, human_pairs) if human_pairs else None,
                                         **compare({rid: rubric}, pairs).model_dump()))
    if len(reports) > 1:
        used = {rid: rubrics[rid] for rid in loaded}
        reports.append(CalibrationReport(rubric=POOLED, scorer=scorer, split=split,
                                         reference=reports[0].reference,
                                         human=compare(used, pooled_human) if pooled_human else None,
                                         **compare(used, pooled).model_dump()))
    return reports

"""Agreement between two sets of scores: quadratic weighted kappa, Spearman's rho and mean absolute error."""

import numpy as np
from pydantic import BaseModel


class Agreement(BaseModel):
    n: int
    qwk: float
    spearman: float
    mae: float


def band(total: float, scale: float, bands: int = 5) -> int:
    """0..bands-1; the top score falls in the top band."""
    return min(bands - 1, int(total / scale * bands))


def qwk(a: list[int], b: list[int], categories: int) -> float:
    """Cohen's kappa with quadratic weights over `categories` ordered classes (1.0 when both agree fully)."""
    observed = np.zeros((categories, categories))
    for x, y in zip(a, b, strict=True):
        observed[x, y] += 1
    if observed.sum() == 0:
        return 1.0
    i, j = np.indices((categories, categories))
    weights = (i - j) ** 2 / (categories - 1) ** 2
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    denominator = (weights * expected).sum()
    return 1.0 if denominator == 0 else float(1 - (weights * observed).sum() / denominator)


def _ranks(values: list[float]) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values), dtype=float)
    values_arr = np.asarray(values)
    for value in np.unique(values_arr):  # average ranks of ties
        tied = values_arr == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = _ranks(a), _ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return 1.0 if list(a) == list(b) else 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def agreement(a: list[int], b: list[int], categories: int, a_values: list[float] | None = None,
              b_values: list[float] | None = None) -> Agreement:
    """QWK over the classes; Spearman and MAE over the raw values (default: the classes)."""
    av = a_values if a_values is not None else [float(x) for x in a]
    bv = b_values if b_values is not None else [float(x) for x in b]
    mae = float(np.mean(np.abs(np.asarray(av) - np.asarray(bv)))) if av else 0.0
    return Agreement(n=len(a), qwk=round(qwk(a, b, categories), 3), spearman=round(spearman(av, bv), 3),
                     mae=round(mae, 2))

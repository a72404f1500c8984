"""Scoring helpers shared by the evaluation scripts: precision/recall/F1 and article-level bootstrap intervals.

Evaluation sets here are small (tens of articles), so every figure is printed with a 95% percentile bootstrap
interval obtained by resampling whole articles with replacement: quotes and claims of one article are not
independent (one speaker, one writer's style), so resampling single items would give intervals that are too narrow.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def bootstrap_ci(per_article: Sequence[dict[str, float]], stat: Callable[[dict[str, float]], float],
                 n_resamples: int = 1000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of ``stat`` over article resamples.

    ``per_article`` holds one dict of additive counts per article (tp, n_pred, ...); ``stat`` turns summed counts
    into the figure. The seed is fixed so that two runs on the same code print the same interval."""
    if not per_article:
        return (0.0, 0.0)
    rng = random.Random(seed)
    keys = set().union(*per_article)
    values = []
    n = len(per_article)
    for _ in range(n_resamples):
        total = dict.fromkeys(keys, 0.0)
        for _ in range(n):
            counts = per_article[rng.randrange(n)]
            for k, v in counts.items():
                total[k] += v
        values.append(stat(total))
    values.sort()
    lo_i = int((1 - level) / 2 * n_resamples)
    hi_i = min(n_resamples - 1, int((1 + level) / 2 * n_resamples))
    return values[lo_i], values[hi_i]


def summed(per_article: Sequence[dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = {}
    for counts in per_article:
        for k, v in counts.items():
            total[k] = total.get(k, 0.0) + v
    return total


def fmt(value: float, ci: tuple[float, float]) -> str:
    return f"{value:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]"

"""Training the reranker: the boosted trees learn a planted signal, reproducibly, and need a gold
article."""

from __future__ import annotations

import numpy as np
import pytest

from training.cv import Sample, fit_lgbm, fit_reranker


def _samples(n: int, seed: int) -> list[Sample]:
    """Synthetic candidate lists where the gold article stands out on feature 0 only."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        x = rng.random((20, 3))
        gold = int(rng.integers(20))
        x[gold, 0] += 1.0
        y = np.zeros(20)
        y[gold] = 1.0
        out.append(Sample(question=None, ids=list(range(20)), x=x, y=y))  # type: ignore[arg-type]
    return out


def test_training_learns_the_signal_and_is_reproducible() -> None:
    features = ("signal", "noise_a", "noise_b")
    first = fit_lgbm(_samples(120, seed=1), features, rounds=60)
    second = fit_lgbm(_samples(120, seed=1), features, rounds=60)
    assert first.to_json() == second.to_json()
    test = _samples(40, seed=2)
    top1 = sum(s.y[int(np.argmax(first.score(s.x)))] for s in test) / len(test)
    assert top1 >= 0.9


def test_training_needs_a_gold_article() -> None:
    empty = [Sample(question=None, ids=[0, 1], x=np.zeros((2, 3)), y=np.zeros(2))]  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="gold"):
        fit_reranker(empty, ("a", "b", "c"))

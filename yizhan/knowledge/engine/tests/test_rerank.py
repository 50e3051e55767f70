"""The learned reranker: the shipped boosted trees, their persistence, constraints and training."""

from __future__ import annotations

import numpy as np
import pytest

from yizhan.knowledge.engine.rerank import Reranker
from yizhan.knowledge.engine.search import StatuteSearcher
from yizhan.knowledge.engine.training.cv import MONOTONE, Sample, fit_lgbm, fit_reranker


@pytest.fixture(scope="module")
def shipped() -> Reranker:
    model = Reranker.load()
    assert model is not None
    return model


def _rows(n: int, d: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, d))


def test_shipped_model_is_boosted_trees_over_the_searchers_features(shipped: Reranker) -> None:
    assert shipped.kind == "lgbm"
    assert shipped.features == StatuteSearcher.FEATURES


def test_json_round_trip_keeps_scores(shipped: Reranker) -> None:
    x = _rows(50, len(shipped.features))
    again = Reranker.from_json(shipped.to_json())
    assert np.array_equal(again.score(x), shipped.score(x))


@pytest.mark.parametrize("feature", sorted(MONOTONE & set(StatuteSearcher.FEATURES)))
def test_more_evidence_never_lowers_an_articles_score(shipped: Reranker, feature: str) -> None:
    col = shipped.features.index(feature)
    x = _rows(200, len(shipped.features), seed=col)
    more = x.copy()
    more[:, col] += 0.5
    assert np.all(shipped.score(more) >= shipped.score(x) - 1e-12)


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


def test_model_and_features_must_agree(shipped: Reranker) -> None:
    with pytest.raises(ValueError, match="feature list"):
        Reranker(shipped.features[:-1], "lgbm", booster=shipped.booster)
    with pytest.raises(ValueError, match="unknown"):
        Reranker(shipped.features, "forest")

"""The learned reranker: the shipped boosted trees, their persistence and constraints (its training is
tested in ``training/tests/test_cv.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from statute_engine.rerank import Reranker
from statute_engine.search import StatuteSearcher


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


@pytest.mark.parametrize("feature", sorted(StatuteSearcher.MONOTONE & set(StatuteSearcher.FEATURES)))
def test_more_evidence_never_lowers_an_articles_score(shipped: Reranker, feature: str) -> None:
    col = shipped.features.index(feature)
    x = _rows(200, len(shipped.features), seed=col)
    more = x.copy()
    more[:, col] += 0.5
    assert np.all(shipped.score(more) >= shipped.score(x) - 1e-12)


def test_model_and_features_must_agree(shipped: Reranker) -> None:
    with pytest.raises(ValueError, match="feature list"):
        Reranker(shipped.features[:-1], "lgbm", booster=shipped.booster)
    with pytest.raises(ValueError, match="unknown"):
        Reranker(shipped.features, "forest")

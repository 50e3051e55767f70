"""The learned reranker: a small scoring model over the searcher's generic features.

Three model kinds, all stored as JSON (``data/rerank.json``):

* ``linear`` — score = x · v;
* ``mlp`` — score = relu(x W1 + b1) · w2 + x · v (one hidden layer; the linear term keeps the
  model close to a weighted feature sum);
* ``lgbm`` — gradient-boosted trees (LightGBM LambdaRank), the shipped kind: it pairs features
  (an article stating a period × a question asking 多久) where a weighted sum cannot.

Trained by ``training/train_search.py`` with a listwise softmax loss (see ``training/cv.py``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import lightgbm
import numpy as np

__all__ = ["Reranker", "shipped_name"]


def shipped_name(dense: bool) -> str:
    """File name of the shipped model under ``data/``."""
    return "rerank_dense.json" if dense else "rerank.json"


class Reranker:
    def __init__(
        self,
        features: Sequence[str],
        kind: str,
        params: dict[str, np.ndarray] | None = None,
        *,
        booster: lightgbm.Booster | None = None,
    ) -> None:
        if kind not in ("linear", "mlp", "lgbm"):
            raise ValueError(f"unknown reranker kind {kind!r}")
        self.features = tuple(features)
        self.kind = kind
        self.params = {k: np.asarray(v, dtype=np.float64) for k, v in (params or {}).items()}
        self.booster = booster
        self._lock = threading.Lock()  # one prediction at a time per booster, whatever LightGBM allows
        if kind == "lgbm":
            if booster is None or booster.num_feature() != len(self.features):
                raise ValueError("reranker trees do not match its feature list")
        elif self.params["v"].shape != (len(self.features),):
            raise ValueError("reranker weights do not match its feature list")

    def score(self, x: np.ndarray) -> np.ndarray:
        """Scores for a (candidates × features) matrix."""
        if self.booster is not None:
            with self._lock:
                return np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)
        p = self.params
        s = x @ p["v"]
        if self.kind == "mlp":
            s = s + np.maximum(x @ p["W1"] + p["b1"], 0.0) @ p["w2"]
        return s

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        payload: dict[str, object] = {"kind": self.kind, "features": list(self.features)}
        if self.booster is not None:
            payload["model"] = self.booster.model_to_string()
        else:
            payload["params"] = {k: np.round(v, 6).tolist() for k, v in self.params.items()}
        return json.dumps(payload, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Reranker:
        data = json.loads(text)
        if data["kind"] == "lgbm":
            return cls(data["features"], "lgbm", booster=lightgbm.Booster(model_str=data["model"]))
        return cls(data["features"], data["kind"], {k: np.asarray(v) for k, v in data["params"].items()})

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None, *, dense: bool = False) -> Reranker | None:
        """Load from ``path`` (default: the shipped ``data/rerank.json``, or ``data/rerank_dense.json``
        — the model that also uses the dense features — with ``dense``; ``None`` if absent)."""
        if path is None:
            res = resources.files(__package__).joinpath("data", shipped_name(dense))
            if not res.is_file():
                return None
            return cls.from_json(res.read_text(encoding="utf-8"))
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

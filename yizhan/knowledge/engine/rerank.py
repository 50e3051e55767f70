"""The learned reranker: a tiny scoring model over the searcher's generic features.

Two model kinds, both stored as JSON (``data/rerank.json``, a few KB):

* ``linear`` — score = x · v;
* ``mlp`` — score = relu(x W1 + b1) · w2 + x · v (one hidden layer; the linear term keeps the
  model close to a weighted feature sum).

Trained by ``training/train_search.py`` with a listwise softmax loss (see ``training/cv.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = ["Reranker"]


class Reranker:
    def __init__(self, features: Sequence[str], kind: str, params: dict[str, np.ndarray]) -> None:
        if kind not in ("linear", "mlp"):
            raise ValueError(f"unknown reranker kind {kind!r}")
        self.features = tuple(features)
        self.kind = kind
        self.params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
        if self.params["v"].shape != (len(self.features),):
            raise ValueError("reranker weights do not match its feature list")

    def score(self, x: np.ndarray) -> np.ndarray:
        """Scores for a (candidates × features) matrix."""
        p = self.params
        s = x @ p["v"]
        if self.kind == "mlp":
            s = s + np.maximum(x @ p["W1"] + p["b1"], 0.0) @ p["w2"]
        return s

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        payload = {
            "kind": self.kind,
            "features": list(self.features),
            "params": {k: np.round(v, 6).tolist() for k, v in self.params.items()},
        }
        return json.dumps(payload, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Reranker:
        data = json.loads(text)
        return cls(data["features"], data["kind"], {k: np.asarray(v) for k, v in data["params"].items()})

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> Reranker | None:
        """Load from ``path`` (default: the shipped ``data/rerank.json``; ``None`` if absent)."""
        if path is None:
            res = resources.files(__package__).joinpath("data", "rerank.json")
            if not res.is_file():
                return None
            return cls.from_json(res.read_text(encoding="utf-8"))
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

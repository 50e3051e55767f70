"""Triage training data, cross-validation and fitting (used by train_triage.py and bench/triage.py).

Labels:

* **weak labels** for STARD questions (MIT): each gold article (including regulations and judicial
  interpretations that the statute corpus lacks) is mapped to a domain by
  ``statute_engine/data/triage_labels.yaml`` — 民法典 by article range (book / chapter), other laws
  by name; the question takes the majority domain of its gold articles (ties: the first gold
  article). Questions whose articles map nowhere are dropped.
* **hand-written examples** from ``training/data/triage_examples.yaml``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from statute_engine.tokenize import Analyzer, get_analyzer
from statute_engine.triage import DOMAINS, LabelMap, TriageModel, text_features
from training import TRAINING_DATA
from training.cv import fold_of

__all__ = [
    "Example",
    "classification_report",
    "cross_validate_triage",
    "fit_triage",
    "load_examples",
]


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    label: str
    source: str  # "stard" or "hand"


def load_examples(eval_path: str | Path | None, *, hand: bool = True) -> list[Example]:
    """STARD weak-labelled questions (if ``eval_path``) plus the hand-written examples."""
    out: list[Example] = []
    lm = LabelMap()
    if eval_path is not None:
        for line in Path(eval_path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            label = lm.label(row.get("gold", []))
            if label:
                out.append(Example(f"stard-{row['id']}", str(row["q"]), label, "stard"))
    if hand:
        raw = TRAINING_DATA / "triage_examples.yaml"
        data = yaml.safe_load(raw.read_text(encoding="utf-8"))
        n = 0
        for label, texts in data.items():
            if label not in DOMAINS:
                raise ValueError(f"triage_examples.yaml: unknown domain {label}")
            for text in texts:
                n += 1
                out.append(Example(f"hand-{n}", str(text), str(label), "hand"))
    return out


def fit_triage(
    examples: Sequence[Example],
    *,
    analyzer: Analyzer | None = None,
    min_df: int = 2,
    l2: float = 1e-4,
    steps: int = 300,
    lr: float = 0.05,
) -> TriageModel:
    """Multinomial logistic regression (class-balanced) on binary, L2-normalised features."""
    an = analyzer or get_analyzer()
    feats = [text_features(e.text, an) for e in examples]
    df: Counter[str] = Counter(f for fs in feats for f in fs)
    vocab = sorted(f for f, c in df.items() if c >= min_df)
    index = {f: i for i, f in enumerate(vocab)}
    classes = list(DOMAINS)
    cidx = {c: i for i, c in enumerate(classes)}
    n, v, c = len(examples), len(vocab), len(classes)
    x = np.zeros((n, v), dtype=np.float32)
    for i, fs in enumerate(feats):
        cols = [index[f] for f in fs if f in index]
        if cols:
            x[i, cols] = 1.0 / np.sqrt(len(cols))
    y = np.zeros((n, c), dtype=np.float32)
    for i, e in enumerate(examples):
        y[i, cidx[e.label]] = 1.0
    freq = y.sum(axis=0)
    class_w = np.where(freq > 0, 1.0 / np.sqrt(np.maximum(freq, 1.0)), 0.0)
    class_w = class_w / (class_w[freq > 0].mean() if (freq > 0).any() else 1.0)
    sample_w = (y * class_w).sum(axis=1, keepdims=True).astype(np.float32)
    w = np.zeros((v, c), dtype=np.float32)
    b = np.zeros(c, dtype=np.float32)
    b[freq == 0] = -20.0  # classes without examples never win
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b, v_b = np.zeros_like(b), np.zeros_like(b)
    for t in range(1, steps + 1):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) * sample_w / n
        gw = x.T @ g + l2 * w
        gb = g.sum(axis=0)
        gb[freq == 0] = 0.0
        m_w = 0.9 * m_w + 0.1 * gw
        v_w = 0.999 * v_w + 0.001 * gw * gw
        m_b = 0.9 * m_b + 0.1 * gb
        v_b = 0.999 * v_b + 0.001 * gb * gb
        w -= lr * (m_w / (1 - 0.9**t)) / (np.sqrt(v_w / (1 - 0.999**t)) + 1e-8)
        b -= lr * (m_b / (1 - 0.9**t)) / (np.sqrt(v_b / (1 - 0.999**t)) + 1e-8)
    # Store weights so that proba() = softmax(b + sum_f w_f / sqrt(#features)).
    return TriageModel(vocab, classes, w.astype(np.float64), b.astype(np.float64))


def classification_report(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Accuracy, macro-F1 (over classes present in ``gold``) and per-class precision/recall/F1."""
    labels = [d for d in DOMAINS if d in set(gold) | set(pred)]
    per: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        n_pred = sum(1 for p in pred if p == lab)
        n_gold = sum(1 for g in gold if g == lab)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "support": n_gold,
        }
        if n_gold:
            f1s.append(f1)
    acc = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / max(1, len(gold))
    return {
        "n": len(gold),
        "accuracy": round(acc, 4),
        "macro_f1": round(sum(f1s) / max(1, len(f1s)), 4),
        "per_class": per,
    }


def cross_validate_triage(
    examples: Sequence[Example], *, k: int = 5, analyzer: Analyzer | None = None
) -> tuple[list[str], list[str], list[Example]]:
    """k-fold CV (vocabulary and weights from the training folds only); returns gold, predicted
    labels and the examples in the same order."""
    an = analyzer or get_analyzer()
    gold: list[str] = []
    pred: list[str] = []
    order: list[Example] = []
    for f in range(k):
        train = [e for e in examples if fold_of(e.id, k) != f]
        test = [e for e in examples if fold_of(e.id, k) == f]
        model = fit_triage(train, analyzer=an)
        for e in test:
            p = model.proba(text_features(e.text, an))
            gold.append(e.label)
            pred.append(model.classes[int(np.argmax(p))])
            order.append(e)
    return gold, pred, order


def baseline_predictions(
    examples: Sequence[Example], top_hit: Callable[[str], tuple[str, int | None] | None]
) -> list[str]:
    """Search baseline: the domain of the top statute hit (``top_hit(text)`` → (law, article))."""
    lm = LabelMap()
    out: list[str] = []
    for e in examples:
        hit = top_hit(e.text)
        dom = lm.domain(hit[0], hit[1]) if hit else None
        out.append(dom or "综合咨询")
    return out

"""Triage benchmark: the domain classifier versus a statute-search baseline, cross-validated.

    .venv/bin/python bench/triage.py [--eval ../shared/eval/statute_questions_dev.jsonl] [--index DIR]

Examples: STARD dev questions weakly labelled from their cited articles (mapping in
``statute_engine/data/triage_labels.yaml``) plus the hand-written examples in
``training/data/triage_examples.yaml`` (see docs/knowledge/triage.md). 5-fold CV by a stable hash of the
example id; vocabulary and weights come from the training folds only.

Systems:

* ``classifier`` — the logistic regression alone;
* ``ours`` — the shipped combination: classifier blended with the domains of the top-5 statutes
  found by the general searcher (no question memory, so no STARD text leaks into the search side);
* ``baseline`` — the search alone: domain of the top-5 statutes (BM25 + fields + thesaurus), no
  training at all.

Figures: accuracy (the top domain is the gold one), macro-F1, per-class precision/recall, and
recall@2 / recall@3 (the gold domain is among the two / three most likely — what a clerk sees in the
triage panel's domain scores). Prints one line per figure and writes ``bench/results/triage.json``.
Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from statute_engine.corpus import iter_laws_db  # noqa: E402
from statute_engine.index import ensure_index  # noqa: E402
from statute_engine.search import StatuteSearcher  # noqa: E402
from statute_engine.triage import (  # noqa: E402
    DOMAINS,
    SEARCH_BLEND,
    LabelMap,
    search_distribution,
    text_features,
)
from training.cv import fold_of  # noqa: E402
from training.triage_data import (  # noqa: E402
    classification_report,
    fit_triage,
    load_examples,
)

RESULTS = ROOT / "bench" / "results"
DEFAULT_EVAL = ROOT.parent / "shared" / "eval" / "statute_questions_dev.jsonl"
K = 5


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--index", type=Path, default=ROOT / "var" / "statute-index")
    args = ap.parse_args()

    started = time.perf_counter()
    examples = load_examples(args.eval)
    searcher = StatuteSearcher(ensure_index(args.index, iter_laws_db()), memory=False, reranker=False)
    label_map = LabelMap()
    dists = {e.id: search_distribution(searcher.search(e.text, k=5), label_map) for e in examples}

    probs: dict[str, dict[str, float]] = {}
    for f in range(K):
        model = fit_triage([e for e in examples if fold_of(e.id, K) != f])
        for e in examples:
            if fold_of(e.id, K) == f:
                probs[e.id] = dict(
                    zip(model.classes, model.proba(text_features(e.text)).tolist(), strict=True)
                )

    def rank(blend: float) -> list[list[str]]:
        """Each example's domains, most likely first."""
        out = []
        for e in examples:
            d = dists[e.id]
            a = blend if d else 0.0
            sc = {c: (1 - a) * probs[e.id].get(c, 0.0) + a * d.get(c, 0.0) for c in DOMAINS}
            out.append(sorted(DOMAINS, key=lambda c: -sc[c]))
        return out

    def baseline_rank(e) -> list[str]:
        d = dists[e.id]
        found = sorted(d, key=lambda c: -d[c])
        return found + [c for c in ("综合咨询", *DOMAINS) if c not in found]

    gold = [e.label for e in examples]
    rankings = {
        "ours": rank(SEARCH_BLEND),
        "classifier": rank(0.0),
        "baseline": [baseline_rank(e) for e in examples],
    }
    systems = {name: [r[0] for r in ranked] for name, ranked in rankings.items()}
    report: dict = {
        "examples": len(examples),
        "stard_weak_labels": sum(e.source == "stard" for e in examples),
        "hand_written": sum(e.source == "hand" for e in examples),
        "folds": K,
        "search_blend": SEARCH_BLEND,
        "systems": {},
    }
    print(f"examples {len(examples)} (stard {report['stard_weak_labels']}, hand {report['hand_written']})")
    for name, pred in systems.items():
        full = classification_report(gold, pred)
        hand_idx = [i for i, e in enumerate(examples) if e.source == "hand"]
        hand = classification_report([gold[i] for i in hand_idx], [pred[i] for i in hand_idx])
        recall = {
            f"recall@{k}": round(
                sum(g in r[:k] for g, r in zip(gold, rankings[name], strict=True)) / len(gold), 4
            )
            for k in (2, 3)
        }
        report["systems"][name] = {"all": {**full, **recall}, "hand_written_only": hand}
        print(f"{name} accuracy {full['accuracy']:.3f}")
        for key, value in recall.items():
            print(f"{name} {key} {value:.3f}")
        print(f"{name} macro_f1 {full['macro_f1']:.3f}")
        print(f"{name} hand_written_accuracy {hand['accuracy']:.3f}")
    for cls, m in report["systems"]["ours"]["all"]["per_class"].items():
        print(f"ours {cls} precision {m['precision']:.3f} recall {m['recall']:.3f} support {m['support']}")
    report["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "triage.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"seconds {report['seconds']}")


if __name__ == "__main__":
    main()

"""Train the learned parts of statute search and write them to ``statute_engine/data/``.

    .venv/bin/python -m training.train_search \\
        [--eval ../shared/eval/statute_questions_dev.jsonl] [--index var/statute-index] [--cv]

Writes:

* ``data/question_memory.jsonl`` — every STARD dev question with an in-corpus gold article, with its
  gold articles normalised to (full law name, article key). STARD is MIT-licensed
  (``data/STARD-LICENSE.txt``).
* ``data/rerank.json`` — the reranker, fitted on *out-of-fold* features of all questions (each
  question's features computed with a memory that does not contain its fold, exactly as at
  evaluation time), so the model learns how much to trust the memory for an unseen question.
* ``data/rerank_dense.json`` — the same with the dense features (question–article and
  question–paragraph cosines of the E5 embeddings, :mod:`..dense`), used whenever the embeddings
  can be loaded.

``--cv`` also prints the nested 5-fold cross-validated figures (the same that ``bench/statutes.py``
reports). Deterministic: same data, same output.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from statute_engine.corpus import iter_laws_db
from statute_engine.dense import open_dense
from statute_engine.index import ensure_index
from statute_engine.memory import MemoryItem, QuestionMemory
from statute_engine.rerank import shipped_name
from statute_engine.search import StatuteSearcher
from training import ENGINE_DATA
from training.cv import cross_validate, fit_reranker, oof_samples
from training.evaluate import article_keys, load_questions

REPO = Path(__file__).resolve().parents[1]
DATA = ENGINE_DATA  # the shipped artefacts: written into the runtime package
DEFAULT_EVAL = REPO.parent / "shared" / "eval" / "statute_questions_dev.jsonl"
K = 5


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="STARD-style jsonl")
    ap.add_argument("--index", type=Path, default=REPO / "var" / "statute-index", help="index directory")
    ap.add_argument("--cv", action="store_true", help="also print nested k-fold figures")
    ap.add_argument("--kind", choices=("lgbm", "mlp", "linear"), default="lgbm", help="reranker model")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    idx = ensure_index(args.index, iter_laws_db())
    questions, total = load_questions(args.eval, article_keys(idx.records))
    print(f"questions {len(questions)} of {total} have an in-corpus gold article")
    searcher = StatuteSearcher(idx, memory=False, reranker=False)

    QuestionMemory.write_items(
        (
            MemoryItem(q.q, q.gold)
            for q in sorted(questions, key=lambda q: int(q.id) if q.id.isdigit() else 0)
        ),
        DATA / "question_memory.jsonl",
    )
    license_src = args.eval.parent / "STARD-LICENSE.txt"
    if license_src.exists():
        shutil.copyfile(license_src, DATA / "STARD-LICENSE.txt")

    # two rerankers: with the dense features (used when the article embeddings load) and without
    dense = open_dense(idx)
    for store in (None, dense) if dense is not None else (None,):
        searcher.dense = store
        samples = oof_samples(searcher, questions, K)
        model = fit_reranker(samples, searcher.feature_names, kind=args.kind)
        target = DATA / shipped_name(store is not None)
        model.save(target)
        print(f"wrote {target}")
        if args.cv:
            result = cross_validate(searcher, questions, k=K, kind=args.kind)
            label = "dense" if store is not None else "words"
            for name, value in result.metrics.as_dict().items():
                print(f"cv {label} {name} {value}")
    print(f"wrote {DATA / 'question_memory.jsonl'}")
    print(f"seconds {time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()

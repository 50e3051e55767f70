"""Evaluation helpers shared by the benchmarks and the training scripts (no Django).

Gold labels look like ``中华人民共和国民法典第五十四条`` or ``劳动合同法第三十条`` (the 中华人民共和国
prefix is sometimes missing). A gold article is scored only if it exists in the corpus.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from statute_engine.corpus import PRC_PREFIX, ArticleRecord
from statute_engine.numerals import CN_NUMERAL_CHARS, parse_article_no

__all__ = [
    "ArticleKey",
    "Question",
    "RankMetrics",
    "load_questions",
    "parse_gold",
    "rank_metrics",
]

ArticleKey = tuple[str, str]  # (full law name, machine article number "1084" / "10-1")

_GOLD_RE = re.compile(rf"^(.+?)(第[0-9{CN_NUMERAL_CHARS}]+条(?:之[{CN_NUMERAL_CHARS}]+)?)$")


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    gold: tuple[ArticleKey, ...]  # gold articles present in the corpus, normalised
    gold_raw: tuple[str, ...]
    exact_name: bool  # True if some in-corpus gold matched without adding the 中华人民共和国 prefix


def parse_gold(gold: str, known: set[ArticleKey]) -> tuple[ArticleKey | None, bool]:
    """Resolve one gold string to a corpus article key; also say whether the law name was exact."""
    m = _GOLD_RE.match(gold.strip())
    if not m:
        return None, False
    art = parse_article_no(m.group(2))
    if art is None:
        return None, False
    law = m.group(1).strip()
    if (law, art.key) in known:
        return (law, art.key), True
    if not law.startswith(PRC_PREFIX) and (PRC_PREFIX + law, art.key) in known:
        return (PRC_PREFIX + law, art.key), False
    return None, False


def article_keys(records: Iterable[ArticleRecord]) -> set[ArticleKey]:
    keys: set[ArticleKey] = set()
    for r in records:
        art = r.article
        if art is not None:
            keys.add((r.law_name, art.key))
    return keys


def load_questions(path: str | Path, known: set[ArticleKey]) -> tuple[list[Question], int]:
    """Read a STARD-style jsonl; return the questions with ≥ 1 in-corpus gold, and the total count."""
    out: list[Question] = []
    total = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        total += 1
        row = json.loads(line)
        gold: list[ArticleKey] = []
        exact = False
        for g in row.get("gold", []):
            key, is_exact = parse_gold(g, known)
            if key is not None and key not in gold:
                gold.append(key)
                exact = exact or is_exact
        if gold:
            out.append(Question(str(row["id"]), str(row["q"]), tuple(gold), tuple(row["gold"]), exact))
    return out, total


@dataclass
class RankMetrics:
    n: int = 0
    hit1: float = 0.0
    hit5: float = 0.0
    hit10: float = 0.0
    mrr: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, float]:
        lat = sorted(self.latencies_ms)
        out = {
            "questions": self.n,
            "hit@1": round(self.hit1, 4),
            "hit@5": round(self.hit5, 4),
            "hit@10": round(self.hit10, 4),
            "mrr": round(self.mrr, 4),
        }
        if lat:
            out["p50_ms"] = round(statistics.median(lat), 3)
            out["p99_ms"] = round(lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))], 3)
        return out


def first_rank(ranked: Sequence[ArticleKey], gold: Sequence[ArticleKey]) -> int | None:
    """1-based rank of the first gold article in ``ranked``, or ``None``."""
    wanted = set(gold)
    for i, key in enumerate(ranked, 1):
        if key in wanted:
            return i
    return None


def rank_metrics(
    questions: Sequence[Question],
    ranker: Callable[[Question], Sequence[ArticleKey]],
    *,
    latencies: list[float] | None = None,
) -> RankMetrics:
    """Score ``ranker`` (question → ranked article keys, ≥ 10 of them) on ``questions``."""
    m = RankMetrics(n=len(questions))
    if not questions:
        return m
    h1 = h5 = h10 = rr = 0.0
    for q in questions:
        rank = first_rank(ranker(q), q.gold)
        if rank is not None:
            h1 += rank <= 1
            h5 += rank <= 5
            h10 += rank <= 10
            rr += 1.0 / rank
    n = len(questions)
    m.hit1, m.hit5, m.hit10, m.mrr = h1 / n, h5 / n, h10 / n, rr / n
    if latencies is not None:
        m.latencies_ms = list(latencies)
    return m

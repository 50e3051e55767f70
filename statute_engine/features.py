"""The reranker's features: one row per candidate article of a question.

The candidates are the first-stage hits plus the articles the question memory proposes. Each row
holds (columns in :data:`FEATURES` order, then :data:`DENSE_FEATURES` when the embeddings are
loaded):

* **retrieval** — the first-stage BM25 score and rank, and the share of the first-stage evidence
  that falls in the article's law and chapter;
* **memory** — the votes of the remembered questions for the article, its law, its chapter and its
  neighbouring articles, the word→law association and how close the nearest question comes;
* **text** — for every candidate (also those only the memory proposed), the question's BM25 over its
  text (words and bigrams), coverage of the question's words, expansion terms, IDF mass and
  characters, and BM25 relative to the best article of the same law;
* **the article itself** — its place in its law, first article of its chapter, 总则/附则, amendment,
  very short, length (:data:`STATIC_FEATURES`, computed once per index by :class:`ArticleTable`);
* **sentences** — the cosine of question and article (whole and best paragraph), each also
  relative to the best candidate.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .corpus import ArticleRecord
from .dense import DenseStore
from .index import F_BIGRAM, F_TEXT
from .memory import MemoryScores
from .query_plan import Filters, QueryPlan

__all__ = [
    "DENSE_FEATURES",
    "FEATURES",
    "MONOTONE",
    "STATIC_FEATURES",
    "ArticleTable",
    "FeatureBuilder",
    "feature_names",
]

_BM25_K1 = 1.2
_BM25_B = 0.75
# characters too common to say anything when a question's characters are looked for in an article
_FUNCTION_CHARS = frozenset("的了是我在有和与或及吗呢吧啊么什怎如何为被把对就都而也要会能可以该这那个一不人")
_GENERAL_CHAPTER = re.compile(r"总则|附则")

#: every feature, and whether it is evidence: more of it may never lower an article's score (a
#: monotone constraint of the reranker; more text or memory evidence always counts for an article)
FEATURE_SPEC: tuple[tuple[str, bool], ...] = (
    ("bm25", True),
    ("in_main", False),
    ("log_rank", False),
    ("law_share", True),
    ("chapter_share", True),
    ("coverage", True),
    ("exp_coverage", True),
    ("law_mentioned", True),
    ("is_amendment", False),
    ("short_text", False),
    ("mem_vote", True),
    ("mem_best", True),
    ("mem_expansion", True),
    ("mem_law_share", True),
    ("mem_chapter_share", True),
    ("mem_near", True),
    ("idf_coverage", True),
    ("bigram_coverage", True),
    ("log_length", False),
    ("mem_word_law", True),
    # 2026-12-01: text evidence for every candidate (also those only the memory proposed), the
    # article's place in its law and chapter, how close the memory comes (see docs)
    ("text_bm25", True),
    ("text_bm25_log", True),
    ("bigram_bm25", True),
    ("law_relative", True),
    ("char_coverage", True),
    ("article_position", False),
    ("chapter_first", False),
    ("general_chapter", False),
    ("mem_nearest", False),
    ("query_words", False),
)

#: features added when the article embeddings are loaded: cosine of question and article, the
#: best cosine with the article or one of its paragraphs (款), each also as the difference to the
#: best candidate's
DENSE_SPEC: tuple[tuple[str, bool], ...] = (
    ("dense_cos", True),
    ("dense_relative", True),
    ("dense_paragraph", True),
    ("dense_paragraph_relative", True),
)
FEATURES: tuple[str, ...] = tuple(name for name, _ in FEATURE_SPEC)
DENSE_FEATURES: tuple[str, ...] = tuple(name for name, _ in DENSE_SPEC)
MONOTONE: frozenset[str] = frozenset(name for name, up in FEATURE_SPEC + DENSE_SPEC if up)
#: per-article features that do not depend on the question
STATIC_FEATURES = (
    "is_amendment",
    "short_text",
    "log_length",
    "article_position",
    "chapter_first",
    "general_chapter",
)


def feature_names(dense: bool) -> tuple[str, ...]:
    """The columns of a feature matrix: :data:`FEATURES`, plus the dense ones when loaded."""
    return FEATURES + DENSE_FEATURES if dense else FEATURES


class ArticleTable:
    """Per-article lookups of an index (doc id = position of the record), built once per searcher:
    each article's (law, article key), law, chapter and number; the docs of an article key; each
    law's articles in article order; the last article number of each law and the first of each
    chapter; the average text length; and the :data:`STATIC_FEATURES`."""

    def __init__(self, records: Sequence[ArticleRecord]) -> None:
        self.records = records
        self.key_to_doc: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.doc_key: list[tuple[str, str]] = []
        self.doc_law: list[str] = []
        self.doc_chapter: list[str] = []
        self.doc_num: list[int] = []
        for doc_id, r in enumerate(records):
            art = r.article
            key = (r.law_name, art.key if art else r.article_no)
            self.doc_key.append(key)
            self.doc_law.append(r.law_name)
            self.doc_chapter.append(f"{r.law_name}|{r.chapter or ''}")
            self.doc_num.append(art.number if art else -1000)
            if art is not None:
                self.key_to_doc[key].append(doc_id)
        self.avg_len = sum(len(r.text) for r in records) / max(1, len(records))
        #: each law's articles in article order (for a query that only names a law)
        self.law_docs: dict[str, list[int]] = defaultdict(list)
        for doc_id in sorted(range(len(records)), key=lambda d: (self.doc_num[d] < 0, self.doc_num[d], d)):
            if self.doc_num[doc_id] > 0:
                self.law_docs[self.doc_law[doc_id]].append(doc_id)
        #: last article number of each law and first article number of each chapter
        self.law_last: dict[str, int] = defaultdict(int)
        self.chapter_first: dict[str, int] = {}
        for doc_id, num in enumerate(self.doc_num):
            if num > 0:
                law, chapter = self.doc_law[doc_id], self.doc_chapter[doc_id]
                self.law_last[law] = max(self.law_last[law], num)
                if num < self.chapter_first.get(chapter, 1 << 30):
                    self.chapter_first[chapter] = num
        self.static = self._static_features()

    def _static_features(self) -> np.ndarray:
        """Per-article features that do not depend on the question (:data:`STATIC_FEATURES`)."""
        rows = []
        for doc_id, r in enumerate(self.records):
            num, chapter = self.doc_num[doc_id], self.doc_chapter[doc_id]
            rows.append(
                [
                    1.0 if r.kind in ("修正案", "修改决定") else 0.0,
                    1.0 if len(r.text) < 40 else 0.0,
                    math.log1p(len(r.text)) / 7.0,
                    num / self.law_last.get(r.law_name, 1) if num > 0 else 0.0,
                    1.0 if num > 0 and self.chapter_first.get(chapter) == num else 0.0,
                    1.0 if _GENERAL_CHAPTER.search(r.chapter or "") else 0.0,
                ]
            )
        return np.array(rows, dtype=np.float64).reshape(len(self.records), len(STATIC_FEATURES))

    def admissible(self, doc_id: int, filters: Filters, exclude_kinds: Sequence[str]) -> bool:
        """Whether an article passes a search's filters (for candidates that did not come through
        the filtered retrieval: the memory's, a law's opening articles)."""
        r = self.records[doc_id]
        if filters.status is not None and r.status not in filters.status:
            return False
        if filters.laws is not None and r.law_name not in filters.laws:
            return False
        if filters.department is not None and r.law_department != filters.department:
            return False
        return r.kind not in exclude_kinds


@dataclass(frozen=True)
class _RetrievalMass:
    """How the first-stage evidence spreads over laws and chapters (exp-weighted relative scores)."""

    top: float
    law: Mapping[str, float]
    chapter: Mapping[str, float]
    total: float


@dataclass(frozen=True)
class _MemoryEvidence:
    """The memory's votes per article, and summed per law and chapter; numbered votes per law."""

    vote: Mapping[tuple[str, str], float]
    best: Mapping[tuple[str, str], float]
    expansion: Mapping[tuple[str, str], float]
    law_assoc: Mapping[str, float]
    law: Mapping[str, float]
    chapter: Mapping[str, float]
    numbers: Mapping[str, list[tuple[int, float]]]
    total: float
    nearest: float


@dataclass(frozen=True)
class _TextEvidence:
    """The question's words, bigrams and characters counted in every candidate's text."""

    columns: dict[str, np.ndarray]
    text_bm25: np.ndarray
    best_in_law: Mapping[str, float]
    main_words: int


class FeatureBuilder:
    """Computes the feature matrix of a question's candidates over one index."""

    def __init__(self, table: ArticleTable, doc_freq: Callable[[str, str], int]) -> None:
        self._table = table
        self._records = table.records
        self._doc_freq = doc_freq
        self._n_docs = max(1, len(table.records))

    def build(
        self,
        plan: QueryPlan,
        cands: list[tuple[int, float]],
        mem: MemoryScores | None,
        filters: Filters,
        *,
        exclude_kinds: Sequence[str] = (),
        dense: DenseStore | None = None,
        query_vector: np.ndarray | None = None,
    ) -> tuple[list[int], np.ndarray]:
        """Candidate doc ids (first stage ∪ memory evidence) and their feature matrix (one row per
        candidate, columns in :func:`feature_names` order). ``query_vector``: the question's
        embedding for the dense features; by default the plan's (waited for only now, after the
        words')."""
        names = feature_names(dense is not None)
        first_stage = self._pool(cands, mem, filters, exclude_kinds)
        if not first_stage:
            return [], np.zeros((0, len(names)))
        ids = list(first_stage)
        mass = self._retrieval_mass(cands)
        memory = self._memory_evidence(mem)
        text = self._text_evidence(plan, ids)
        cols = self._candidate_columns(plan, cands, first_stage, ids, mass, memory, text)
        cols.update(text.columns)
        static = self._table.static[ids]
        cols.update({name: static[:, j] for j, name in enumerate(STATIC_FEATURES)})
        ones = np.ones(len(ids))
        cols["mem_nearest"] = ones * memory.nearest
        cols["query_words"] = ones * (math.log1p(text.main_words) / 3.0)
        if dense is not None:
            if query_vector is None:
                query_vector = plan.vector.result() if plan.vector is not None else dense.query(plan.text)
            cols.update(self._dense_columns(dense, query_vector, ids))
        return ids, np.column_stack([cols[name] for name in names])

    def _pool(
        self,
        cands: list[tuple[int, float]],
        mem: MemoryScores | None,
        filters: Filters,
        exclude_kinds: Sequence[str],
    ) -> dict[int, float]:
        """Every candidate with its first-stage score: the hits, then the admissible articles the
        memory proposes (score 0), in a fixed order."""
        docs: dict[int, float] = {}
        for doc_id, s in cands:
            docs[doc_id] = s
        if mem is not None:
            for key in sorted(mem.articles()):
                for doc_id in self._table.key_to_doc.get(key, ()):
                    if self._table.admissible(doc_id, filters, exclude_kinds):
                        docs.setdefault(doc_id, 0.0)
        return docs

    def _retrieval_mass(self, cands: list[tuple[int, float]]) -> _RetrievalMass:
        laws, chapters = self._table.doc_law, self._table.doc_chapter
        top = cands[0][1] if cands and cands[0][1] > 0 else 1.0
        law_mass: dict[str, float] = defaultdict(float)
        chap_mass: dict[str, float] = defaultdict(float)
        for doc_id, s in cands:
            e = math.exp(3.0 * (s / top - 1.0))
            law_mass[laws[doc_id]] += e
            chap_mass[chapters[doc_id]] += e
        return _RetrievalMass(top, law_mass, chap_mass, sum(law_mass.values()) or 1.0)

    def _memory_evidence(self, mem: MemoryScores | None) -> _MemoryEvidence:
        mem_law: dict[str, float] = defaultdict(float)
        mem_chap: dict[str, float] = defaultdict(float)
        mem_num: dict[str, list[tuple[int, float]]] = defaultdict(list)
        if mem is None:
            return _MemoryEvidence({}, {}, {}, {}, mem_law, mem_chap, mem_num, 1.0, 0.0)
        for key, v in mem.vote.items():
            mem_law[key[0]] += v
            first = self._table.key_to_doc.get(key)
            if first:
                mem_chap[self._table.doc_chapter[first[0]]] += v
                mem_num[key[0]].append((self._table.doc_num[first[0]], v))
        return _MemoryEvidence(
            mem.vote,
            mem.best,
            mem.expansion,
            mem.law_assoc,
            mem_law,
            mem_chap,
            mem_num,
            sum(mem_law.values()) or 1.0,
            math.log1p(mem.nearest) / 4.0,
        )

    def idf(self, terms: Iterable[str], field_name: str = F_TEXT) -> dict[str, float]:
        n = self._n_docs
        out: dict[str, float] = {}
        for t in terms:
            df = self._doc_freq(field_name, t)
            out[t] = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) if df else 0.0
        return out

    def _text_evidence(self, plan: QueryPlan, ids: list[int]) -> _TextEvidence:
        """Occurrences of every question word, bigram and character in every candidate's text: one
        str.count per pair; coverage and BM25 features are array operations on these counts."""
        words = list(plan.terms)
        bigrams = plan.bigrams
        chars = [
            c for c in dict.fromkeys(plan.core) if "\u3400" <= c <= "\u9fff" and c not in _FUNCTION_CHARS
        ]
        probes = [*words, *bigrams, *chars]
        texts = [self._records[d].text for d in ids]
        counts = np.array([[text.count(t) for t in probes] for text in texts], dtype=np.float64).reshape(
            len(ids), len(probes)
        )
        n_w, n_b = len(words), len(bigrams)
        tf_w, tf_b, tf_c = counts[:, :n_w], counts[:, n_w : n_w + n_b], counts[:, n_w + n_b :]
        weight = np.array([plan.terms[t] for t in words])
        idf_w = np.array(list(self.idf(words).values()))
        idf_b = np.array(list(self.idf(bigrams, F_BIGRAM).values()))
        length = np.array([len(t) for t in texts], dtype=np.float64)
        norm = (_BM25_K1 * (1.0 - _BM25_B + _BM25_B * length / self._table.avg_len))[:, None]
        text_bm25 = (tf_w * (_BM25_K1 + 1.0) / (tf_w + norm)) @ (weight * idf_w)
        bigram_bm25 = (tf_b * (_BM25_K1 + 1.0) / (tf_b + norm)) @ idf_b
        main = [j for j, t in enumerate(words) if weight[j] >= 1.0 and len(t) >= 2]
        extra = [j for j, t in enumerate(words) if weight[j] < 1.0 and len(t) >= 2]
        own = [j for j in range(n_w) if weight[j] >= 1.0]
        idf_own = idf_w[own].sum() or 1.0
        laws = self._table.doc_law
        best_in_law: dict[str, float] = defaultdict(float)
        for doc_id, v in zip(ids, text_bm25.tolist(), strict=True):
            best_in_law[laws[doc_id]] = max(best_in_law[laws[doc_id]], v)

        def share(tf: np.ndarray) -> np.ndarray:
            return (tf > 0).mean(axis=1) if tf.shape[1] else np.zeros(len(ids))

        columns = {
            "coverage": share(tf_w[:, main]),
            "exp_coverage": share(tf_w[:, extra]),
            "idf_coverage": (tf_w[:, own] > 0) @ idf_w[own] / idf_own,
            "bigram_coverage": share(tf_b),
            "text_bm25": text_bm25 / (text_bm25.max() or 1.0),
            "text_bm25_log": np.log1p(text_bm25) / 4.0,
            "bigram_bm25": bigram_bm25 / (bigram_bm25.max() if n_b and bigram_bm25.max() else 1.0),
            "char_coverage": share(tf_c),
        }
        return _TextEvidence(columns, text_bm25, best_in_law, len(main))

    def _candidate_columns(
        self,
        plan: QueryPlan,
        cands: list[tuple[int, float]],
        first_stage: Mapping[int, float],
        ids: list[int],
        mass: _RetrievalMass,
        memory: _MemoryEvidence,
        text: _TextEvidence,
    ) -> dict[str, np.ndarray]:
        """The columns computed article by article: retrieval, law mention, memory, law-relative BM25."""
        keys, laws, chapters, nums = (
            self._table.doc_key,
            self._table.doc_law,
            self._table.doc_chapter,
            self._table.doc_num,
        )
        rank_of = {doc_id: i for i, (doc_id, _) in enumerate(cands)}
        n_main = len(cands)
        per_doc = []
        for doc_id in ids:
            key, law, num = keys[doc_id], laws[doc_id], nums[doc_id]
            near = sum(v for n, v in memory.numbers.get(law, ()) if n != num and abs(n - num) <= 3)
            per_doc.append(
                (
                    first_stage[doc_id] / mass.top,
                    1.0 if doc_id in rank_of else 0.0,
                    -math.log1p(rank_of.get(doc_id, n_main)),
                    mass.law.get(law, 0.0) / mass.total,
                    mass.chapter.get(chapters[doc_id], 0.0) / mass.total,
                    1.0 if law in plan.laws_mentioned else 0.0,
                    memory.vote.get(key, 0.0),
                    memory.best.get(key, 0.0),
                    memory.expansion.get(key, 0.0),
                    memory.law.get(law, 0.0) / memory.total,
                    memory.chapter.get(chapters[doc_id], 0.0) / memory.total,
                    near / memory.total,
                    memory.law_assoc.get(law, 0.0),
                    text.best_in_law[law] or 1.0,
                )
            )
        d = np.array(per_doc, dtype=np.float64)
        return {
            "bm25": d[:, 0],
            "in_main": d[:, 1],
            "log_rank": d[:, 2],
            "law_share": d[:, 3],
            "chapter_share": d[:, 4],
            "law_mentioned": d[:, 5],
            "mem_vote": d[:, 6],
            "mem_best": d[:, 7],
            "mem_expansion": d[:, 8],
            "mem_law_share": d[:, 9],
            "mem_chapter_share": d[:, 10],
            "mem_near": d[:, 11],
            "mem_word_law": d[:, 12],
            "law_relative": text.text_bm25 / d[:, 13],
        }

    @staticmethod
    def _dense_columns(dense: DenseStore, query_vector: np.ndarray, ids: list[int]) -> dict[str, np.ndarray]:
        whole, para = (v.astype(np.float64) for v in dense.similarity(query_vector, ids))
        return {
            "dense_cos": whole,
            "dense_relative": whole - whole.max(),
            "dense_paragraph": para,
            "dense_paragraph_relative": para - para.max(),
        }

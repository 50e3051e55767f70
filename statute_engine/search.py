"""Statute search: tantivy BM25 over several fields, colloquial→legal expansion, and reranking.

Pipeline for one question:

1. **Direct citations** — 《劳动合同法》第三十条 in the question puts that article first.
2. **Query understanding** (:mod:`.query_plan`) — jieba search-mode words minus stopwords; the
   colloquial→legal thesaurus (``data/thesaurus.yaml``) adds statutory terms at a lower weight; a law
   named in the question (劳动合同法, 商标法 …) is recognised and favoured.
3. **Retrieval** — one tantivy boolean query: per term, BM25 on the article text, the chapter/section
   titles and the law name; plus CJK bigrams of
   the question on the bigram field. Filters (status, law, department) are exact-match clauses.
4. **Question memory** (optional, learned) — questions answered before (STARD, MIT) vote for the
   articles they cite (kNN) and add their articles to the candidates (:mod:`.memory`).
5. **Sentence similarity** (optional, :mod:`.dense`) — the cosine of the question's and each
   candidate article's E5 embeddings (the whole article and its best paragraph); article vectors are
   precomputed, the question is embedded when asked.
6. **Reranking** (learned) — candidates are rescored by boosted trees (:mod:`.rerank`) over generic
   features (:mod:`.features`): normalised BM25, law- and chapter-level evidence aggregated over the
   candidates, term and bigram coverage and BM25 for every candidate, the article's place in its law,
   law mentioned, document kind, memory votes, and the sentence similarities when loaded. The models ship in
   ``data/rerank_dense.json`` and ``data/rerank.json`` (words only), trained by
   ``training/train_search.py``; the bench reports cross-validated figures.

Without memory and reranker (``memory=False, reranker=False``) the searcher is pure, general
statute retrieval: BM25 order over the weighted fields.

This module orchestrates: :class:`StatuteSearcher` opens the index and the learned parts, retrieves
with tantivy and ranks; the query plan and the features are computed by :mod:`.query_plan` and
:mod:`.features`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tantivy

from . import features as _features
from .corpus import IN_FORCE, ArticleRecord, short_law_name
from .dense import DenseStore, open_dense
from .features import ArticleTable, FeatureBuilder, feature_names
from .index import (
    F_BIGRAM,
    F_CHAPTER,
    F_DEPT,
    F_DOC,
    F_KIND,
    F_LAW,
    F_LAW_NAME,
    F_STATUS,
    F_TEXT,
    OpenIndex,
    ensure_index,
    open_index,
)
from .memory import MemoryScores, QuestionMemory
from .numerals import article_label
from .query_plan import Filters, LawNames, QueryPlan, QueryPlanner, load_thesaurus, normalise
from .rerank import Reranker
from .tokenize import Analyzer, get_analyzer

__all__ = ["Hit", "QueryPlan", "SearchConfig", "StatuteSearcher", "load_thesaurus"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result."""

    law_name: str
    article_no: int  # 1084; for 第十条之一 it is 10 (see ``article_key``)
    article_label: str  # 第一千零八十四条 / 第十条之一
    text: str
    score: float
    law_id: str
    chapter: str | None
    section: str | None
    id: int = 0  # the record id given at index time
    status: str = ""
    law_department: str | None = None
    article_key: str = ""  # "1084" / "10-1"

    @property
    def citation(self) -> str:
        """《民法典》第一千零八十四条 style citation."""
        return f"《{short_law_name(self.law_name)}》{self.article_label}"


@dataclass(frozen=True)
class SearchConfig:
    """Tunable knobs; the defaults are the shipped configuration (see docs/knowledge/search.md)."""

    w_text: float = 1.0
    w_chapter: float = 0.6
    w_law: float = 0.8
    w_bigram: float = 0.35
    expansion_weight: float = 0.5  # weight of thesaurus terms relative to question words
    use_thesaurus: bool = True
    use_bigrams: bool = True
    law_mention_boost: float = 2.0
    candidates: int = 40  # first-stage hits; 60 scored the same (cross-validated) and costs more
    exclude_kinds: tuple[str, ...] = ()
    memory_neighbours: int = 10
    memory_articles: int = 30
    memory_bigram_weight: float = 0.35


class StatuteSearcher:
    """Search statutes in an index built by :func:`statute_engine.index.build_index`.

    Thread-safe: tantivy searchers are shared read-only; per-query state lives on the stack.
    """

    #: the reranker's features (:mod:`.features`); :attr:`MONOTONE` are evidence (never lower a score)
    FEATURES: tuple[str, ...] = _features.FEATURES
    DENSE_FEATURES: tuple[str, ...] = _features.DENSE_FEATURES
    MONOTONE: frozenset[str] = _features.MONOTONE

    default_status: tuple[str, ...] = IN_FORCE

    def __init__(
        self,
        index: OpenIndex | str | Path,
        *,
        config: SearchConfig | None = None,
        analyzer: Analyzer | None = None,
        thesaurus: Mapping[str, Sequence[str]] | None = None,
        memory: QuestionMemory | bool | None = True,
        reranker: Reranker | bool | None = True,
        dense: DenseStore | bool | None = None,
    ) -> None:
        """``memory`` / ``reranker``: an object, ``True`` for the shipped one (``data/``), or
        ``False``/``None`` for none. Without both, ranking is the plain BM25 order.

        ``dense``: the article embeddings (:mod:`.dense`) — ``True`` to load them (the shipped
        vectors, plus a local cache beside the index for articles not among them), a store, or
        ``None``/``False`` for words only. By default they are used when the shipped reranker is,
        and the model can be loaded. With them the shipped reranker is the one trained with the
        dense features (``data/rerank_dense.json``); without that file, words only."""
        self._idx = index if isinstance(index, OpenIndex) else open_index(index)
        self.config = config or SearchConfig()
        self._an = analyzer or get_analyzer()
        self._thesaurus = dict(thesaurus) if thesaurus is not None else load_thesaurus()
        self.dense, self.reranker = self._open_models(dense, reranker)
        self._schema = self._idx.index.schema
        self._searcher = self._idx.index.searcher()
        self._records = self._idx.records
        self._hit_fields: dict[int, tuple[int, str, str]] = {}
        self._df_cache: dict[tuple[str, str], int] = {}
        self._laws = LawNames(r.law_name for r in self._records)
        self._planner = QueryPlanner(self._an, self._thesaurus, self._laws)
        self.memory = self._open_memory(memory)
        self._table = ArticleTable(self._records)
        self._features = FeatureBuilder(self._table, self._doc_freq)

    def _open_models(
        self, dense: DenseStore | bool | None, reranker: Reranker | bool | None
    ) -> tuple[DenseStore | None, Reranker | None]:
        """The article embeddings and the reranker; the shipped reranker is the one trained on the
        features the embeddings make available."""
        if dense is None:
            dense = reranker is True
        if dense is True:
            dense = open_dense(self._idx)
        store: DenseStore | None = dense or None
        if reranker is True:
            reranker = Reranker.load(dense=store is not None)
            if reranker is None and store is not None:
                store = None  # no model trained with the dense features: words only
                reranker = Reranker.load()
        model: Reranker | None = reranker or None
        if model is not None and model.features != feature_names(store is not None):
            raise ValueError(
                "the reranker was trained on other features; retrain it (training/train_search.py)"
            )
        return store, model

    def _open_memory(self, memory: QuestionMemory | bool | None) -> QuestionMemory | None:
        if memory is True:
            items = QuestionMemory.read_items()
            memory = QuestionMemory(items, self._an) if items else None
        return memory or None

    # ------------------------------------------------------------------ construction helpers
    @classmethod
    def from_records(
        cls, records: Iterable[ArticleRecord], path: str | Path, *, rebuild: bool = False, **kwargs: object
    ) -> StatuteSearcher:
        """Build (or reuse) an index at ``path`` from ``records`` and open a searcher on it."""
        return cls(ensure_index(path, records, rebuild=rebuild), **kwargs)  # type: ignore[arg-type]

    @property
    def records(self) -> list[ArticleRecord]:
        return self._records

    @property
    def open_index(self) -> OpenIndex:
        return self._idx

    def warm(self) -> None:
        """Run one query so that every lazy structure is loaded (first real query is then warm)."""
        self.search("老板拖欠工资怎么办", k=3)

    def key_of(self, doc_id: int) -> tuple[str, str]:
        """(law name, article key) of an indexed record."""
        return self._table.doc_key[doc_id]

    @property
    def law_names(self) -> set[str]:
        return self._laws.names

    # ------------------------------------------------------------------ query understanding
    def plan(self, question: str) -> QueryPlan:
        return self._planner.plan(question, self.config)

    def thesaurus_keys(self, text: str) -> list[str]:
        """Thesaurus keys occurring in ``text`` on word boundaries (see :mod:`.query_plan`)."""
        return self._planner.thesaurus_keys(text)

    def laws_mentioned(self, q: str) -> list[str]:
        """Full names of the laws a query names (民法典 → 中华人民共和国民法典), longest names first."""
        return self._laws.mentioned(q)

    def law_only(self, q: str) -> list[str]:
        """The laws a query consists of, when it names laws and nothing else (民法典; 《劳动合同法》)."""
        return self._laws.only(q)

    def resolve_law_filter(self, law: str) -> list[str]:
        """Law names matching a filter value: exact, with the PRC prefix, else names containing it."""
        return self._laws.resolve(law)

    def _doc_freq(self, field_name: str, term: str) -> int:
        df = self._df_cache.get((field_name, term))
        if df is None:
            df = self._searcher.doc_freq(field_name, term)
            if len(self._df_cache) < 200_000:
                self._df_cache[(field_name, term)] = df
        return df

    # ------------------------------------------------------------------ retrieval
    def _term_query(self, field_name: str, value: str, boost: float) -> tantivy.Query:
        q = tantivy.Query.term_query(self._schema, field_name, value, index_option="freq")
        return tantivy.Query.boost_query(q, boost) if boost != 1.0 else q

    def _filters(
        self, law: str | None, department: str | None, status: Sequence[str] | None
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        out: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if status:
            opts = [tantivy.Query.term_query(self._schema, F_STATUS, s) for s in status]
            out.append(
                (tantivy.Occur.Must, tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in opts]))
            )
        if law:
            names = self.resolve_law_filter(law)
            opts = [tantivy.Query.term_query(self._schema, F_LAW_NAME, n) for n in names] or [
                tantivy.Query.empty_query()
            ]
            out.append(
                (tantivy.Occur.Must, tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in opts]))
            )
        if department:
            out.append((tantivy.Occur.Must, tantivy.Query.term_query(self._schema, F_DEPT, department)))
        for kind in self.config.exclude_kinds:
            out.append((tantivy.Occur.MustNot, tantivy.Query.term_query(self._schema, F_KIND, kind)))
        return out

    def _retrieve(
        self, plan: QueryPlan, filters: list[tuple[tantivy.Occur, tantivy.Query]], limit: int
    ) -> list[tuple[int, float]]:
        shoulds = self._should_clauses(plan)
        if not shoulds:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.boolean_query(shoulds)), *filters]
        )
        result = self._searcher.search(query, limit, count=False)
        hits = result.hits
        if not hits:
            return []
        docs = self._searcher.fast_field_values(F_DOC, [addr for _, addr in hits])
        return [(int(d), float(s)) for (s, _), d in zip(hits, docs, strict=True) if d is not None]

    def _should_clauses(self, plan: QueryPlan) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """The scored part of the query: each term on text, chapter and law name, the bigrams, and
        the laws the question names."""
        cfg = self.config
        shoulds: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for term, w in plan.terms.items():
            if cfg.w_text:
                shoulds.append((tantivy.Occur.Should, self._term_query(F_TEXT, term, w * cfg.w_text)))
            if cfg.w_chapter:
                shoulds.append((tantivy.Occur.Should, self._term_query(F_CHAPTER, term, w * cfg.w_chapter)))
            if cfg.w_law:
                shoulds.append((tantivy.Occur.Should, self._term_query(F_LAW, term, w * cfg.w_law)))
        if cfg.w_bigram:
            for bg in plan.bigrams:
                shoulds.append((tantivy.Occur.Should, self._term_query(F_BIGRAM, bg, cfg.w_bigram)))
        if cfg.law_mention_boost and plan.laws_mentioned:
            for name in plan.laws_mentioned:
                q = tantivy.Query.const_score_query(
                    tantivy.Query.term_query(self._schema, F_LAW_NAME, name), cfg.law_mention_boost
                )
                shoulds.append((tantivy.Occur.Should, q))
        return shoulds

    # ------------------------------------------------------------------ reranking
    @property
    def feature_names(self) -> tuple[str, ...]:
        """The columns of :meth:`features`: :attr:`FEATURES`, plus the dense ones when loaded."""
        return feature_names(self.dense is not None)

    def _memory_scores(self, plan: QueryPlan) -> MemoryScores | None:
        if self.memory is None:
            return None
        terms = self.memory.query_terms(plan.terms, plan.bigrams, self.config.memory_bigram_weight)
        return self.memory.scores(
            terms, neighbours=self.config.memory_neighbours, articles=self.config.memory_articles
        )

    def _admissible(self, doc_id: int, filters: Filters) -> bool:
        return self._table.admissible(doc_id, filters, self.config.exclude_kinds)

    def features(
        self,
        plan: QueryPlan,
        cands: list[tuple[int, float]],
        mem: MemoryScores | None = None,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
    ) -> tuple[list[int], np.ndarray]:
        """Candidate doc ids (main retrieval ∪ memory evidence) and their feature matrix (one row per
        candidate, columns in :attr:`feature_names` order; see :mod:`.features`). ``query_vector``:
        the question's embedding for the dense features; by default the plan's (waited for only now,
        after the words')."""
        return self._features.build(
            plan,
            cands,
            mem,
            filters or Filters(),
            exclude_kinds=self.config.exclude_kinds,
            dense=self.dense,
            query_vector=query_vector,
        )

    def _rank(
        self, plan: QueryPlan, cands: list[tuple[int, float]], filters: Filters
    ) -> list[tuple[int, float]]:
        if self.reranker is None:
            return cands
        mem = self._memory_scores(plan)
        ids, rows = self.features(plan, cands, mem, filters)
        if not ids:
            return []
        scores = self.reranker.score(rows)
        order = self.order(rows, scores)
        return [(ids[i], float(scores[i])) for i in order]

    def order(self, x: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Candidate positions, best first. Amendment items (刑法修正案（八）条目二十二 …) repeat what the
        amended law's article now says: they follow the articles, which are what people cite."""
        return np.lexsort((-scores, x[:, self.FEATURES.index("is_amendment")]))

    def candidate_features(
        self,
        q: str,
        *,
        law: str | None = None,
        department: str | None = None,
        status: Sequence[str] | None = IN_FORCE,
    ) -> tuple[list[int], np.ndarray]:
        """Candidates (doc ids) of a question and their reranker features (used for training)."""
        plan, cands = self.candidates(q, law=law, department=department, status=status)
        mem = self._memory_scores(plan)
        return self.features(plan, cands, mem, self._filter_spec(law, department, status))

    # ------------------------------------------------------------------ public API
    def _embed(self, q: str) -> Future[np.ndarray] | None:
        """Start embedding the question on the other core, when the reranker will need it."""
        if self.dense is None or self.reranker is None:
            return None
        return self.dense.query_async(normalise(q))

    def candidates(
        self,
        q: str,
        *,
        law: str | None = None,
        department: str | None = None,
        status: Sequence[str] | None = IN_FORCE,
        limit: int | None = None,
        vector: Future[np.ndarray] | None = None,
    ) -> tuple[QueryPlan, list[tuple[int, float]]]:
        """First-stage retrieval: the query plan and (doc id, BM25 score) candidates. ``vector``: the
        question's embedding if :meth:`_embed` already started it."""
        plan = self.plan(q)
        plan.vector = vector or self._embed(q)
        cands = self._retrieve(plan, self._filters(law, department, status), limit or self.config.candidates)
        return plan, cands

    def search(
        self,
        q: str,
        k: int = 10,
        law: str | None = None,
        department: str | None = None,
        status: Sequence[str] | None = IN_FORCE,
    ) -> list[Hit]:
        """Top ``k`` articles for a keyword query or a colloquial question.

        ``law`` filters by law (full or short name, e.g. 民法典), ``department`` by 法律部门
        (e.g. 民法商法), ``status`` by validity (default: in force — 现行有效 and 已被修改; ``None``
        for every version).
        """
        if not q or not q.strip():
            return []
        vector = self._embed(q)  # first: the longest part of a search (wasted on a law-only query)
        named = self.law_only(q)
        if named:  # 民法典, 《劳动合同法》: the law's first articles (its purpose, scope, principles)
            return self._law_opening(named, k, self._filter_spec(law, department, status))
        plan, cands = self.candidates(q, law=law, department=department, status=status, vector=vector)
        direct = self._direct(q, status)  # before the reranker, which may wait for the embedding
        ranked = self._rank(plan, cands, self._filter_spec(law, department, status))
        return self._merge(direct, ranked, k)

    def _law_opening(self, named: list[str], k: int, filters: Filters) -> list[Hit]:
        """The first ``k`` articles of the laws a query names (and nothing else)."""
        docs = [
            d for name in named for d in self._table.law_docs.get(name, ()) if self._admissible(d, filters)
        ]
        return [self._hit(d, 1.0) for d in docs[:k]]

    def _merge(self, direct: list[int], ranked: list[tuple[int, float]], k: int) -> list[Hit]:
        """The articles cited in the question first, then the ranked ones, each once, at most ``k``."""
        seen = set(direct)
        out = [self._hit(d, 1000.0) for d in direct]
        for doc_id, s in ranked:
            if len(out) >= k:
                break
            if doc_id in seen:
                continue
            seen.add(doc_id)
            out.append(self._hit(doc_id, s))
        return out[:k]

    def _filter_spec(self, law: str | None, department: str | None, status: Sequence[str] | None) -> Filters:
        return Filters(
            status=frozenset(status) if status else None,
            laws=frozenset(self.resolve_law_filter(law)) if law else None,
            department=department,
        )

    def _direct(self, q: str, status: Sequence[str] | None) -> list[int]:
        from .citations import extract_citations

        if "第" not in q or "条" not in q:
            return []
        out: list[int] = []
        for cit in extract_citations(q, self.law_names):
            if cit.law_name is None or cit.article is None:
                continue
            for doc_id in self._table.key_to_doc.get((cit.law_name, cit.article.key), []):
                if status is None or self._records[doc_id].status in status:
                    out.append(doc_id)
        return out

    def _article_fields(self, doc_id: int) -> tuple[int, str, str]:
        """An article's number, label and key (parsed once per article, then remembered)."""
        fields = self._hit_fields.get(doc_id)
        if fields is None:
            r = self._records[doc_id]
            art = r.article
            fields = (
                art.number if art else (r.article_no_arabic or 0),
                art.label if art and r.article_no.startswith("第") else r.article_no,
                art.key if art else "",
            )
            self._hit_fields[doc_id] = fields
        return fields

    def _hit(self, doc_id: int, score: float) -> Hit:
        r = self._records[doc_id]
        number, label, key = self._article_fields(doc_id)
        return Hit(
            law_name=r.law_name,
            article_no=number,
            article_label=label,
            text=r.text,
            score=round(score, 4),
            law_id=r.law_id,
            chapter=r.chapter,
            section=r.section,
            id=r.id,
            status=r.status,
            law_department=r.law_department,
            article_key=key,
        )

    def article_label_for(self, number: int, sub: int = 0) -> str:
        return article_label(number, sub)

"""Statute search: tantivy BM25 over several fields, colloquial→legal expansion, and reranking.

Pipeline for one question:

1. **Direct citations** — 《劳动合同法》第三十条 in the question puts that article first.
2. **Query understanding** — jieba search-mode words minus stopwords; the colloquial→legal thesaurus
   (``data/thesaurus.yaml``) adds statutory terms at a lower weight; a law named in the question
   (劳动合同法, 商标法 …) is recognised and favoured.
3. **Retrieval** — one tantivy boolean query: per term, BM25 on the article text, the chapter/section
   titles and the law name; plus CJK bigrams of
   the question on the bigram field. Filters (status, law, department) are exact-match clauses.
4. **Question memory** (optional, learned) — questions answered before (STARD, MIT) vote for the
   articles they cite (kNN) and add their articles to the candidates (:mod:`.memory`).
5. **Sentence similarity** (optional, :mod:`.dense`) — the cosine of the question's and each
   candidate article's E5 embeddings (the whole article and its best paragraph); article vectors are
   precomputed, the question is embedded when asked.
6. **Reranking** (learned) — candidates are rescored by boosted trees (:mod:`.rerank`) over generic
   features: normalised BM25, law- and chapter-level evidence aggregated over the candidates, term
   and bigram coverage and BM25 for every candidate, the article's place in its law, law mentioned,
   document kind, memory votes, and the sentence similarities when loaded. The models ship in
   ``data/rerank_dense.json`` and ``data/rerank.json`` (words only), trained by
   ``training/train_search.py``; the bench reports cross-validated figures.

Without memory and reranker (``memory=False, reranker=False``) the searcher is pure, general
statute retrieval: BM25 order over the weighted fields.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import tantivy
import yaml

from .corpus import IN_FORCE, PRC_PREFIX, ArticleRecord, short_law_name
from .dense import DenseStore, open_dense
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
from .rerank import Reranker
from .tokenize import Analyzer, get_analyzer

__all__ = ["Hit", "SearchConfig", "StatuteSearcher", "load_thesaurus"]


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


_QUERY_NORMALISE = str.maketrans(
    {"（": "(", "）": ")", "，": ",", "？": "?", "！": "!", "：": ":", "；": ";"}
)
_SPACE_RE = re.compile(r"\s+")
_CORE_RE = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]")

_BM25_K1 = 1.2
_BM25_B = 0.75
# characters too common to say anything when a question's characters are looked for in an article
_FUNCTION_CHARS = frozenset("的了是我在有和与或及吗呢吧啊么什怎如何为被把对就都而也要会能可以该这那个一不人")
_GENERAL_CHAPTER = re.compile(r"总则|附则")
_STATIC_FEATURES = (
    "is_amendment",
    "short_text",
    "log_length",
    "article_position",
    "chapter_first",
    "general_chapter",
)


def _normalise(q: str) -> str:
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", q).translate(_QUERY_NORMALISE)).strip()


def load_thesaurus(path: str | Path | None = None) -> dict[str, list[str]]:
    """The colloquial→legal thesaurus (key → statutory terms)."""
    if path is None:
        raw = resources.files(__package__).joinpath("data", "thesaurus.yaml").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(raw) or {}
    return {str(k).lower(): [str(v) for v in vals] for k, vals in data.items() if vals}


@dataclass
class QueryPlan:
    """The understood question: weighted terms, bigrams, recognised law names."""

    text: str
    terms: dict[str, float] = field(default_factory=dict)
    bigrams: list[str] = field(default_factory=list)
    laws_mentioned: set[str] = field(default_factory=set)
    core: str = ""
    #: the question's embedding, being computed on another core while the words are looked up
    vector: Future[np.ndarray] | None = None


@dataclass(frozen=True)
class _Filters:
    status: frozenset[str] | None = None
    laws: frozenset[str] | None = None
    department: str | None = None


class StatuteSearcher:
    """Search statutes in an index built by :func:`statute_engine.index.build_index`.

    Thread-safe: tantivy searchers are shared read-only; per-query state lives on the stack.
    """

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
        if dense is None:
            dense = reranker is True
        if dense is True:
            dense = open_dense(self._idx)
        self.dense: DenseStore | None = dense or None
        if reranker is True:
            reranker = Reranker.load(dense=self.dense is not None)
            if reranker is None and self.dense is not None:
                self.dense = None  # no model trained with the dense features: words only
                reranker = Reranker.load()
        self.reranker: Reranker | None = reranker or None
        if self.reranker is not None and self.reranker.features != self.feature_names:
            raise ValueError(
                "the reranker was trained on other features; retrain it (training/train_search.py)"
            )
        self._schema = self._idx.index.schema
        self._searcher = self._idx.index.searcher()
        self._records = self._idx.records
        self._hit_fields: dict[int, tuple[int, str, str]] = {}
        self._n_docs = max(1, len(self._records))
        self._df_cache: dict[tuple[str, str], int] = {}
        # Law names: full, short (without 中华人民共和国), for mention detection.
        names = sorted({r.law_name for r in self._records})
        self._law_names = set(names)
        self._sorted_law_names = tuple(names)
        mention: dict[str, str] = {}
        for name in names:
            short = short_law_name(name)
            if len(short) >= 3 and not name.startswith("全国人民代表大会"):
                mention.setdefault(short, name)
        self._mentions = sorted(mention.items(), key=lambda kv: -len(kv[0]))
        self._short_names = {short_law_name(n): n for n in names if not n.startswith("全国人民代表大会")}
        if memory is True:
            items = QuestionMemory.read_items()
            memory = QuestionMemory(items, self._an) if items else None
        self.memory: QuestionMemory | None = memory or None
        self._key_to_doc: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._doc_key: list[tuple[str, str]] = []
        self._doc_law: list[str] = []
        self._doc_chapter: list[str] = []
        self._doc_num: list[int] = []
        for doc_id, r in enumerate(self._records):
            art = r.article
            key = (r.law_name, art.key if art else r.article_no)
            self._doc_key.append(key)
            self._doc_law.append(r.law_name)
            self._doc_chapter.append(f"{r.law_name}|{r.chapter or ''}")
            self._doc_num.append(art.number if art else -1000)
            if art is not None:
                self._key_to_doc[key].append(doc_id)
        self._avg_len = sum(len(r.text) for r in self._records) / self._n_docs
        #: each law's articles in article order (for a query that only names a law)
        self._law_docs: dict[str, list[int]] = defaultdict(list)
        for doc_id in sorted(
            range(len(self._records)), key=lambda d: (self._doc_num[d] < 0, self._doc_num[d], d)
        ):
            if self._doc_num[doc_id] > 0:
                self._law_docs[self._doc_law[doc_id]].append(doc_id)
        #: last article number of each law and first article number of each chapter
        self._law_last: dict[str, int] = defaultdict(int)
        self._chapter_first: dict[str, int] = {}
        for doc_id, num in enumerate(self._doc_num):
            if num > 0:
                law, chapter = self._doc_law[doc_id], self._doc_chapter[doc_id]
                self._law_last[law] = max(self._law_last[law], num)
                if num < self._chapter_first.get(chapter, 1 << 30):
                    self._chapter_first[chapter] = num
        self._static = self._static_features()

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

    default_status: tuple[str, ...] = IN_FORCE

    def warm(self) -> None:
        """Run one query so that every lazy structure is loaded (first real query is then warm)."""
        self.search("老板拖欠工资怎么办", k=3)

    def key_of(self, doc_id: int) -> tuple[str, str]:
        """(law name, article key) of an indexed record."""
        return self._doc_key[doc_id]

    @property
    def law_names(self) -> set[str]:
        return self._law_names

    # ------------------------------------------------------------------ query understanding
    def plan(self, question: str) -> QueryPlan:
        text = _normalise(question)
        low = text.lower()
        plan = QueryPlan(text=text, core=_CORE_RE.sub("", low))
        for tok in self._an.query_words(low):
            plan.terms[tok] = plan.terms.get(tok, 0.0) + 1.0
        if self.config.use_thesaurus:
            ew = self.config.expansion_weight
            for key in self.thesaurus_keys(low):
                for v in self._thesaurus[key]:
                    for tok in self._an.words(v.lower()):
                        if tok not in plan.terms:
                            plan.terms[tok] = ew
        if self.config.use_bigrams:
            seen: set[str] = set()
            for bg in self._an.bigrams(low):
                if len(bg) == 2 and bg not in seen:
                    seen.add(bg)
                    plan.bigrams.append(bg)
        plan.laws_mentioned.update(self._short_mentions(text))
        return plan

    def _short_mentions(self, text: str) -> list[str]:
        """Full names of the laws whose short name (three characters or more) occurs in ``text``,
        longest first; a name inside a longer one found (劳动法 in 劳动合同法) does not count."""
        found: list[str] = []
        for short, full in self._mentions:
            if short in text and not any(short in other for other in found):
                found.append(full)
        return found

    def _doc_freq(self, field_name: str, term: str) -> int:
        df = self._df_cache.get((field_name, term))
        if df is None:
            df = self._searcher.doc_freq(field_name, term)
            if len(self._df_cache) < 200_000:
                self._df_cache[(field_name, term)] = df
        return df

    def thesaurus_keys(self, text: str) -> list[str]:
        """Thesaurus keys occurring in ``text`` on word boundaries (jieba's precise segmentation):
        公司 matches in 公司拖欠工资 but not inside 保险公司. A word that splits entirely into keys
        (拖欠工资 = 拖欠 + 工资) contributes those keys."""
        found: list[str] = []
        seen: set[str] = set()
        tokens = self._an.precise_tokens(text)
        for tok in tokens:
            parts = [tok] if tok in self._thesaurus else self._split_into_keys(tok)
            for key in parts:
                if key not in seen:
                    seen.add(key)
                    found.append(key)
        # Multi-word keys (没签合同, 七天无理由): aligned on token boundaries.
        return found + [k for k in self._phrase_keys(text, tokens) if k not in seen]

    def _split_into_keys(self, tok: str) -> list[str]:
        """Keys covering a word, allowing single leftover characters: 拖欠工资 → 拖欠 + 工资,
        邻居家 → 邻居 (+ 家); but 电力公司 → nothing (电力 is not a key)."""
        n = len(tok)
        if n < 3:
            return []
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            current = best[i]
            if current is None:
                continue
            if best[i + 1] is None:
                best[i + 1] = current  # skip one character
            for j in range(i + 2, min(n, i + 6) + 1):
                piece = tok[i:j]
                if piece in self._thesaurus:
                    cand = [*current, piece]
                    prev = best[j]
                    if prev is None or len("".join(cand)) > len("".join(prev)):
                        best[j] = cand
        keys = best[n] or []
        covered = sum(len(k) for k in keys)
        return keys if keys and n - covered <= max(1, len(keys) - 1) else []

    def _phrase_keys(self, text: str, tokens: Sequence[str]) -> list[str]:
        starts: set[int] = set()
        ends: set[int] = set()
        pos = 0
        for tok in tokens:
            starts.add(pos)
            pos += len(tok)
            ends.add(pos)
        out: list[str] = []
        present = set(text)
        for key in self._thesaurus:
            if key[0] not in present:
                continue
            i = text.find(key)
            while i != -1:
                if i in starts and i + len(key) in ends:
                    out.append(key)
                    break
                i = text.find(key, i + 1)
        return out

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

    def resolve_law_filter(self, law: str) -> list[str]:
        """Law names matching a filter value: exact, with the PRC prefix, else names containing it."""
        name = law.strip().strip("《》")
        if name in self._law_names:
            return [name]
        if PRC_PREFIX + name in self._law_names:
            return [PRC_PREFIX + name]
        return sorted(n for n in self._law_names if name and name in n)

    def _retrieve(
        self, plan: QueryPlan, filters: list[tuple[tantivy.Occur, tantivy.Query]], limit: int
    ) -> list[tuple[int, float]]:
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

    # ------------------------------------------------------------------ reranking
    #: every feature of :meth:`features`, and whether it is evidence: more of it may never lower an
    #: article's score (a monotone constraint of the reranker; more text or memory evidence always counts
    #: for an article)
    _FEATURE_SPEC: tuple[tuple[str, bool], ...] = (
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
    _DENSE_SPEC: tuple[tuple[str, bool], ...] = (
        ("dense_cos", True),
        ("dense_relative", True),
        ("dense_paragraph", True),
        ("dense_paragraph_relative", True),
    )
    FEATURES: tuple[str, ...] = tuple(name for name, _ in _FEATURE_SPEC)
    DENSE_FEATURES: tuple[str, ...] = tuple(name for name, _ in _DENSE_SPEC)
    MONOTONE: frozenset[str] = frozenset(name for name, up in _FEATURE_SPEC + _DENSE_SPEC if up)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The columns of :meth:`features`: :attr:`FEATURES`, plus the dense ones when loaded."""
        return self.FEATURES + self.DENSE_FEATURES if self.dense is not None else self.FEATURES

    def _query_vector(self, plan: QueryPlan) -> np.ndarray:
        assert self.dense is not None
        return plan.vector.result() if plan.vector is not None else self.dense.query(plan.text)

    def _memory_scores(self, plan: QueryPlan) -> MemoryScores | None:
        if self.memory is None:
            return None
        terms = self.memory.query_terms(plan.terms, plan.bigrams, self.config.memory_bigram_weight)
        return self.memory.scores(
            terms, neighbours=self.config.memory_neighbours, articles=self.config.memory_articles
        )

    def _idf(self, terms: Iterable[str], field_name: str = F_TEXT) -> dict[str, float]:
        n = self._n_docs
        out: dict[str, float] = {}
        for t in terms:
            df = self._doc_freq(field_name, t)
            out[t] = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) if df else 0.0
        return out

    def _admissible(self, doc_id: int, filters: _Filters) -> bool:
        r = self._records[doc_id]
        if filters.status is not None and r.status not in filters.status:
            return False
        if filters.laws is not None and r.law_name not in filters.laws:
            return False
        if filters.department is not None and r.law_department != filters.department:
            return False
        return r.kind not in self.config.exclude_kinds

    def features(
        self,
        plan: QueryPlan,
        cands: list[tuple[int, float]],
        mem: MemoryScores | None = None,
        filters: _Filters | None = None,
        query_vector: np.ndarray | None = None,
    ) -> tuple[list[int], np.ndarray]:
        """Candidate doc ids (main retrieval ∪ memory evidence) and their feature matrix (one row per
        candidate, columns in :attr:`feature_names` order). ``query_vector``: the question's embedding
        for the dense features; by default the plan's (waited for only now, after the words')."""
        flt = filters or _Filters()
        docs: dict[int, float] = {}
        for doc_id, s in cands:
            docs[doc_id] = s
        rank_of = {doc_id: i for i, (doc_id, _) in enumerate(cands)}
        if mem is not None:
            for key in sorted(mem.articles()):
                for doc_id in self._key_to_doc.get(key, ()):
                    if self._admissible(doc_id, flt):
                        docs.setdefault(doc_id, 0.0)
        if not docs:
            return [], np.zeros((0, len(self.feature_names)))
        ids = list(docs)
        keys, laws, chapters, nums = self._doc_key, self._doc_law, self._doc_chapter, self._doc_num
        top = cands[0][1] if cands and cands[0][1] > 0 else 1.0
        law_mass: dict[str, float] = defaultdict(float)
        chap_mass: dict[str, float] = defaultdict(float)
        for doc_id, s in cands:
            e = math.exp(3.0 * (s / top - 1.0))
            law_mass[laws[doc_id]] += e
            chap_mass[chapters[doc_id]] += e
        total_mass = sum(law_mass.values()) or 1.0
        mem_law: dict[str, float] = defaultdict(float)
        mem_chap: dict[str, float] = defaultdict(float)
        mem_num: dict[str, list[tuple[int, float]]] = defaultdict(list)
        vote: Mapping[tuple[str, str], float] = {}
        best: Mapping[tuple[str, str], float] = {}
        expansion: Mapping[tuple[str, str], float] = {}
        law_assoc: Mapping[str, float] = {}
        if mem is not None:
            vote, best, expansion, law_assoc = mem.vote, mem.best, mem.expansion, mem.law_assoc
            for key, v in vote.items():
                mem_law[key[0]] += v
                first = self._key_to_doc.get(key)
                if first:
                    mem_chap[chapters[first[0]]] += v
                    mem_num[key[0]].append((nums[first[0]], v))
        mem_total = sum(mem_law.values()) or 1.0

        # Occurrences of every question word, bigram and character in every candidate's text: one
        # str.count per pair; coverage and BM25 features are array operations on these counts.
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
        idf_w = np.array(list(self._idf(words).values()))
        idf_b = np.array(list(self._idf(bigrams, F_BIGRAM).values()))
        length = np.array([len(t) for t in texts], dtype=np.float64)
        norm = (_BM25_K1 * (1.0 - _BM25_B + _BM25_B * length / self._avg_len))[:, None]
        text_bm25 = (tf_w * (_BM25_K1 + 1.0) / (tf_w + norm)) @ (weight * idf_w)
        bigram_bm25 = (tf_b * (_BM25_K1 + 1.0) / (tf_b + norm)) @ idf_b
        main = [j for j, t in enumerate(words) if weight[j] >= 1.0 and len(t) >= 2]
        extra = [j for j, t in enumerate(words) if weight[j] < 1.0 and len(t) >= 2]
        own = [j for j in range(n_w) if weight[j] >= 1.0]
        idf_own = idf_w[own].sum() or 1.0
        best_in_law: dict[str, float] = defaultdict(float)
        for doc_id, v in zip(ids, text_bm25.tolist(), strict=True):
            best_in_law[laws[doc_id]] = max(best_in_law[laws[doc_id]], v)

        def share(tf: np.ndarray) -> np.ndarray:
            return (tf > 0).mean(axis=1) if tf.shape[1] else np.zeros(len(ids))

        n_main = len(cands)
        per_doc = []
        for doc_id in ids:
            key, law, num = keys[doc_id], laws[doc_id], nums[doc_id]
            near = sum(v for n, v in mem_num.get(law, ()) if n != num and abs(n - num) <= 3)
            per_doc.append(
                (
                    docs[doc_id] / top,
                    1.0 if doc_id in rank_of else 0.0,
                    -math.log1p(rank_of.get(doc_id, n_main)),
                    law_mass.get(law, 0.0) / total_mass,
                    chap_mass.get(chapters[doc_id], 0.0) / total_mass,
                    1.0 if law in plan.laws_mentioned else 0.0,
                    vote.get(key, 0.0),
                    best.get(key, 0.0),
                    expansion.get(key, 0.0),
                    mem_law.get(law, 0.0) / mem_total,
                    mem_chap.get(chapters[doc_id], 0.0) / mem_total,
                    near / mem_total,
                    law_assoc.get(law, 0.0),
                    best_in_law[law] or 1.0,
                )
            )
        d = np.array(per_doc, dtype=np.float64)
        static = self._static[ids]
        ones = np.ones(len(ids))
        cols: dict[str, np.ndarray] = {
            "bm25": d[:, 0],
            "in_main": d[:, 1],
            "log_rank": d[:, 2],
            "law_share": d[:, 3],
            "chapter_share": d[:, 4],
            "coverage": share(tf_w[:, main]),
            "exp_coverage": share(tf_w[:, extra]),
            "law_mentioned": d[:, 5],
            "mem_vote": d[:, 6],
            "mem_best": d[:, 7],
            "mem_expansion": d[:, 8],
            "mem_law_share": d[:, 9],
            "mem_chapter_share": d[:, 10],
            "mem_near": d[:, 11],
            "idf_coverage": (tf_w[:, own] > 0) @ idf_w[own] / idf_own,
            "bigram_coverage": share(tf_b),
            "mem_word_law": d[:, 12],
            "text_bm25": text_bm25 / (text_bm25.max() or 1.0),
            "text_bm25_log": np.log1p(text_bm25) / 4.0,
            "bigram_bm25": bigram_bm25 / (bigram_bm25.max() if n_b and bigram_bm25.max() else 1.0),
            "law_relative": text_bm25 / d[:, 13],
            "char_coverage": share(tf_c),
            **{name: static[:, j] for j, name in enumerate(_STATIC_FEATURES)},
            "mem_nearest": ones * (math.log1p(mem.nearest) / 4.0 if mem is not None else 0.0),
            "query_words": ones * (math.log1p(len(main)) / 3.0),
        }
        if self.dense is not None:
            if query_vector is None:
                query_vector = self._query_vector(plan)
            whole, para = (v.astype(np.float64) for v in self.dense.similarity(query_vector, ids))
            cols["dense_cos"] = whole
            cols["dense_relative"] = whole - whole.max()
            cols["dense_paragraph"] = para
            cols["dense_paragraph_relative"] = para - para.max()
        return ids, np.column_stack([cols[name] for name in self.feature_names])

    def _static_features(self) -> np.ndarray:
        """Per-article features that do not depend on the question (:data:`_STATIC_FEATURES`)."""
        rows = []
        for doc_id, r in enumerate(self._records):
            num, chapter = self._doc_num[doc_id], self._doc_chapter[doc_id]
            rows.append(
                [
                    1.0 if r.kind in ("修正案", "修改决定") else 0.0,
                    1.0 if len(r.text) < 40 else 0.0,
                    math.log1p(len(r.text)) / 7.0,
                    num / self._law_last.get(r.law_name, 1) if num > 0 else 0.0,
                    1.0 if num > 0 and self._chapter_first.get(chapter) == num else 0.0,
                    1.0 if _GENERAL_CHAPTER.search(r.chapter or "") else 0.0,
                ]
            )
        return np.array(rows, dtype=np.float64).reshape(len(self._records), len(_STATIC_FEATURES))

    def _rank(
        self, plan: QueryPlan, cands: list[tuple[int, float]], filters: _Filters
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
        return self.dense.query_async(_normalise(q))

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
            flt = self._filter_spec(law, department, status)
            docs = [d for name in named for d in self._law_docs.get(name, ()) if self._admissible(d, flt)]
            return [self._hit(d, 1.0) for d in docs[:k]]
        plan, cands = self.candidates(q, law=law, department=department, status=status, vector=vector)
        direct = self._direct(q, status)  # before the reranker, which may wait for the embedding
        ranked = self._rank(plan, cands, self._filter_spec(law, department, status))
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

    def laws_mentioned(self, q: str) -> list[str]:
        """Full names of the laws a query names (民法典 → 中华人民共和国民法典), longest names first."""
        text = _normalise(q)
        found = self._short_mentions(text)
        for full in self._sorted_law_names:  # in a fixed order: the result is shown
            if full in text and full not in found:
                found.append(full)
        return found

    def law_only(self, q: str) -> list[str]:
        """The laws a query consists of, when it names laws and nothing else (民法典; 《劳动合同法》)."""
        core = _CORE_RE.sub("", _normalise(q))
        if core in self._short_names:  # also two-character names: 刑法, 宪法
            return [self._short_names[core]]
        named = self.laws_mentioned(q)
        if not named:
            return []
        rest = _normalise(q)
        for name in sorted(
            {n for full in named for n in (full, short_law_name(full))}, key=len, reverse=True
        ):
            rest = rest.replace(name, "")
        return [] if _CORE_RE.sub("", rest) else named

    def _filter_spec(self, law: str | None, department: str | None, status: Sequence[str] | None) -> _Filters:
        return _Filters(
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
            for doc_id in self._key_to_doc.get((cit.law_name, cit.article.key), []):
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

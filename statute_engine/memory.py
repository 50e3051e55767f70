"""Question memory: answered questions (question text → the articles a lawyer cited) as evidence.

Two signals come out of it, both computed with tantivy BM25 over small in-memory indexes:

* **kNN vote** — the memory questions most similar to the new question vote for their cited
  articles, weighted by similarity (FAQ-style retrieval);
* **document expansion** — each article's memory questions concatenated into one pseudo-document
  ("what people ask when this article is the answer"), scored against the question.

The shipped memory (``data/question_memory.jsonl``) holds the STARD questions (MIT, see
``data/STARD-LICENSE.txt``). Evaluations must never score a question with a memory that contains
it: the benchmark builds one memory per cross-validation fold from the other folds only.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import tantivy

from .tokenize import Analyzer, get_analyzer

__all__ = ["MemoryItem", "MemoryScores", "QuestionMemory"]

ArticleKey = tuple[str, str]

_WS = "ws"


@dataclass(frozen=True)
class MemoryItem:
    question: str
    gold: tuple[ArticleKey, ...]


@dataclass
class MemoryScores:
    """Evidence for each article: kNN vote (sum of normalised similarities), best neighbour
    similarity, and expansion-document BM25 (normalised by the best one)."""

    vote: dict[ArticleKey, float]
    best: dict[ArticleKey, float]
    expansion: dict[ArticleKey, float]
    #: P(law | question words) from every remembered question sharing a word (not just neighbours)
    law_assoc: dict[str, float] = field(default_factory=dict)
    #: raw BM25 similarity of the nearest remembered question (how close the memory comes at all)
    nearest: float = 0.0

    def articles(self) -> set[ArticleKey]:
        return set(self.vote) | set(self.expansion)


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("t", stored=False, tokenizer_name=_WS, index_option="freq")
    sb.add_unsigned_field("i", stored=True, indexed=False, fast=True)
    return sb.build()


class _SmallIndex:
    def __init__(self, docs: Sequence[list[str]]) -> None:
        self.index = tantivy.Index(_schema())
        self.index.register_tokenizer(
            _WS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        writer = self.index.writer(heap_size=50_000_000, num_threads=1)
        for i, toks in enumerate(docs):
            doc = tantivy.Document()
            doc.add_text("t", " ".join(toks))
            doc.add_unsigned("i", i)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema

    def search(self, terms: Mapping[str, float], limit: int) -> list[tuple[int, float]]:
        if not terms or self.searcher.num_docs == 0:
            return []
        subs = [
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(
                    tantivy.Query.term_query(self.schema, "t", t, index_option="freq"), w
                ),
            )
            for t, w in terms.items()
        ]
        hits = self.searcher.search(tantivy.Query.boolean_query(subs), limit, count=False).hits
        if not hits:
            return []
        ids = self.searcher.fast_field_values("i", [a for _, a in hits])
        return [(int(i), float(s)) for (s, _), i in zip(hits, ids, strict=True) if i is not None]


class QuestionMemory:
    """BM25 over remembered questions and over per-article question pseudo-documents."""

    def __init__(self, items: Iterable[MemoryItem], analyzer: Analyzer | None = None) -> None:
        self._an = analyzer or get_analyzer()
        self.items = [it for it in items if it.gold]
        self._q_index = _SmallIndex([self._tokens(it.question) for it in self.items])
        by_article: dict[ArticleKey, list[str]] = defaultdict(list)
        for it in self.items:
            toks = self._tokens(it.question)
            for key in it.gold:
                by_article[key].extend(toks)
        self._article_keys = list(by_article)
        #: how many remembered questions cite each article
        self.popularity: dict[ArticleKey, int] = defaultdict(int)
        for it in self.items:
            for key in it.gold:
                self.popularity[key] += 1
        self._a_index = _SmallIndex([by_article[k] for k in self._article_keys])
        # word → law association: which laws answer the questions that use a word
        self._word_df: dict[str, int] = defaultdict(int)
        self._word_law: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for it in self.items:
            laws = {key[0] for key in it.gold}
            for w in dict.fromkeys(self._an.query_words(it.question)):
                self._word_df[w] += 1
                for law in laws:
                    self._word_law[w][law] += 1.0 / len(laws)

    def law_association(self, words: Iterable[str]) -> dict[str, float]:
        """P(law | words): each word's law distribution over the remembered questions using it,
        averaged with IDF weights; words seen fewer than twice are ignored."""
        acc: dict[str, float] = defaultdict(float)
        total = 0.0
        n = len(self.items) or 1
        for w in dict.fromkeys(words):  # distinct, in order: floating-point sums are reproducible
            df = self._word_df.get(w, 0)
            if df < 2:
                continue
            weight = math.log(1.0 + n / df)
            for law, c in self._word_law[w].items():
                acc[law] += weight * c / df
            total += weight
        return {law: v / total for law, v in acc.items()} if total else {}

    def _tokens(self, text: str) -> list[str]:
        """Words plus CJK bigrams (prefixed with ``~``) of a question."""
        return self._an.query_words(text) + ["~" + b for b in self._an.bigrams(text.lower()) if len(b) == 2]

    def query_terms(
        self, terms: Mapping[str, float], bigrams: Iterable[str], bigram_weight: float
    ) -> dict[str, float]:
        out = dict(terms)
        for b in bigrams:
            out["~" + b] = bigram_weight
        return out

    def __len__(self) -> int:
        return len(self.items)

    def scores(self, terms: Mapping[str, float], neighbours: int = 10, articles: int = 30) -> MemoryScores:
        vote: dict[ArticleKey, float] = defaultdict(float)
        best: dict[ArticleKey, float] = defaultdict(float)
        hits = self._q_index.search(terms, neighbours)
        if hits:
            top = hits[0][1] or 1.0
            for i, s in hits:
                sim = s / top
                golds = self.items[i].gold
                for key in golds:
                    vote[key] += sim / len(golds) ** 0.5
                    best[key] = max(best[key], sim)
        expansion: dict[ArticleKey, float] = {}
        ahits = self._a_index.search(terms, articles)
        if ahits:
            top = ahits[0][1] or 1.0
            expansion = {self._article_keys[i]: s / top for i, s in ahits}
        words = [t for t, w in terms.items() if not t.startswith("~") and w >= 1.0]
        return MemoryScores(
            vote=dict(vote),
            best=dict(best),
            expansion=expansion,
            law_assoc=self.law_association(words),
            nearest=hits[0][1] if hits else 0.0,
        )

    # ------------------------------------------------------------------ persistence
    @staticmethod
    def read_items(path: str | Path | None = None) -> list[MemoryItem]:
        if path is None:
            res = resources.files(__package__).joinpath("data", "question_memory.jsonl")
            if not res.is_file():
                return []
            lines = res.read_text(encoding="utf-8").splitlines()
        else:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        out: list[MemoryItem] = []
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            out.append(MemoryItem(row["q"], tuple((str(a), str(b)) for a, b in row["gold"])))
        return out

    @staticmethod
    def write_items(items: Iterable[MemoryItem], path: str | Path) -> None:
        with Path(path).open("w", encoding="utf-8") as fh:
            for it in items:
                fh.write(
                    json.dumps({"q": it.question, "gold": [list(k) for k in it.gold]}, ensure_ascii=False)
                )
                fh.write("\n")

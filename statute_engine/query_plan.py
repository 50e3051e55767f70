"""Query understanding: what a question asks for, before any article is looked at.

* the question normalised (NFKC, half-width punctuation, single spaces) and its core characters;
* its words (jieba search mode, stopwords removed) at weight 1, plus the statutory terms of the
  colloquial→legal thesaurus (``data/thesaurus.yaml``) at a lower weight — keys match on word
  boundaries, so 公司 fires in 公司拖欠工资 but not inside 保险公司;
* its CJK bigrams;
* the laws it names (劳动合同法, 《民法典》 …): favoured in retrieval, listed by a query that names
  nothing else, and resolved for the law filter (:class:`LawNames`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from .corpus import PRC_PREFIX, short_law_name
from .tokenize import Analyzer

if TYPE_CHECKING:
    from .search import SearchConfig

__all__ = ["Filters", "LawNames", "QueryPlan", "QueryPlanner", "load_thesaurus", "normalise"]

_QUERY_NORMALISE = str.maketrans(
    {"（": "(", "）": ")", "，": ",", "？": "?", "！": "!", "：": ":", "；": ";"}
)
_SPACE_RE = re.compile(r"\s+")
_CORE_RE = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]")
# names of decisions of the NPC itself (全国人民代表大会关于…) are too generic to be recognised in a question
_NPC_PREFIX = "全国人民代表大会"


def normalise(q: str) -> str:
    """NFKC, half-width punctuation, runs of white space as one space."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", q).translate(_QUERY_NORMALISE)).strip()


def _core(text: str) -> str:
    """The letters, digits and CJK characters of ``text`` (punctuation and spaces removed)."""
    return _CORE_RE.sub("", text)


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
class Filters:
    """What a search is restricted to: validity statuses, law names (resolved), 法律部门."""

    status: frozenset[str] | None = None
    laws: frozenset[str] | None = None
    department: str | None = None


class LawNames:
    """The names of the laws in an index: which a question mentions, whether it names nothing else,
    and which a law filter (full or short name) stands for."""

    def __init__(self, names: Iterable[str]) -> None:
        ordered = sorted(set(names))
        self.names: set[str] = set(ordered)
        self._ordered = tuple(ordered)
        # short names of three characters or more (劳动合同法, 商标法) are recognised in a question
        mention: dict[str, str] = {}
        for name in ordered:
            short = short_law_name(name)
            if len(short) >= 3 and not name.startswith(_NPC_PREFIX):
                mention.setdefault(short, name)
        self._mentions = sorted(mention.items(), key=lambda kv: -len(kv[0]))
        self._short_names = {short_law_name(n): n for n in ordered if not n.startswith(_NPC_PREFIX)}

    def short_mentions(self, text: str) -> list[str]:
        """Full names of the laws whose short name (three characters or more) occurs in ``text``,
        longest first; a name inside a longer one found (劳动法 in 劳动合同法) does not count."""
        found: list[str] = []
        for short, full in self._mentions:
            if short in text and not any(short in other for other in found):
                found.append(full)
        return found

    def mentioned(self, q: str) -> list[str]:
        """Full names of the laws a query names (民法典 → 中华人民共和国民法典), longest names first."""
        text = normalise(q)
        found = self.short_mentions(text)
        for full in self._ordered:  # in a fixed order: the result is shown
            if full in text and full not in found:
                found.append(full)
        return found

    def only(self, q: str) -> list[str]:
        """The laws a query consists of, when it names laws and nothing else (民法典; 《劳动合同法》)."""
        core = _core(normalise(q))
        if core in self._short_names:  # also two-character names: 刑法, 宪法
            return [self._short_names[core]]
        named = self.mentioned(q)
        if not named:
            return []
        rest = normalise(q)
        for name in sorted(
            {n for full in named for n in (full, short_law_name(full))}, key=len, reverse=True
        ):
            rest = rest.replace(name, "")
        return [] if _core(rest) else named

    def resolve(self, law: str) -> list[str]:
        """Law names matching a filter value: exact, with the PRC prefix, else names containing it."""
        name = law.strip().strip("《》")
        if name in self.names:
            return [name]
        if PRC_PREFIX + name in self.names:
            return [PRC_PREFIX + name]
        return sorted(n for n in self.names if name and name in n)


class QueryPlanner:
    """Turns a question into a :class:`QueryPlan` (words, thesaurus terms, bigrams, laws named)."""

    def __init__(self, analyzer: Analyzer, thesaurus: Mapping[str, Sequence[str]], laws: LawNames) -> None:
        self._an = analyzer
        self._thesaurus = thesaurus
        self._laws = laws

    def plan(self, question: str, config: SearchConfig) -> QueryPlan:
        text = normalise(question)
        low = text.lower()
        plan = QueryPlan(text=text, core=_core(low))
        self._add_words(plan, low)
        if config.use_thesaurus:
            self._add_expansions(plan, low, config.expansion_weight)
        if config.use_bigrams:
            self._add_bigrams(plan, low)
        plan.laws_mentioned.update(self._laws.short_mentions(text))
        return plan

    def _add_words(self, plan: QueryPlan, low: str) -> None:
        """The question's own words, each at weight 1 per occurrence."""
        for tok in self._an.query_words(low):
            plan.terms[tok] = plan.terms.get(tok, 0.0) + 1.0

    def _add_expansions(self, plan: QueryPlan, low: str, weight: float) -> None:
        """The statutory terms of the thesaurus keys found, at ``weight``, unless asked already."""
        for key in self.thesaurus_keys(low):
            for v in self._thesaurus[key]:
                for tok in self._an.words(v.lower()):
                    if tok not in plan.terms:
                        plan.terms[tok] = weight

    def _add_bigrams(self, plan: QueryPlan, low: str) -> None:
        seen: set[str] = set()
        for bg in self._an.bigrams(low):
            if len(bg) == 2 and bg not in seen:
                seen.add(bg)
                plan.bigrams.append(bg)

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

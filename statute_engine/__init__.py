"""Statute engine for Yizhan (pure Python, no Django): search, citation check, anonymiser, triage.

Typical use::

    from statute_engine import StatuteSearcher, ensure_index, iter_laws_db

    searcher = StatuteSearcher(ensure_index("var/statute-index", iter_laws_db()))
    hits = searcher.search("老板拖欠工资怎么办", k=5)

See docs/knowledge/search.md and docs/knowledge/triage.md.
"""

from __future__ import annotations

from .anonymise import Finding, anonymise
from .citations import (
    Citation,
    CorpusLookup,
    RecordsLookup,
    check_citations,
    extract_citations,
    laws_db_lookup,
)
from .corpus import IN_FORCE, NOT_YET_IN_FORCE, ArticleRecord, LawVersion, iter_laws_db, statuses_on
from .index import OpenIndex, build_index, default_index_dir, ensure_index, open_index
from .numerals import ArticleNo, article_label, cn_to_int, int_to_cn, parse_article_no
from .search import Hit, SearchConfig, StatuteSearcher
from .triage import DOMAINS, INSTITUTIONS, SERVICE_TYPES, Triager, TriageResult, triage

__all__ = [
    "DOMAINS",
    "INSTITUTIONS",
    "IN_FORCE",
    "NOT_YET_IN_FORCE",
    "SERVICE_TYPES",
    "ArticleNo",
    "ArticleRecord",
    "Citation",
    "CorpusLookup",
    "Finding",
    "Hit",
    "LawVersion",
    "OpenIndex",
    "RecordsLookup",
    "SearchConfig",
    "StatuteSearcher",
    "TriageResult",
    "Triager",
    "anonymise",
    "article_label",
    "build_index",
    "check_citations",
    "cn_to_int",
    "default_index_dir",
    "ensure_index",
    "extract_citations",
    "int_to_cn",
    "iter_laws_db",
    "laws_db_lookup",
    "open_index",
    "parse_article_no",
    "statuses_on",
    "triage",
]

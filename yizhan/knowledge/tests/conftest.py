"""Fixtures of the knowledge tests: one statute corpus, and search over it, for the whole package.

Importing the five laws (~1,600 articles) takes a fraction of a second, but building search over them
(the tantivy index, the question memory, the reranker, the article vectors, the triage model) took
one to two seconds, and both were redone for every test. Now:

* ``corpus_rows`` imports the laws once per package, outside the tests' transactions: every test runs
  inside a transaction that is rolled back (pytest-django), so what a test changes (an article's
  text, a law's status, a new import) is gone for the next one while the corpus stays;
* ``corpus_search`` builds search over those rows once (in the test settings' index directory,
  where the engine keeps the index and the quantised question encoder between runs);
* ``corpus`` gives a test both: the rows and a process-wide searcher that is already built.

When the package is done the rows are deleted, so other apps' tests start without a corpus as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from yizhan.knowledge import services
from yizhan.knowledge.models import Article, CorpusImport, Law
from yizhan.knowledge.services import statutes

LAWS = [
    "中华人民共和国劳动合同法",
    "中华人民共和国劳动法",
    "中华人民共和国民法典",
    "中华人民共和国刑法",
    "中华人民共和国法律援助法",
]


@pytest.fixture(scope="package")
def corpus_rows(django_db_setup: None, django_db_blocker: Any) -> Iterator[services.ImportResult]:
    """The five laws in the test database, committed once for the package."""
    with django_db_blocker.unblock():
        services.reset()
        result = services.import_corpus(law_names=LAWS, force=True)
    yield result
    with django_db_blocker.unblock():
        Article.objects.all().delete()
        Law.objects.all().delete()
        CorpusImport.objects.all().delete()
    services.reset()


@pytest.fixture(scope="package")
def corpus_search(corpus_rows: services.ImportResult, django_db_blocker: Any) -> dict[str, Any]:
    """Search over the five laws, built once: what ``services.statutes`` keeps per process (the
    searcher, the citation lookup, the triager, the date and validities it was built with)."""
    with django_db_blocker.unblock():
        return statutes._build()


@pytest.fixture
def corpus(
    db: None, corpus_rows: services.ImportResult, corpus_search: dict[str, Any]
) -> Iterator[services.ImportResult]:
    """The five laws, and the process's searcher over them ready (as after ``yizhan laws import``).
    A test may reset it or build another: the next test gets the shared one again."""
    services.reset()
    with statutes._lock:
        statutes._state.update(corpus_search)
    yield corpus_rows
    services.reset()


@pytest.fixture(autouse=True)
def _no_searcher_left_over() -> Iterator[None]:
    """A test that builds the process's searcher (from whatever rows it had) does not hand it on."""
    yield
    services.reset()

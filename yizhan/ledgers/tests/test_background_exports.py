"""Exports longer than LEDGER_EXPORT_INLINE_MAX_ROWS: a job builds the file as the requester, 「我的导出」
lists it, only the requester downloads it (audited), the worker deletes it after the retention period."""

import datetime
import io
import re
from urllib.parse import urlencode

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend

from yizhan.accounts.models import ApiToken
from yizhan.audit.models import AuditLog
from yizhan.core.models import Notification
from yizhan.core.periodic import periodic_tasks
from yizhan.ledgers import exports, services, tasks
from yizhan.ledgers.models import ExportStatus, LedgerExport
from yizhan.ledgers.services import do_build_ledger_export, do_export_ledger, do_prune_ledger_exports
from yizhan.ledgers.tests.conftest import numbers

ALL_DATES = {"date_from": "", "date_to": ""}
NAME = re.compile(r"^exports/[0-9a-f]{32}\.(xlsx|pdf)$")


@pytest.fixture(autouse=True)
def small_threshold(settings):
    """The book has 7 visits: above 3 they are exported in the background."""
    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 3


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call ``fn`` and then run what it enqueued on commit (the immediate task backend builds the file)."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


def export_url(key: str, fmt: str = "xlsx", **params: str) -> str:
    return reverse("ledgers:export", args=[key, fmt]) + "?" + urlencode({**ALL_DATES, **params})


def rows_of(content: bytes, first: int = 4) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(min_row=first, values_only=True))


def stored(export: LedgerExport) -> bytes:
    with default_storage.open(export.file.name, "rb") as handle:
        return handle.read()


def queue(user, key: str = "visits", fmt: str = "xlsx", **params: str) -> LedgerExport:
    """A queued export whose job has not run yet (its on-commit enqueue is not executed)."""
    export = do_export_ledger(key, {**ALL_DATES, **params}, fmt, actor=user)
    assert isinstance(export, LedgerExport) and export.status == ExportStatus.QUEUED
    return export


# --- the threshold ------------------------------------------------------------------------------------


def test_an_export_at_the_threshold_is_still_returned_at_once(book, users, settings):
    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 7
    file = do_export_ledger("visits", ALL_DATES, "xlsx", actor=users["clerk"])
    assert isinstance(file, services.ExportFile) and file.rows == 7
    record = LedgerExport.objects.get()
    assert (record.background, record.status, record.file.name) == (False, ExportStatus.DONE, "")


def test_one_row_more_becomes_a_queued_job_recorded_and_audited(book, users, settings):
    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 6
    export = queue(users["clerk"], channel="")
    assert (export.background, export.rows, export.exported_by, export.unit) == (
        True,
        7,
        users["clerk"],
        users["clerk"].unit,
    )
    assert export.filters == {}  # "all dates" as validated at request time
    audit = AuditLog.objects.get(action="export")
    assert audit.actor == users["clerk"] and audit.changes["background"] is True


def test_asking_again_while_the_job_is_pending_gives_the_same_job(book, users):
    first = queue(users["clerk"])
    assert queue(users["clerk"]).pk == first.pk
    assert queue(users["clerk"], channel="window").pk != first.pk  # other filters: another export
    assert queue(users["clerk"], fmt="pdf").pk != first.pk
    do_build_ledger_export(first.pk)
    assert queue(users["clerk"]).pk != first.pk  # done: a new export makes a new file
    assert AuditLog.objects.filter(action="export").count() == 4


def test_the_row_limit_still_applies_before_any_job_is_queued(book, users, clerk_client, settings):
    settings.EXPORT_MAX_ROWS = 5
    page = clerk_client.get(export_url("visits"), follow=True).content.decode()
    assert "超过单次导出上限 5 条" in page
    assert not LedgerExport.objects.exists()


# --- the job -------------------------------------------------------------------------------------------


def test_the_job_stores_the_file_under_a_random_name_and_tells_the_requester(book, users, run):
    export = run(do_export_ledger, "visits", ALL_DATES, "xlsx", actor=users["clerk"])
    assert isinstance(export, LedgerExport)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and NAME.match(export.file.name)
    assert export.rows == 7 and export.error == ""
    assert export.started_at is not None and export.finished_at >= export.started_at
    note = Notification.objects.get(recipient=users["clerk"], kind="ledger_export")
    assert "台帐导出已完成：公共法律服务来访登记台帐（7 条）" in note.message
    assert note.link == reverse("ledgers:exports")
    assert AuditLog.objects.filter(action="update", actor_label="系统", object_id=str(export.pk)).exists()


def test_the_file_has_exactly_the_rows_of_the_inline_export(book, users, settings, run):
    for params in ({}, {"channel": "hotline"}, {"date_from": "2020-01-01"}):
        settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 100_000
        inline = do_export_ledger("visits", {**ALL_DATES, **params}, "xlsx", actor=users["clerk"])
        settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 0
        job = run(do_export_ledger, "visits", {**ALL_DATES, **params}, "xlsx", actor=users["clerk"])
        assert isinstance(inline, services.ExportFile) and isinstance(job, LedgerExport)
        job.refresh_from_db()
        background = stored(job)
        assert rows_of(background) == rows_of(inline.content)  # header and every data row
        assert rows_of(background, 1)[:2] == rows_of(inline.content, 1)[:2]  # title, unit and filters


def test_the_job_reads_as_the_requester_within_their_unit(book, users, settings, run):
    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 0
    export = run(do_export_ledger, "visits", ALL_DATES, "xlsx", actor=users["clerk2"])
    export.refresh_from_db()
    got = [row[2] for row in rows_of(stored(export), 5)]
    assert got == numbers(users["clerk2"], "visits") == [book.station.number]
    assert book.window.number not in got


def test_a_pdf_job(book, users, run):
    export = run(do_export_ledger, "visits", ALL_DATES, "pdf", actor=users["clerk"])
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.file.name.endswith(".pdf")
    assert stored(export).startswith(b"%PDF")


def test_a_job_runs_once(book, users):
    export = queue(users["clerk"])
    assert do_build_ledger_export(export.pk) == ExportStatus.DONE
    assert do_build_ledger_export(export.pk) == "skipped"
    assert do_build_ledger_export(999_999) == "skipped"
    assert Notification.objects.filter(kind="ledger_export").count() == 1


def test_the_job_refuses_when_the_requester_has_moved_to_another_unit(book, users, district):
    export = queue(users["clerk"])
    users["clerk"].unit = district.stations[0]
    users["clerk"].save(update_fields=["unit"])
    assert do_build_ledger_export(export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert "所在单位在导出后有变更" in export.error and not export.file
    note = Notification.objects.get(kind="ledger_export")
    assert note.message.startswith("台帐导出未能完成：公共法律服务来访登记台帐。")


def test_the_job_refuses_when_the_requester_is_deactivated(book, users):
    export = queue(users["clerk"])
    users["clerk"].is_active = False
    users["clerk"].save(update_fields=["is_active"])
    assert do_build_ledger_export(export.pk) == ExportStatus.FAILED


def test_a_missing_pdf_font_fails_the_job_with_its_reason(book, users, monkeypatch):
    from yizhan.core import pdf

    def no_font() -> str:
        raise pdf.PdfFontUnavailable("服务器上没有可用的中文字体，暂时无法生成PDF，请先导出Excel。")

    export = queue(users["clerk"], fmt="pdf")
    monkeypatch.setattr(exports, "pdf_font", no_font)
    assert do_build_ledger_export(export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert export.error.startswith("服务器上没有可用的中文字体") and export.finished_at is not None


def test_an_unexpected_error_fails_the_job_without_leaking_details(book, users, monkeypatch):
    export = queue(users["clerk"])

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire at /var/secret")

    monkeypatch.setattr(exports, "to_xlsx", broken)
    assert do_build_ledger_export(export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert "生成文件时出错" in export.error and "secret" not in export.error


def test_an_export_whose_job_cannot_be_enqueued_fails_at_once(book, users, monkeypatch, run):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(ImmediateBackend, "enqueue", refuse)
    export = run(do_export_ledger, "visits", ALL_DATES, "xlsx", actor=users["clerk"])
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "后台任务暂时无法提交" in export.error


# --- the pages -----------------------------------------------------------------------------------------


@pytest.fixture
def clerk_client(client, users):
    client.force_login(users["clerk"])
    return client


def test_the_export_button_says_the_file_is_being_made_and_shows_my_exports(book, clerk_client, run):
    response = run(clerk_client.get, export_url("visits"))
    assert response.status_code == 302 and response["Location"] == reverse("ledgers:exports")
    page = clerk_client.get(response["Location"]).content.decode()
    assert "正在生成，完成后可在「我的导出」下载" in page
    export = LedgerExport.objects.get()
    assert "公共法律服务来访登记台帐" in page and "已完成" in page
    assert reverse("ledgers:download_export", args=[export.pk]) in page


def test_a_ledger_page_says_a_long_export_is_made_in_the_background(book, clerk_client):
    page = clerk_client.get(reverse("ledgers:ledger", args=["visits"])).content.decode()
    assert "超过 3 条的导出在后台生成" in page
    assert reverse("ledgers:exports") in page


def test_a_pending_row_polls_itself_and_stops_when_done(book, users, clerk_client):
    export = queue(users["clerk"])
    page = clerk_client.get(reverse("ledgers:exports")).content.decode()
    row_url = reverse("ledgers:export_row", args=[export.pk])
    assert f'hx-get="{row_url}"' in page and 'hx-trigger="every 2s"' in page and "排队中" in page
    do_build_ledger_export(export.pk)
    row = clerk_client.get(row_url, HTTP_HX_REQUEST="true").content.decode()
    assert row.lstrip().startswith("<tr") and "hx-trigger" not in row and "下载" in row
    assert clerk_client.get(row_url).status_code == 302  # without htmx: the whole list


def test_a_failed_export_shows_its_reason(book, users, clerk_client, district):
    export = queue(users["clerk"])
    users["clerk"].unit = district.stations[0]
    users["clerk"].save(update_fields=["unit"])
    do_build_ledger_export(export.pk)
    page = clerk_client.get(reverse("ledgers:exports")).content.decode()
    assert "失败" in page and "所在单位在导出后有变更" in page
    assert reverse("ledgers:download_export", args=[export.pk]) not in page


def test_the_requester_downloads_the_file_and_each_download_is_audited(book, users, clerk_client, run):
    run(clerk_client.get, export_url("visits", channel=""))
    export = LedgerExport.objects.get()
    response = clerk_client.get(reverse("ledgers:download_export", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == stored(export)
    downloads = AuditLog.objects.filter(action="export", changes__download=True)
    assert downloads.count() == 1 and downloads.get().actor == users["clerk"]


@pytest.mark.parametrize("other", ["clerk2", "manager"])
def test_nobody_else_sees_or_downloads_it_not_even_a_superior(book, users, client, run, other):
    export = run(do_export_ledger, "visits", ALL_DATES, "xlsx", actor=users["clerk"])
    client.force_login(users[other])
    assert client.get(reverse("ledgers:download_export", args=[export.pk])).status_code == 404
    row = reverse("ledgers:export_row", args=[export.pk])
    assert client.get(row, HTTP_HX_REQUEST="true").status_code == 404
    assert str(export.pk) not in str(client.get(reverse("ledgers:exports")).context["rows"])
    assert not AuditLog.objects.filter(action="export", changes__download=True).exists()


def test_an_unfinished_export_has_nothing_to_download(book, users, clerk_client):
    export = queue(users["clerk"])
    assert clerk_client.get(reverse("ledgers:download_export", args=[export.pk])).status_code == 404


def test_a_file_gone_from_the_storage_is_a_404_not_a_500(book, users, clerk_client, run):
    export = run(do_export_ledger, "visits", ALL_DATES, "xlsx", actor=users["clerk"])
    export.refresh_from_db()
    default_storage.delete(export.file.name)
    assert clerk_client.get(reverse("ledgers:download_export", args=[export.pk])).status_code == 404


def test_my_exports_needs_the_export_right(book, client, users):
    client.force_login(users["volunteer"])
    response = client.get(reverse("ledgers:exports"))
    assert response.status_code == 403 and "没有导出台帐的权限" in response.content.decode()


def test_my_exports_lists_only_background_exports(book, users, clerk_client, settings):
    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 100
    clerk_client.get(export_url("visits"))
    page = clerk_client.get(reverse("ledgers:exports")).content.decode()
    assert "还没有后台导出" in page


# --- the API ---------------------------------------------------------------------------------------------


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'exports')[1]}"}


def test_the_api_answers_202_then_the_status_then_the_file(book, users, client, run):
    auth = bearer(users["clerk"])
    response = run(client.get, "/api/v1/ledgers/visits/export", {"format": "xlsx", **ALL_DATES}, **auth)
    assert response.status_code == 202
    body = response.json()["export"]
    assert set(body) == {"id", "status", "url"}
    assert body["url"] == f"/api/v1/ledgers/exports/{body['id']}" == response["Location"]
    status = client.get(body["url"], **auth).json()["export"]
    assert status["status"] == "done" and status["rows"] == 7 and status["format"] == "xlsx"
    assert status["download_url"] == f"/api/v1/ledgers/exports/{body['id']}/file"
    file = client.get(status["download_url"], **auth)
    assert file.status_code == 200 and file["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert len(rows_of(b"".join(file.streaming_content), 5)) == 7
    listed = client.get("/api/v1/ledgers/exports", **auth).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_the_api_reports_a_queued_export_without_a_download_url(book, users, client):
    auth = bearer(users["clerk"])
    response = client.get("/api/v1/ledgers/visits/export", {"format": "xlsx", **ALL_DATES}, **auth)
    status = client.get(response.json()["export"]["url"], **auth).json()["export"]
    assert status["status"] == "queued" and status["download_url"] is None
    assert client.get(f"{response.json()['export']['url']}/file", **auth).status_code == 404


def test_the_api_hides_another_users_export(book, users, client, run):
    export = run(do_export_ledger, "visits", ALL_DATES, "xlsx", actor=users["clerk"])
    auth = bearer(users["manager"])
    for url in (f"/api/v1/ledgers/exports/{export.pk}", f"/api/v1/ledgers/exports/{export.pk}/file"):
        response = client.get(url, **auth)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/ledgers/exports", **auth).json()["items"] == []


def test_the_api_still_returns_a_small_export_at_once(book, users, client, settings):
    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 2000
    response = client.get("/api/v1/ledgers/visits/export", {"format": "xlsx"}, **bearer(users["clerk"]))
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_CONTENT_TYPE


def test_the_openapi_document_describes_the_202_and_the_file(client, district):
    schema = client.get("/api/v1/openapi.json").json()
    export = schema["paths"]["/api/v1/ledgers/{key}/export"]["get"]["responses"]
    assert export["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/ExportAcceptedOut")
    assert "Location" in export["202"]["headers"]
    assert export["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    status = schema["paths"]["/api/v1/ledgers/exports/{export_id}"]["get"]["responses"]
    assert status["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ExportOut")
    assert "download_url" in schema["components"]["schemas"]["ExportInfo"]["properties"]


# --- housekeeping -----------------------------------------------------------------------------------------


def test_the_prune_job_is_periodic():
    assert tasks.prune_ledger_exports_task in periodic_tasks()


def test_exports_older_than_the_retention_are_deleted_with_their_files(book, users, settings, run):
    settings.LEDGER_EXPORT_RETENTION_DAYS = 7
    old = run(do_export_ledger, "visits", ALL_DATES, "xlsx", actor=users["clerk"])
    recent = run(do_export_ledger, "visits", ALL_DATES, "pdf", actor=users["clerk"])
    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 100
    do_export_ledger("visits", ALL_DATES, "xlsx", actor=users["clerk"])  # inline: kept as history
    old.refresh_from_db()
    recent.refresh_from_db()
    LedgerExport.objects.filter(pk=old.pk).update(exported_at=timezone.now() - datetime.timedelta(days=8))
    result = do_prune_ledger_exports()
    assert result["deleted"] == 1
    assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)
    assert set(LedgerExport.objects.values_list("pk", flat=True)) == {
        recent.pk,
        *LedgerExport.objects.filter(background=False).values_list("pk", flat=True),
    }
    audit = AuditLog.objects.get(action="delete", object_type="ledgers.ledgerexport")
    assert audit.actor_label == "系统" and audit.changes["deleted"] == 1
    assert do_prune_ledger_exports()["deleted"] == 0  # idempotent


def test_jobs_left_behind_by_a_dead_worker_are_given_up(book, users):
    export = queue(users["clerk"])
    assert do_prune_ledger_exports()["stale"] == 0
    LedgerExport.objects.filter(pk=export.pk).update(exported_at=timezone.now() - datetime.timedelta(hours=2))
    assert do_prune_ledger_exports()["stale"] == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "超时" in export.error


def test_files_no_export_refers_to_are_deleted_after_the_retention(district, monkeypatch):
    stray = default_storage.save("exports/0123456789abcdef0123456789abcdef.xlsx", ContentFile(b"x"))
    assert do_prune_ledger_exports()["orphan_files"] == 0  # too young
    later = timezone.now() + datetime.timedelta(days=8)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    assert do_prune_ledger_exports()["orphan_files"] >= 1
    assert not default_storage.exists(stray)

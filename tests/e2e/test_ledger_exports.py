"""A long ledger export in a real browser: the button answers that the file is being made, 「我的导出」
lists it with its status, a row still in the queue refreshes itself until the download appears."""

import re

from django_tasks.backends.immediate import ImmediateBackend


def test_a_long_export_is_made_in_the_background_and_downloaded_from_my_exports(
    page, shot, live_server, e2e_district, login, settings, monkeypatch
):
    from yizhan.core import pdf
    from yizhan.ledgers import exports
    from yizhan.ledgers.services import do_build_ledger_export, do_export_ledger
    from yizhan.matters.testing import register

    settings.LEDGER_EXPORT_INLINE_MAX_ROWS = 3
    clerk = e2e_district.users["clerk"]
    for title in ("借款到期未还", "拖欠工资", "邻里漏水纠纷", "离婚财产分割", "交通事故赔偿"):
        register(clerk, title=title)
    base = live_server.url

    # the button on the ledger page: the job runs after commit (immediate task backend in tests)
    login(page, base, "clerk")
    page.goto(f"{base}/staff/ledgers/visits/")
    page.wait_for_selector("text=超过 3 条的导出在后台生成")
    page.click("text=导出Excel")
    page.wait_for_url(re.compile(r"/staff/ledgers/exports/$"))
    page.wait_for_selector("text=正在生成，完成后可在「我的导出」下载")
    assert page.locator(".pill.export-done").count() == 1

    # one export still waiting for a worker, one that failed (no Chinese font for the PDF)
    monkeypatch.setattr(ImmediateBackend, "enqueue", lambda *args, **kwargs: None)
    failed = do_export_ledger("visits", {"date_from": "", "date_to": ""}, "pdf", actor=clerk)
    waiting = do_export_ledger("visits", {"channel": "window"}, "xlsx", actor=clerk)

    def no_font() -> str:
        raise pdf.PdfFontUnavailable("服务器上没有可用的中文字体，暂时无法生成PDF，请先导出Excel。")

    monkeypatch.setattr(exports, "pdf_font", no_font)
    do_build_ledger_export(failed.pk)
    page.goto(f"{base}/staff/ledgers/exports/")
    row = page.locator(f"#export-{waiting.pk}")
    assert row.locator(".pill.export-queued").count() == 1
    assert page.locator(".pill.export-failed").count() == 1
    shot("ledger-exports-01-my-exports")

    # the worker builds the waiting one: its row refreshes itself and offers the file
    do_build_ledger_export(waiting.pk)
    row.locator("text=下载").wait_for(timeout=10000)
    shot("ledger-exports-02-done")
    with page.expect_download() as download:
        row.locator("text=下载").click()
    assert download.value.suggested_filename.endswith(".xlsx")

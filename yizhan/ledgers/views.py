"""Staff pages for the six ledgers and 「我的导出」. Thin: rows come from ``selectors.ledger_rows``,
files from ``services.do_export_ledger`` (at once, or as a background job whose file the requester
downloads later through ``services.do_download_ledger_export``); these functions only read the query
string and render."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Sequence
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.core.pdf import PdfFontUnavailable
from yizhan.ledgers import selectors, services
from yizhan.ledgers.catalogue import LEDGERS, Ledger, get_ledger
from yizhan.ledgers.columns import Column, display
from yizhan.ledgers.filters import FILTER_LABELS, LedgerFilters, scope_orgs
from yizhan.ledgers.models import LedgerExport
from yizhan.ledgers.selectors import LedgerResult, ledger_rows
from yizhan.matters.models import Channel, LegalDomain, TransferStatus
from yizhan.matters.states import MatterState

PAGE_SIZE = 50
EXPORTS_PAGE_SIZE = 20
DATE_KEYS = ("date_from", "date_to")
INDEX_FILTERS = ("date_from", "date_to", "org")


def _user(request: HttpRequest) -> User:
    """The signed-in staff member (every page is behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden(_("请先登录。"))
    return user


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "ledgers/forbidden.html", {"message": message}, status=403)


def _requires(
    permission: str, message: Callable[[], str]
) -> Callable[[Callable[..., HttpResponseBase]], Any]:
    """Login required; without ``permission`` a 403 page that says which right is missing."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.has_perm(permission):
                return _forbidden(request, message())
            try:
                return view(request, *args, **kwargs)
            except Forbidden as exc:
                return _forbidden(request, exc.message)

        return wrapped

    return decorator


def _params(request: HttpRequest, names: Sequence[str] | None = None) -> dict[str, str]:
    """The query string, with this month as the period when the request names no dates at all
    (clearing both date fields on purpose — ``date_from=&date_to=`` — means "all dates")."""
    params = {
        key: (request.GET.get(key) or "").strip() for key in request.GET if names is None or key in names
    }
    if not any(key in request.GET for key in DATE_KEYS):
        today = timezone.localdate()
        last_day = calendar.monthrange(today.year, today.month)[1]
        params["date_from"] = today.replace(day=1).isoformat()
        params["date_to"] = today.replace(day=last_day).isoformat()
    return params


def _query(filters: LedgerFilters | None, params: dict[str, str], **extra: Any) -> str:
    """A query string that reproduces the filters (empty dates kept, so "all dates" stays so)."""
    values = filters.as_params() if filters is not None else dict(params)
    for key in DATE_KEYS:
        values.setdefault(key, "")
    values.update({key: value for key, value in extra.items() if value is not None})
    return urlencode(values)


def _org_choices(user: User) -> list[tuple[str, str]]:
    base = user.unit.path.count("/") if user.unit is not None else 0
    return [
        (str(org.pk), "　" * (org.path.count("/") - base) + org.name)
        for org in scope_orgs(user).only("pk", "name", "path")
    ]


def _filter_fields(
    user: User, ledger: Ledger | None, params: dict[str, str], errors: dict[str, str]
) -> list[dict[str, Any]]:
    """The filter form, described for the template: name, label, date or select, choices, value, error."""
    names = ledger.filters if ledger is not None else INDEX_FILTERS
    date_label = ledger.date_label if ledger is not None else _("日期")
    choices: dict[str, Callable[[], list[tuple[str, str]]]] = {
        "org": lambda: _org_choices(user),
        "channel": lambda: [(code, str(label)) for code, label in Channel.choices],
        "domain": lambda: list(LegalDomain.objects.values_list("code", "name")),
        "service_type": lambda: (
            list(ledger.service_types().values_list("code", "name"))
            if ledger is not None and ledger.service_types is not None
            else []
        ),
        "state": lambda: [(code, str(label)) for code, label in MatterState.choices],
        "status": lambda: [(code, str(label)) for code, label in TransferStatus.choices],
    }
    labels = {"date_from": _("%(date)s自") % {"date": date_label}, "date_to": _("至")}
    fields = []
    for name in names:
        field: dict[str, Any] = {
            "name": name,
            "label": labels.get(name) or FILTER_LABELS[name],
            "value": params.get(name, ""),
            "error": errors.get(name, ""),
            "kind": "date" if name in DATE_KEYS else "select",
        }
        if name in choices:
            field["choices"] = choices[name]()
        fields.append(field)
    return fields


# --- pages -----------------------------------------------------------------------------------------


def _no_view_right() -> str:
    return _("您的账号没有查看台帐的权限。如需查看，请联系本单位管理员授予相应角色。")


def _no_export_right() -> str:
    return _("您的账号没有导出台帐的权限。导出的台帐含有群众个人信息，只有经授权的人员可以导出。")


@_requires(roles.VIEW_LEDGERS, _no_view_right)
def index(request: HttpRequest) -> HttpResponse:
    """The six ledgers with their row counts for the chosen period (this month by default)."""
    user = _user(request)
    params = _params(request, INDEX_FILTERS)
    errors: dict[str, str] = {}
    rows = []
    filters: LedgerFilters | None = None
    for ledger in LEDGERS.values():
        count: int | None = None
        try:
            result = ledger_rows(user, ledger.key, params)
        except InvalidInput as exc:
            errors.update(exc.fields)
        else:
            count = result.total
            filters = result.filters
        rows.append({"ledger": ledger, "count": count})
    query = _query(filters, params) if not errors else ""
    return render(
        request,
        "ledgers/index.html",
        {
            "rows": rows,
            "query": query,
            "fields": _filter_fields(user, None, params, errors),
            "errors": errors,
            "can_export": user.has_perm(roles.EXPORT_LEDGERS),
        },
    )


class _PageRows(Sequence[list[dict[str, Any]]]):
    """The rows of a result as a sequence the paginator can slice (one query per page)."""

    def __init__(self, result: LedgerResult) -> None:
        self.result = result
        self.css = [_css(column) for column in result.columns]

    def __len__(self) -> int:
        return self.result.total

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            raise TypeError("only slices")
        start = index.start or 0
        stop = len(self) if index.stop is None else index.stop
        return list(self._cells(self.result.rows(start, max(stop - start, 0))))

    def _cells(self, rows: Iterator[tuple[Any, ...]]) -> Iterator[list[dict[str, Any]]]:
        for row in rows:
            yield [
                {
                    "text": display(column, value),
                    "css": css,
                    "number": value if column.key == "number" else "",
                }
                for column, value, css in zip(self.result.columns, row, self.css, strict=True)
            ]


def _error_text(name: str, message: str) -> str:
    label = str(FILTER_LABELS.get(name, name))
    return message if message.startswith(label) else f"{label}：{message}"


def _css(column: Column) -> str:
    """Short values on one line, text columns with a readable minimum width (see ledgers.css)."""
    if column.kind == "number":
        return "num nowrap"
    if column.kind == "long_text":
        return "wide" if column.width >= 24 else "mid"
    return "nowrap"


@_requires(roles.VIEW_LEDGERS, _no_view_right)
def ledger(request: HttpRequest, key: str) -> HttpResponse:
    """One ledger: the filter form, 50 rows a page, the total and the export buttons.
    htmx requests from the filter form get only the table (``_table.html``)."""
    user = _user(request)
    try:
        definition = get_ledger(key)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    params = _params(request)
    errors: dict[str, str] = {}
    page = None
    result = None
    try:
        result = ledger_rows(user, key, params)
    except InvalidInput as exc:
        errors = exc.fields
    else:
        page = Paginator(_PageRows(result), PAGE_SIZE).get_page(request.GET.get("page"))
    filters = result.filters if result is not None else None
    context = {
        "ledger": definition,
        "columns": definition.columns,
        "page": page,
        "errors": errors,
        "error_list": [_error_text(name, message) for name, message in errors.items()],
        "fields": _filter_fields(user, definition, params, errors),
        "query": _query(filters, params) if filters is not None else "",
        "can_export": user.has_perm(roles.EXPORT_LEDGERS),
        "period": filters.period_text(definition) if filters is not None else "",
        "inline_max_rows": settings.LEDGER_EXPORT_INLINE_MAX_ROWS,
    }
    template = "ledgers/_table.html" if getattr(request, "htmx", False) else "ledgers/ledger.html"
    return render(request, template, context)


@_requires(roles.EXPORT_LEDGERS, _no_export_right)
def export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """The ledger as .xlsx or PDF, with the filters of the query string (audited). A long ledger is
    built in the background: the answer is then 「我的导出」, where the file appears when ready."""
    user = _user(request)
    if key not in LEDGERS or fmt not in services.FORMATS:
        raise Http404(_("台帐或导出格式不存在。"))
    params = _params(request)
    try:
        outcome = services.do_export_ledger(key, params, fmt, actor=user)
    except (InvalidInput, PdfFontUnavailable) as exc:
        details = [message for name, message in exc.fields.items() if name != "rows"]
        messages.error(request, " ".join([exc.message, *details]))
        return redirect(f"{reverse('ledgers:ledger', args=[key])}?{_query(None, params)}")
    if not isinstance(outcome, services.ExportFile):
        messages.success(request, _("正在生成，完成后可在「我的导出」下载。"))
        return redirect("ledgers:exports")
    response = HttpResponse(outcome.content, content_type=outcome.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=outcome.filename) or "attachment"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- 我的导出 ----------------------------------------------------------------------------------------


def _export_row(user: User, export: LedgerExport) -> dict[str, Any]:
    definition = LEDGERS.get(export.ledger)
    return {
        "export": export,
        "title": definition.title if definition is not None else export.ledger,
        "format": "Excel" if export.file_format == "xlsx" else "PDF",
        "filters": selectors.describe_export(user, export) if definition is not None else "",
    }


@_requires(roles.EXPORT_LEDGERS, _no_export_right)
def my_exports(request: HttpRequest) -> HttpResponse:
    """「我的导出」: the user's background exports, newest first, with their status and, once done, a
    download link; rows still queued or running refresh themselves (htmx)."""
    user = _user(request)
    page = Paginator(selectors.my_exports(user), EXPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledgers/exports.html",
        {
            "page": page,
            "rows": [_export_row(user, export) for export in page.object_list],
            "retention_days": settings.LEDGER_EXPORT_RETENTION_DAYS,
        },
    )


@_requires(roles.EXPORT_LEDGERS, _no_export_right)
def export_row(request: HttpRequest, export_id: int) -> HttpResponse:
    """One row of 「我的导出」 (what its htmx polling fetches); the whole page without htmx."""
    user = _user(request)
    if not getattr(request, "htmx", False):
        return redirect("ledgers:exports")
    try:
        export = selectors.access_export(user, export_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "ledgers/_export_row.html", {"row": _export_row(user, export)})


@_requires(roles.EXPORT_LEDGERS, _no_export_right)
def download_export(request: HttpRequest, export_id: int) -> FileResponse:
    """The file of a finished background export: only for the person who asked for it (404 for
    anybody else), audited at every download."""
    try:
        stored = services.do_download_ledger_export(export_id, actor=_user(request))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(
        stored.file, as_attachment=True, filename=stored.filename, content_type=stored.content_type
    )
    response["Cache-Control"] = "no-store"
    return response

"""Staff pages for service matters. Thin: read through selectors, write through services."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.forms import apply_errors
from yizhan.lib import pii, querycode
from yizhan.matters import selectors, services
from yizhan.matters.deadlines import working_days_left
from yizhan.matters.forms import (
    AttachmentForm,
    HandOverForm,
    RegistrationForm,
    TransferForm,
    transition_form,
)
from yizhan.matters.models import Channel, LegalDomain, Matter, ServiceType
from yizhan.matters.states import OPEN_STATES, MatterState

PAGE_SIZE = 50
PARTIAL_ID = re.compile(r"\d{1,17}")  # the start of an ID number, as the clerk types it


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware (in settings) leaves it: with ``htmx``."""

    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    """The signed-in staff member (every page here requires login)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("请先登录。"))
    return user


def _access(request: HttpRequest, number: str) -> Matter:
    try:
        return selectors.access_matter(_user(request), number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    todo = list(selectors.todo_queue(user)[:200])
    overdue_count = selectors.overdue_matters(user, today).count()
    near_count = selectors.near_due_matters(user, today).count()
    registered_today = selectors.visible_matters(user).filter(registered_at__date=today).count()
    notifications = list(user.notifications.filter(read_at__isnull=True)[:8])
    return render(
        request,
        "matters/queue.html",
        {
            "todo": todo,
            "today": today,
            "overdue_count": overdue_count,
            "near_count": near_count,
            "registered_today": registered_today,
            "notifications": notifications,
        },
    )


@login_required
@permission_required(roles.REGISTER, raise_exception=True)
def new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = RegistrationForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                matter = services.do_register_matter(form.to_data(), actor=user)
            except InvalidInput as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已登记：受理编号 %(number)s，查询码 %(code)s")
                    % {"number": matter.number, "code": querycode.display(matter.query_code)},
                )
                if request.POST.get("then") == "receipt":
                    return redirect("matters:receipt", number=matter.number)
                return redirect("matters:detail", number=matter.number)
        status = 422
    return render(request, "matters/new.html", {"form": form}, status=status)


@login_required
@require_POST
def check_person(request: HttpRequest) -> HttpResponse:
    """htmx: validate the ID number as it is typed (format, birth date, the GB 11643 check digit once all 18
    characters are in) and the phone, and show the person's earlier matters."""
    user = _user(request)
    id_number = (request.POST.get("id_number") or "").strip()
    phone = (request.POST.get("phone") or "").strip()
    context: dict[str, Any] = {"errors": {}, "facts": None, "history": [], "id_progress": 0}
    if id_number and len(id_number) < 18 and PARTIAL_ID.fullmatch(id_number):
        context["id_progress"] = len(id_number)  # still being typed: nothing to flag yet
        id_number = ""
    elif id_number:
        try:
            id_number = pii.validate_id_number(id_number)
            gender, birth = pii.id_number_facts(id_number)
            context["facts"] = {"gender": _("男") if gender == "male" else _("女"), "birth": birth}
        except ValidationError as exc:
            context["errors"]["id_number"] = exc.messages[0]
            id_number = ""
    if phone:
        try:
            phone = pii.validate_phone(phone)
        except ValidationError as exc:
            context["errors"]["phone"] = exc.messages[0]
            phone = ""
    if (id_number or phone) and user.has_perm(roles.REGISTER):
        history = services.do_reveal_person_history(id_number=id_number, phone=phone, actor=user)
        context["history"] = list(history[:5])
    return render(request, "matters/_person_check.html", context)


@login_required
def matter_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    params = {key: value for key in request.GET if (value := request.GET.get(key, ""))}
    errors: dict[str, str] = {}
    try:
        qs = selectors.search_matters(user, params).order_by("-registered_at", "-id")
    except InvalidInput as error:
        errors = error.fields
        qs = selectors.visible_matters(user).none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "errors": errors,
        "page": page,
        "params": params,
        "query": request.GET.urlencode(),
        "states": MatterState.choices,
        "channels": Channel.choices,
        "service_types": ServiceType.objects.filter(is_active=True),
        "domains": LegalDomain.objects.filter(is_active=True),
    }
    template = "matters/_list_table.html" if request.htmx else "matters/list.html"
    return render(request, template, context)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()

    def with_days_left(matters: Iterable[Matter]) -> list[tuple[Matter, int | None]]:
        return [(m, working_days_left(m.due_date, today) if m.due_date else None) for m in matters]

    late = with_days_left(selectors.overdue_matters(user, today)[:500])
    near = with_days_left(selectors.near_due_matters(user, today)[:500])
    return render(request, "matters/overdue.html", {"late": late, "near": near, "today": today})


def _detail_context(
    request: HttpRequest, matter: Matter, forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = _user(request)
    allowed = selectors.allowed_transitions(matter, user)
    action_forms = {t.code: transition_form(t.code, matter=matter) for t in allowed}
    if forms:
        action_forms.update(forms)
    today = timezone.localdate()
    days_left = working_days_left(matter.due_date, today) if matter.due_date and matter.is_open else None
    return {
        "matter": matter,
        "events": list(selectors.events_of(matter)),
        "transfers": list(matter.transfers.select_related("from_org", "to_org", "to_person", "service_type")),
        "attachments": list(matter.attachments.all()),
        "actions": [(t, action_forms[t.code]) for t in allowed],
        "open_action": next(iter(forms or {}), None),
        "days_left": days_left,
        "overdue_days": -days_left if days_left is not None and days_left < 0 else 0,
        "can_reveal": user.has_perm(roles.REVEAL),
        "can_hand_over": selectors.can_hand_over(user, matter),
        "hand_over_form": HandOverForm(user=user),
        "attachment_form": AttachmentForm(),
        "query_code_display": querycode.display(matter.query_code),
        "track_url": f"{settings.SITE_URL}/t/{matter.query_code}",
        "is_open": matter.state in OPEN_STATES,
    }


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    matter = _access(request, number)
    return render(request, "matters/detail.html", _detail_context(request, matter))


@login_required
@require_POST
def act(request: HttpRequest, number: str, code: str) -> HttpResponse:
    """Take a transition from the matter page."""
    matter = _access(request, number)
    t = selectors.staff_transition(code)
    if t is None:
        raise Http404(_("未知的操作。"))
    form = transition_form(code, request.POST, matter=matter)
    if form.is_valid():
        note, payload = form.result()
        try:
            services.transition(matter, code, actor=_user(request), note=note, payload=payload)
        except InvalidInput as error:
            apply_errors(form, error)
        except IllegalTransition as error:
            messages.error(request, error.message)
            return redirect("matters:detail", number=number)
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        else:
            messages.success(request, _("已完成「%(action)s」。") % {"action": t.label})
            return redirect("matters:detail", number=number)
    context = _detail_context(request, matter, forms={code: form})
    return render(request, "matters/detail.html", context, status=422)


# --- the transfer form's live parts (htmx) -----------------------------------------------------------

TRANSFER_FIELDS = (
    "domain",
    "service_type",
    "to_org",
    "to_person",
    "instructions",
    "where_to_go",
    "due_date",
    "note",
)


def _transfer_form(
    request: HttpRequest, matter: Matter, overrides: dict[str, Any] | None = None
) -> TransferForm:
    """The transfer form as the clerk has filled it so far (unbound: no errors yet), with ``overrides``."""
    source = request.POST if request.method == "POST" else request.GET
    initial = {
        name: source.get(f"transfer-{name}") for name in TRANSFER_FIELDS if source.get(f"transfer-{name}")
    }
    initial.update(overrides or {})
    form = transition_form("transfer", matter=matter, initial=initial)
    if not isinstance(form, TransferForm):
        raise TypeError("the transfer transition has no transfer form")
    return form


@login_required
def transfer_targets(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: the receiving units for the words typed in the search box, suggested ones first."""
    matter = _access(request, number)
    form = _transfer_form(request, matter)
    form.hint = selectors.TransferHint(
        unit_kind=request.GET.get("hint_kind", ""), external_number=request.GET.get("hint_external", "")
    )
    text = (request.GET.get("to_org_q") or "")[:50]
    return render(
        request, "matters/_transfer_targets.html", {"targets": form.target_choices(text), "f": form}
    )


@login_required
@require_POST
def transfer_suggestion(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: the triage's suggestion for the matter (法律领域, 事项类型, the unit to send it to); with
    ``apply`` the transfer fields come back filled with it."""
    matter = _access(request, number)
    hint = selectors.triage_hint(matter)
    form = _transfer_form(request, matter)
    form.hint = hint
    best = None
    if hint is not None:
        suggestions = selectors.rank_transfer_targets(
            matter, form.targets, domain=hint.domain, service_type=hint.service_type, hint=hint, limit=1
        )
        best = suggestions[0] if suggestions else None
    context: dict[str, Any] = {"matter": matter, "hint": hint, "best": best}
    if request.POST.get("apply") and hint is not None:
        overrides: dict[str, Any] = {}
        if hint.domain is not None:
            overrides["domain"] = hint.domain.pk
        if hint.service_type is not None:
            overrides["service_type"] = hint.service_type.pk
        if best is not None:
            overrides["to_org"] = best.org.pk
        form = _transfer_form(request, matter, overrides)
        form.hint = hint
        context.update({"f": form, "applied": True})
        return render(request, "matters/_transfer_fields.html", context)
    return render(request, "matters/_transfer_suggestion.html", context)


@login_required
@require_POST
def hand_over(request: HttpRequest, number: str) -> HttpResponse:
    matter = _access(request, number)
    user = _user(request)
    form = HandOverForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.do_hand_over_matter(
                matter, form.cleaned_data["to_user"], actor=user, note=form.cleaned_data["note"]
            )
        except InvalidInput as error:
            apply_errors(form, error)
        except (Forbidden, IllegalTransition) as error:
            messages.error(request, error.message)
            return redirect("matters:detail", number=number)
        else:
            messages.success(
                request, _("已交接给 %(name)s。") % {"name": form.cleaned_data["to_user"].display_name}
            )
            return redirect("matters:detail", number=number)
    context = _detail_context(request, matter)
    context["hand_over_form"] = form
    context["open_action"] = "hand_over"
    return render(request, "matters/detail.html", context, status=422)


@login_required
@require_POST
def upload(request: HttpRequest, number: str) -> HttpResponse:
    matter = _access(request, number)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.do_add_attachment(matter, form.cleaned_data["file"], actor=_user(request))
        except InvalidInput as error:
            messages.error(request, next(iter(error.fields.values()), error.message))
        except (Forbidden, IllegalTransition) as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("附件已上传。"))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("matters:detail", number=number)


@login_required
def download(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    matter = _access(request, number)
    attachment = matter.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("附件不存在。"))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def reveal(request: HttpRequest, number: str, requester_id: int) -> HttpResponse:
    """htmx: show a requester's full personal data (permission + audit)."""
    matter = _access(request, number)
    try:
        requester = selectors.requester_of(matter, requester_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        values = services.do_reveal_personal_data(
            requester, actor=_user(request), reason=request.POST.get("reason", "")
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    return render(request, "matters/_revealed.html", {"requester": requester, "values": values})


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """A printable slip for the citizen: query code, QR code, what to bring and where to go."""
    matter = _access(request, number)
    track_url = f"{settings.SITE_URL}/t/{matter.query_code}"
    transfer = matter.transfers.select_related("to_org").order_by("-created_at").first()
    return render(
        request,
        "matters/receipt.html",
        {
            "matter": matter,
            "transfer": transfer,
            "qr_svg": querycode.qr_svg(track_url),
            "track_url": track_url,
            "query_code_display": querycode.display(matter.query_code),
        },
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """A person's matters across channels, by ID number or phone (blind-index lookup, audited)."""
    user = _user(request)
    query = (request.GET.get("q") or "").strip()
    matters: list[Matter] = []
    error = ""
    if query:
        digits = query.replace(" ", "").replace("-", "")
        looks_like_id = len(digits) == 18
        try:
            qs = services.do_reveal_person_history(
                id_number=digits if looks_like_id else "", phone="" if looks_like_id else digits, actor=user
            )
            matters = list(qs[:200])
        except InvalidInput as exc:
            error = next(iter(exc.fields.values()), exc.message)
    return render(request, "matters/history.html", {"query": query, "matters": matters, "error": error})

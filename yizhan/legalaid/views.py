"""Legal-aid pages: staff (apply, notify, the case page with its clocks and steps, lists) and public
(eligibility self-check, online application). Thin: services decide, selectors read."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.accounts.models import User
from yizhan.core.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.core.forms import apply_errors
from yizhan.core.ratelimit import public_limit
from yizhan.legalaid import clocks, documents, eligibility, selectors, services
from yizhan.legalaid.forms import (
    ApplicationForm,
    FactsForm,
    NotificationForm,
    ProgressForm,
    PublicApplicationForm,
    SelfCheckForm,
    facts_initial,
    query_facts,
    step_form,
)
from yizhan.legalaid.models import LegalAidCase
from yizhan.legalaid.states import STEPS, CaseStage
from yizhan.lib import querycode
from yizhan.matters import selectors as matter_selectors


def _user(request: HttpRequest) -> User:
    """The signed-in staff member (every staff page is behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("请先登录。"))
    return user


def _case(request: HttpRequest, number: str) -> LegalAidCase:
    try:
        return selectors.access_case(_user(request), number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


FACT_FIELDS = {f"facts.{name}": name for name in FactsForm.base_fields} | {
    "facts.groups": "aid_groups",
    "facts": "claim",
}


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    stage = request.GET.get("stage", "")
    cases = selectors.case_list(user, stage=stage)
    lists = selectors.clock_lists(user)
    return render(
        request,
        "legalaid/list.html",
        {"cases": cases[:300], "stages": CaseStage.choices, "stage": stage, **lists},
    )


@login_required
@permission_required("matters.register_matter", raise_exception=True)
def apply(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApplicationForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.to_data()
            try:
                case = services.do_register_application(
                    services.Application(
                        registration=data,
                        facts=form.legal_aid_facts(),
                        source=form.cleaned_data["source"],
                        applicant_relation=form.cleaned_data["applicant_relation"],
                        detention_place=form.cleaned_data["detention_place"],
                        detention_submitted_at=form.cleaned_data["detention_submitted_at"],
                        case_cause=form.cleaned_data["case_cause"],
                        simplified=form.cleaned_data["simplified"],
                        accessibility_notes=form.cleaned_data["accessibility_notes"],
                    ),
                    actor=user,
                )
            except InvalidInput as error:
                apply_errors(form, error, {**ApplicationForm.FIELD_MAP, **FACT_FIELDS})
            else:
                messages.success(request, _("已受理法律援助申请：%(n)s") % {"n": case.number})
                return redirect("legalaid:case", number=case.number)
        status = 422
    return render(request, "legalaid/apply.html", {"form": form}, status=status)


@login_required
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """htmx: the eligibility engine's answer for the facts typed so far (with articles)."""
    form = FactsForm(request.POST)
    result: dict[str, Any] | None = None
    errors: dict[str, str] = {}
    if form.is_valid():
        unit = _user(request).unit
        try:
            result = eligibility.evaluate(form.legal_aid_facts(), region_code=unit.region_id if unit else "")
        except InvalidInput as error:
            errors = error.fields
    else:
        errors = {name: " ".join(str(m) for m in messages_) for name, messages_ in form.errors.items()}
    return render(request, "legalaid/_eligibility.html", {"result": result, "errors": errors})


@login_required
def notify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.may_register_notification(user):
        raise PermissionDenied(_("只有法律援助机构工作人员可以登记通知辩护。"))
    form = NotificationForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.do_register_notification(
                    services.Notification(
                        registration=form.to_data(),
                        facts=form.legal_aid_facts(),
                        authority=form.cleaned_data["authority"],
                        authority_name=form.cleaned_data["authority_name"],
                        notice_number=form.cleaned_data["notice_number"],
                        notified_at=form.cleaned_data["notified_at"],
                        received_at=form.cleaned_data["received_at"],
                        case_cause=form.cleaned_data["case_cause"],
                    ),
                    actor=user,
                )
            except InvalidInput as error:
                apply_errors(form, error, {**NotificationForm.FIELD_MAP, **FACT_FIELDS})
            except Conflict as error:  # the same notice registered before
                form.add_error("notice_number", error.message)
            else:
                messages.success(request, _("已登记通知：%(n)s，请在三日内指派律师。") % {"n": case.number})
                return redirect("legalaid:case", number=case.number)
        status = 422
    return render(request, "legalaid/notify.html", {"form": form}, status=status)


def _case_context(
    request: HttpRequest,
    case: LegalAidCase,
    forms: dict[str, Any] | None = None,
    progress_form: ProgressForm | None = None,
) -> dict:
    user = _user(request)
    steps = selectors.steps_for(case, user)
    step_forms = {s.code: step_form(s.code) for s in steps}
    acting = selectors.acting_for_assignee(case, user)
    if "assign" in step_forms and case.preferred_person_id:
        # 点援制: the applicant's choice is offered first
        step_forms["assign"].initial.update({"person": case.preferred_person_id, "chosen_by_applicant": True})
    if forms:
        step_forms.update(forms)
    progress_form = progress_form or ProgressForm()
    if acting == selectors.SELF:
        # the assigned lawyer acts in person: no reason to give
        progress_form.fields.pop("on_behalf_reason", None)
        if "close" in step_forms:
            step_forms["close"].fields.pop("on_behalf_reason", None)
    return {
        "case": case,
        "matter": case.matter,
        "clocks": clocks.clocks_of(case),
        "steps": [(s, step_forms[s.code]) for s in steps],
        "open_step": next(iter(forms or {}), None),
        "events": selectors.event_log(case),
        "reports": selectors.progress_reports(case),
        "objections": selectors.objections_of(case),
        "progress_form": progress_form,
        "open_progress": progress_form.is_bound,
        "acting_for_assignee": acting,
        "can_report": selectors.can_report_progress(case, user),
        "can_complete_formalities": selectors.can_complete_formalities(case, user),
        "has_decision_letter": selectors.has_decision_letter(case),
        "needs_senior": selectors.needs_senior_defender(case),
        "query_code": querycode.display(case.matter.query_code),
    }


@login_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    return render(request, "legalaid/case.html", _case_context(request, case))


@login_required
@require_POST
def step(request: HttpRequest, number: str, code: str) -> HttpResponse:
    case = _case(request, number)
    if code not in STEPS:
        raise Http404(_("未知的操作。"))
    form = step_form(code, request.POST)
    if form.is_valid():
        try:
            services.do_advance_case(
                case, code, actor=_user(request), note=form.cleaned_data["note"], **form.payload()
            )
        except InvalidInput as error:
            apply_errors(form, error)
        except IllegalTransition as error:
            messages.error(request, error.message)
            return redirect("legalaid:case", number=case.number)
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        else:
            messages.success(
                request, _("已完成「%(s)s」（%(a)s）。") % {"s": STEPS[code].label, "a": STEPS[code].article}
            )
            return redirect("legalaid:case", number=case.number)
    return render(request, "legalaid/case.html", _case_context(request, case, {code: form}), status=422)


@login_required
@require_POST
def report(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.do_report_progress(
                case,
                form.cleaned_data["content"],
                actor=_user(request),
                for_recipient=form.cleaned_data["for_recipient"],
                on_behalf_reason=form.cleaned_data["on_behalf_reason"],
            )
        except InvalidInput as error:
            apply_errors(form, error)
        except IllegalTransition as error:
            messages.error(request, error.message)
            return redirect("legalaid:case", number=case.number)
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        else:
            if form.cleaned_data["for_recipient"]:
                messages.success(request, _("已记录办理情况并通报受援人（第四十六条）。"))
            else:
                messages.success(request, _("已记录办理情况（第四十六条）。"))
            return redirect("legalaid:case", number=case.number)
    return render(request, "legalaid/case.html", _case_context(request, case, progress_form=form), status=422)


@login_required
@require_POST
def formalities(request: HttpRequest, number: str) -> HttpResponse:
    """第四十四条第二款: the recipient of provisional aid has completed the formalities."""
    case = _case(request, number)
    try:
        services.do_complete_formalities(case, actor=_user(request), note=request.POST.get("note", ""))
    except IllegalTransition as error:
        messages.error(request, error.message)
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    else:
        messages.success(request, _("已登记补办手续（第四十四条第二款）。"))
    return redirect("legalaid:case", number=case.number)


@login_required
def decision_pdf(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if not selectors.has_decision_letter(case):
        # a notified defence has no application to decide on: the centre assigns (第三十六条)
        raise Http404(_("尚未作出决定。"))
    content = documents.decision_pdf(case)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}.pdf"'
    return response


@login_required
def from_matter(request: HttpRequest, number: str) -> HttpResponse:
    """A consultation (hotline or window) becomes an application without re-typing."""
    user = _user(request)
    try:
        matter = matter_selectors.access_matter(user, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    # what the matter already says (its domain, words and requesters' groups) is filled in
    earlier = selectors.application_of(matter)
    if earlier is not None:
        # converted before: go to that case rather than make a second one
        messages.info(request, _("该事项已是法律援助申请%(n)s。") % {"n": earlier.number})
        return redirect("legalaid:case", number=earlier.number)
    form = FactsForm(request.POST or None, initial=facts_initial(selectors.known_facts(matter)))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.do_convert_consultation(matter, form.legal_aid_facts(), actor=user)
        except InvalidInput as error:
            apply_errors(form, error, FACT_FIELDS)
        except Conflict as error:
            # converted before: go to that case rather than make a second one
            messages.error(request, error.message)
            return redirect("legalaid:case", number=error.fields["matter"])
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        else:
            messages.success(request, _("已转为法律援助申请：%(n)s") % {"n": case.number})
            return redirect("legalaid:case", number=case.number)
    return render(
        request,
        "legalaid/from_matter.html",
        {"form": form, "matter": matter, "in_place": selectors.converts_in_place(matter)},
        status=422 if form.errors else 200,
    )


# --- public ---------------------------------------------------------------------------------------


@public_limit
def self_check(request: HttpRequest) -> HttpResponse:
    """The citizen's self-check; a link may carry the facts it starts from (``?claim=wages&…``, e.g.
    from the triage's legal-aid hint)."""
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
    else:
        form = SelfCheckForm(initial=facts_initial(query_facts(request.GET)))
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = eligibility.evaluate(form.legal_aid_facts())
        except InvalidInput as error:
            apply_errors(form, error, FACT_FIELDS)
    return render(
        request,
        "legalaid/self_check.html",
        {"form": form, "result": result, "facts": form.legal_aid_facts() if result else {}},
        status=422 if form.errors else 200,
    )


APPLIED_SESSION_KEY = "legal_aid_applied"


def _applied(request: HttpRequest, case: LegalAidCase) -> HttpResponse:
    """After the online application: to its confirmation page (a refresh shows it again)."""
    request.session[APPLIED_SESSION_KEY] = case.number
    return redirect("legalaid_public:applied")


@public_limit
def public_apply(request: HttpRequest) -> HttpResponse:
    """The online application. Posted once: the form carries a one-time token, the answer is a
    redirect to the confirmation page, and the same form posted again (a refresh, a second click, the
    back button) finds the application it filed instead of filing another."""
    if request.method != "POST":
        initial = {**facts_initial(query_facts(request.GET)), "form_token": secrets.token_urlsafe(24)}
        return render(request, "legalaid/public_apply.html", {"form": PublicApplicationForm(initial=initial)})
    earlier = selectors.case_by_form_token(request.POST.get("form_token", ""))
    if earlier is not None:
        return _applied(request, earlier)
    form = PublicApplicationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.do_register_application(
                services.online_application(
                    name=data["name"],
                    phone=data["phone"],
                    id_number=data["id_number"],
                    address=data["address"],
                    station=data["station"],
                    title=data["title"],
                    story=data["story"],
                    facts=form.legal_aid_facts(),
                    aid_groups=data.get("aid_groups") or [],
                    preferred_person=data.get("preferred_person"),
                    form_token=data["form_token"],
                ),
                actor=None,
            )
        except Conflict:
            # the same form was filed by a request running at the same moment
            filed = selectors.case_by_form_token(data["form_token"])
            if filed is None:
                raise
            return _applied(request, filed)
        except InvalidInput as error:
            apply_errors(
                form,
                error,
                {
                    "requesters[0].name": "name",
                    "requesters[0].phone": "phone",
                    "requesters[0].id_number": "id_number",
                    "requesters[0].address": "address",
                    "receiving_org": "station",
                    **FACT_FIELDS,
                },
            )
        else:
            return _applied(request, case)
    if "form_token" in form.errors:
        # an expired or missing token: a fresh one, so that the corrected form can be sent
        data = request.POST.copy()
        data["form_token"] = secrets.token_urlsafe(24)
        form.data = data
    return render(request, "legalaid/public_apply.html", {"form": form}, status=422)


@public_limit
def public_applied(request: HttpRequest) -> HttpResponse:
    """The confirmation of the online application this browser filed: the query code and what to
    bring. Reading it again files nothing."""
    case = selectors.case_by_number(request.session.get(APPLIED_SESSION_KEY) or "")
    if case is None:
        return redirect("legalaid_public:apply")
    return render(
        request,
        "legalaid/public_applied.html",
        {
            "case": case,
            "query_code": querycode.display(case.matter.query_code),
            "code": case.matter.query_code,
            "qr_svg": querycode.qr_svg(request.build_absolute_uri(f"/t/{case.matter.query_code}")),
        },
    )


@public_limit
def roster(request: HttpRequest) -> HttpResponse:
    """The published roster of legal-aid lawyers and workers an applicant may choose from (点援制)."""
    return render(request, "legalaid/roster.html", {"people": selectors.roster()})

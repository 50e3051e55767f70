"""The typical-case library (案例库): every write, one function per step.

A case is anonymised automatically whenever its text is saved (names, ID numbers, phones, addresses,
e-mail addresses are replaced by markers such as 【姓名甲】); the reviewer reads the result and
publishes it or returns it with a reason. Each step runs under ``transaction.atomic(durable=True)``
with the row locked, the state checked on the locked row and an audit row written with the change.
Staff act on the cases of their unit's subtree only; to anyone else a case does not exist. Reads are
in :mod:`yizhan.knowledge.selectors`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import statute_engine
from yizhan.accounts.models import User
from yizhan.accounts.roles import REVIEW_CASE, SUBMIT_CASE
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.knowledge.models import Article, CaseStatus, TypicalCase
from yizhan.knowledge.selectors import statute_citations, units_of
from yizhan.knowledge.services.statutes import articles_for_citations, suggest_statutes
from yizhan.matters.models import LegalDomain, Matter
from yizhan.matters.selectors import access_matter

CONCLUDED_STATES = ("concluded", "fed_back", "followed_up", "archived")
SEPARATOR = "\n\u2063\n"  # an invisible separator, so a name found in the body is removed from the title


def anonymise(text: str) -> tuple[str, dict[str, int]]:
    """The text without personal data, and how many of each kind were replaced (never the values)."""
    clean, findings = statute_engine.anonymise(text)
    return clean, dict(Counter(f.type for f in findings))


def anonymise_case(title: str, body: str) -> tuple[str, str, dict[str, int]]:
    """Title and body anonymised together: a name recognised in the body is replaced in the title too."""
    clean, removed = anonymise(title + SEPARATOR + body)
    if SEPARATOR in clean:
        clean_title, clean_body = clean.split(SEPARATOR, 1)
    else:  # the separator never changes; kept safe all the same
        clean_title, clean_body = anonymise(title)[0], anonymise(body)[0]
    return clean_title.strip(), clean_body.strip(), removed


def _check_text(title: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写标题。")
    elif len(title) > 100:
        errors["title"] = _("标题不能超过100个字。")
    if len(body.strip()) < 20:
        errors["body"] = _("案情与处理至少写20个字。")
    if errors:
        raise InvalidInput(_("案例内容不完整。"), fields=errors)


def _suggested_statutes(title: str, body: str) -> list[Article]:
    """The articles the statute search finds for a case's text (run outside any transaction: the first
    search of a process may build the index)."""
    try:
        hits = suggest_statutes(title, body, k=3)
    except InvalidInput:
        return []
    by_source = Article.objects.in_bulk([h["source_id"] for h in hits], field_name="source_id")
    return [by_source[h["source_id"]] for h in hits if h["source_id"] in by_source]


def cited_statutes(citations: str) -> list[Article]:
    """The articles a reviewer or FAQ editor lists (《劳动法》第五十条、民法典第1085条 …); every one
    must exist (else a field error on ``statutes``)."""
    found, unknown = articles_for_citations(citations)
    if unknown:
        message = _("法规库中找不到：%(c)s。") % {"c": "、".join(unknown)}
        raise InvalidInput(message, fields={"statutes": message})
    if not found and citations.strip():
        message = _("没有识别出法条，请按「《劳动法》第五十条」的格式填写。")
        raise InvalidInput(message, fields={"statutes": message})
    return found


def _check_scope(case: TypicalCase, actor: User) -> None:
    """Only staff of the submitting unit's subtree act on a case; to anyone else it does not exist."""
    if case.unit_id not in units_of(actor):
        raise NotFound(_("案例不存在。"))


def do_create_case(
    *, title: str, body: str, domain: LegalDomain | None = None, matter: Matter | None = None, actor: User
) -> TypicalCase:
    """A new draft, anonymised, with the statutes the search suggests for it."""
    if not actor.has_perm(SUBMIT_CASE):
        raise Forbidden(_("您的账号没有撰写案例的权限。"))
    if actor.unit_id is None:
        raise Forbidden(_("您的账号不属于任何单位，不能撰写案例。"))
    _check_text(title, body)
    clean_title, clean, removed = anonymise_case(title, body)
    statutes = _suggested_statutes(clean_title, clean)
    with transaction.atomic(durable=True):
        case = TypicalCase.objects.create(
            title=clean_title,
            body=clean,
            domain=domain,
            source_matter=matter,
            unit_id=actor.unit_id,
            removed=removed,
            created_by=actor,
        )
        case.statutes.set(statutes)
        audit.record(AuditAction.CREATE, case, actor=actor, changes={"removed": case.removed})
    return case


def do_create_case_from_matter(number: str, *, actor: User) -> TypicalCase:
    """Draft a case from a concluded matter of any module: its title, facts and result, anonymised."""
    matter = access_matter(actor, number)
    if matter.state not in CONCLUDED_STATES:
        raise IllegalTransition(_("只有已办结的事项可以报送为典型案例。"))
    if TypicalCase.objects.filter(source_matter=matter).exists():
        raise IllegalTransition(_("该事项已经报送过典型案例。"))
    body = "\n".join(
        part
        for part in (
            _("【基本案情】") + (matter.facts or ""),
            _("【处理结果】") + (matter.result or matter.answer or ""),
        )
        if part
    )
    return do_create_case(title=matter.title, body=body, domain=matter.domain, matter=matter, actor=actor)


def do_edit_case(
    case: TypicalCase, *, title: str, body: str, statutes: str | None = None, actor: User
) -> TypicalCase:
    """The author edits a draft or returned case; a reviewer may also correct a submitted one.
    ``statutes`` lists the related articles as citations; blank or None: suggested from the text."""
    if not (actor.has_perm(SUBMIT_CASE) or actor.has_perm(REVIEW_CASE)):
        raise Forbidden(_("没有权限。"))
    _check_scope(case, actor)
    _check_text(title, body)
    cited = cited_statutes(statutes) if statutes and statutes.strip() else None
    clean_title, clean, removed = anonymise_case(title, body)
    articles = cited if cited is not None else _suggested_statutes(clean_title, clean)
    with transaction.atomic(durable=True):
        locked = TypicalCase.objects.select_for_update().get(pk=case.pk)
        if locked.status == CaseStatus.PUBLISHED:
            raise IllegalTransition(_("已发布的案例不能修改。"))
        if locked.status == CaseStatus.SUBMITTED and not actor.has_perm(REVIEW_CASE):
            raise IllegalTransition(_("案例已报送，等待审核，不能修改。"))
        before = {"title": locked.title, "body": locked.body}
        locked.title, locked.body = clean_title, clean
        locked.removed = dict(Counter(locked.removed) + Counter(removed))
        before_statutes = statute_citations(locked)
        locked.save()
        locked.statutes.set(articles)
        changes = audit.diff(before, {"title": locked.title, "body": locked.body})
        changes.update(audit.diff({"statutes": before_statutes}, {"statutes": statute_citations(locked)}))
        audit.record(AuditAction.UPDATE, locked, actor=actor, changes=changes)
    case.refresh_from_db()
    return case


def _move(
    case: TypicalCase,
    actor: User,
    *,
    sources: tuple[str, ...],
    target: str,
    label: str,
    effect: Callable[[TypicalCase], dict[str, Any] | None] | None = None,
) -> TypicalCase:
    """The one place a case's status changes: scope, row lock, state check, effect, audit row."""
    _check_scope(case, actor)
    with transaction.atomic(durable=True):
        locked = TypicalCase.objects.select_for_update().get(pk=case.pk)
        if locked.status not in sources:
            raise IllegalTransition(
                _("案例当前为「%(s)s」，不能%(a)s。") % {"s": locked.get_status_display(), "a": label}
            )
        changes: dict[str, Any] = {"status": [locked.status, target]}
        if effect is not None:
            changes.update(effect(locked) or {})
        locked.status = target
        locked.save()
        audit.record(AuditAction.TRANSITION, locked, actor=actor, changes=changes)
    case.refresh_from_db()
    return case


def do_submit_case(case: TypicalCase, *, actor: User) -> TypicalCase:
    if not actor.has_perm(SUBMIT_CASE):
        raise Forbidden(_("您的账号没有报送案例的权限。"))

    def effect(locked: TypicalCase) -> None:
        # the first submission counts for the monthly report; a resubmission after a return does not
        # move the case into another month
        locked.submitted_at = locked.submitted_at or timezone.now()

    return _move(
        case,
        actor,
        sources=(CaseStatus.DRAFT, CaseStatus.RETURNED),
        target=CaseStatus.SUBMITTED,
        label=_("报送"),
        effect=effect,
    )


def do_publish_case(case: TypicalCase, *, actor: User) -> TypicalCase:
    if not actor.has_perm(REVIEW_CASE):
        raise Forbidden(_("您的账号没有审核案例的权限。"))

    def effect(locked: TypicalCase) -> dict[str, Any]:
        # a last automatic pass: nothing a reviewer typed back in may leave with personal data
        locked.title, locked.body, removed = anonymise_case(locked.title, locked.body)
        if removed:
            locked.removed = dict(Counter(locked.removed) + Counter(removed))
        locked.reviewed_by = actor
        locked.published_at = timezone.now()
        return {"removed_at_publication": removed} if removed else {}

    return _move(
        case,
        actor,
        sources=(CaseStatus.SUBMITTED,),
        target=CaseStatus.PUBLISHED,
        label=_("发布"),
        effect=effect,
    )


def do_return_case(case: TypicalCase, reason: str, *, actor: User) -> TypicalCase:
    if not actor.has_perm(REVIEW_CASE):
        raise Forbidden(_("您的账号没有审核案例的权限。"))
    if not reason.strip():
        raise InvalidInput(_("请写明退回理由。"), fields={"reason": _("请写明退回理由。")})

    def effect(locked: TypicalCase) -> dict[str, Any]:
        locked.return_reason = reason.strip()[:255]
        locked.reviewed_by = actor
        return {"return_reason": locked.return_reason}

    return _move(
        case,
        actor,
        sources=(CaseStatus.SUBMITTED,),
        target=CaseStatus.RETURNED,
        label=_("退回"),
        effect=effect,
    )

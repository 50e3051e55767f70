"""The typical-case library (案例库) and FAQ: one function per step, shared by pages and API.

A case is anonymised automatically whenever its text is saved (names, ID numbers, phones, addresses,
e-mail addresses are replaced by markers such as 【姓名甲】); the reviewer reads the result and
publishes it or returns it with a reason. Staff see the cases of their unit's subtree; published
cases are public."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import statute_engine as engine
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.knowledge.models import Article, CaseStatus, Faq, TypicalCase
from yizhan.matters.models import Matter
from yizhan.matters.selectors import access_matter
from yizhan.orgs.selectors import subtree_ids

SUBMIT = "knowledge.submit_typicalcase"
REVIEW = "knowledge.review_typicalcase"
MANAGE_FAQ = "knowledge.manage_faq"
CONCLUDED_STATES = ("concluded", "fed_back", "followed_up", "archived")


REMOVED_LABELS = {
    "id_card": gettext_lazy("身份证号"),
    "phone": gettext_lazy("手机号"),
    "landline": gettext_lazy("固定电话"),
    "bank_card": gettext_lazy("银行卡号"),
    "email": gettext_lazy("电子邮箱"),
    "address": gettext_lazy("住址"),
    "name": gettext_lazy("姓名"),
}


def removed_summary(case: TypicalCase) -> str:
    """已自动去除：姓名 2 处、手机号 1 处 (what kinds of personal data were replaced, never the values)."""
    return "、".join(
        _("%(kind)s %(n)d 处") % {"kind": REMOVED_LABELS.get(kind, kind), "n": n}
        for kind, n in case.removed.items()
    )


def anonymise(text: str) -> tuple[str, dict[str, int]]:
    """The text without personal data, and how many of each kind were replaced (never the values)."""
    clean, findings = engine.anonymise(text)
    return clean, dict(Counter(f.type for f in findings))


SEPARATOR = "\n\u2063\n"  # an invisible separator, so a name found in the body is removed from the title


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
    from yizhan.knowledge import services

    try:
        hits = services.suggest_statutes(title, body, k=3)
    except InvalidInput:
        return []
    by_source = Article.objects.in_bulk([h["source_id"] for h in hits], field_name="source_id")
    return [by_source[h["source_id"]] for h in hits if h["source_id"] in by_source]


def _cited_statutes(citations: str) -> list[Article]:
    """The articles a reviewer lists (《劳动法》第五十条、民法典第1085条 …); every one must exist."""
    from yizhan.knowledge import services

    found, unknown = services.articles_for_citations(citations)
    if unknown:
        message = _("法规库中找不到：%(c)s。") % {"c": "、".join(unknown)}
        raise InvalidInput(message, fields={"statutes": message})
    if not found and citations.strip():
        message = _("没有识别出法条，请按「《劳动法》第五十条」的格式填写。")
        raise InvalidInput(message, fields={"statutes": message})
    return found


def statute_citations(item: TypicalCase | Faq) -> str:
    """A case's or FAQ's statutes as the text the edit form shows (《劳动法》第五十条、…)."""
    return "、".join(f"《{a.law.short_name}》{a.label}" for a in item.statutes.select_related("law"))


def _units(user: User) -> frozenset[int]:
    return subtree_ids(user.unit_id) if user.unit_id else frozenset()


def _check_scope(case: TypicalCase, actor: User) -> None:
    """Only staff of the submitting unit's subtree act on a case; to anyone else it does not exist."""
    if case.unit_id not in _units(actor):
        raise NotFound(_("案例不存在。"))


def visible_cases(user: User) -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(
        Q(unit_id__in=_units(user)) | Q(status=CaseStatus.PUBLISHED)
    ).select_related("unit", "domain", "created_by")


def access_case(user: User, pk: int) -> TypicalCase:
    case = visible_cases(user).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("案例不存在。"))
    return case


def keywords(q: str) -> list[str]:
    """Search words of a question, at most eight: the statute search's analyzer (legal dictionary,
    stopwords such as 怎么办 / 可以 removed), two characters or more."""
    from statute_engine.tokenize import get_analyzer

    return list(dict.fromkeys(w for w in get_analyzer().query_words(q) if len(w) >= 2))[:8]


def _matching(qs: QuerySet[Any], heading: str, text: str, q: str, *then: str) -> QuerySet[Any]:
    """Rows where a keyword of ``q`` occurs, most relevant first: each keyword found counts one, and
    one more when it is in the heading (title / question); ties by ``then``. Without keywords (a
    question of stopwords only) nothing matches."""
    words = keywords(q)
    if not words:
        return qs.none()
    found = Q()
    relevance: Any = Value(0)
    for word in words:
        in_heading = Q(**{f"{heading}__icontains": word})
        in_text = Q(**{f"{text}__icontains": word})
        found |= in_heading | in_text
        relevance = relevance + Case(When(in_heading | in_text, then=Value(1)), default=Value(0))
        relevance = relevance + Case(When(in_heading, then=Value(1)), default=Value(0))
    return qs.filter(found).annotate(relevance=relevance).order_by("-relevance", *then)


def published_cases(q: str = "") -> QuerySet[TypicalCase]:
    qs = TypicalCase.objects.filter(status=CaseStatus.PUBLISHED).select_related("domain")
    if q.strip():
        return _matching(qs, "title", "body", q, "-published_at")
    return qs.order_by("-published_at")


def search_visible_cases(user: User, q: str) -> QuerySet[TypicalCase]:
    """The staff search box: cases of the user's subtree in any state, and published cases."""
    return _matching(visible_cases(user), "title", "body", q, "-created_at")


def create_case(
    actor: User, *, title: str, body: str, domain: Any = None, matter: Matter | None = None
) -> TypicalCase:
    if not actor.has_perm(SUBMIT):
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


def case_from_matter(actor: User, number: str) -> TypicalCase:
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
    return create_case(actor, title=matter.title, body=body, domain=matter.domain, matter=matter)


def edit_case(
    case: TypicalCase, actor: User, *, title: str, body: str, statutes: str | None = None
) -> TypicalCase:
    """The author edits a draft or returned case; a reviewer may also correct a submitted one.
    ``statutes`` lists the related articles as citations; blank or None: suggested from the text."""
    if not (actor.has_perm(SUBMIT) or actor.has_perm(REVIEW)):
        raise Forbidden(_("没有权限。"))
    _check_scope(case, actor)
    _check_text(title, body)
    cited = _cited_statutes(statutes) if statutes and statutes.strip() else None
    clean_title, clean, removed = anonymise_case(title, body)
    articles = cited if cited is not None else _suggested_statutes(clean_title, clean)
    with transaction.atomic(durable=True):
        locked = TypicalCase.objects.select_for_update().get(pk=case.pk)
        if locked.status == CaseStatus.PUBLISHED:
            raise IllegalTransition(_("已发布的案例不能修改。"))
        if locked.status == CaseStatus.SUBMITTED and not actor.has_perm(REVIEW):
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


def submit_case(case: TypicalCase, actor: User) -> TypicalCase:
    if not actor.has_perm(SUBMIT):
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


def publish_case(case: TypicalCase, actor: User) -> TypicalCase:
    if not actor.has_perm(REVIEW):
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


def return_case(case: TypicalCase, actor: User, reason: str) -> TypicalCase:
    if not actor.has_perm(REVIEW):
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


def monthly_counts(user: User, month: datetime.date) -> list[dict[str, Any]]:
    """Cases submitted in ``month`` per unit of the user's subtree (for the city's monthly report)."""
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    rows = (
        TypicalCase.objects.filter(
            unit_id__in=_units(user), submitted_at__date__gte=start, submitted_at__date__lt=end
        )
        .values("unit_id", "unit__name")
        .annotate(submitted=Count("id"), published=Count("id", filter=Q(status=CaseStatus.PUBLISHED)))
        .order_by("unit__name")
    )
    return [
        {
            "unit_id": r["unit_id"],
            "unit": r["unit__name"],
            "submitted": r["submitted"],
            "published": r["published"],
        }
        for r in rows
    ]


# --- FAQ ---------------------------------------------------------------------------------------------


def _require_faq_editor(actor: User) -> None:
    if not actor.has_perm(MANAGE_FAQ):
        raise Forbidden(_("您的账号没有编辑常见问题的权限。"))


def manageable_faqs(actor: User) -> QuerySet[Faq]:
    """Every FAQ entry, drafts included, for those who edit them."""
    _require_faq_editor(actor)
    return Faq.objects.select_related("updated_by").order_by("-updated_at")


def save_faq_citing(
    actor: User, *, question: str, answer: str, citations: str, published: bool, faq: Faq | None = None
) -> Faq:
    """:func:`save_faq` with the statutes written as citations (《劳动合同法》第三十条、民法典第1165条)."""
    _require_faq_editor(actor)
    statutes = _cited_statutes(citations) if citations.strip() else []
    return save_faq(
        actor,
        question=question,
        answer=answer,
        statute_ids=[a.source_id for a in statutes],
        published=published,
        faq=faq,
    )


def published_faqs(q: str = "") -> QuerySet[Faq]:
    qs = Faq.objects.filter(published=True)
    if q.strip():
        return _matching(qs, "question", "answer", q, "question")
    return qs


def save_faq(
    actor: User,
    *,
    question: str,
    answer: str,
    statute_ids: list[int],
    published: bool,
    faq: Faq | None = None,
) -> Faq:
    _require_faq_editor(actor)
    errors = {}
    if not question.strip():
        errors["question"] = _("请填写问题。")
    elif len(question.strip()) > Faq._meta.get_field("question").max_length:
        errors["question"] = _("问题不能超过200个字。")
    if not answer.strip():
        errors["answer"] = _("请填写解答。")
    statutes = list(Article.objects.filter(source_id__in=statute_ids))
    if len(statutes) != len(set(statute_ids)):
        errors["statutes"] = _("有法条不存在。")
    if published and not statutes:
        errors["statutes"] = _("发布的常见问题须注明所依据的法条。")
    if errors:
        raise InvalidInput(_("常见问题内容有误。"), fields=errors)
    with transaction.atomic():
        faq = faq or Faq(updated_by=actor)
        action = AuditAction.UPDATE if faq.pk else AuditAction.CREATE
        faq.question, faq.answer, faq.published, faq.updated_by = (
            question.strip(),
            answer.strip(),
            published,
            actor,
        )
        faq.save()
        faq.statutes.set(statutes)
        audit.record(action, faq, actor=actor, changes={"published": published})
    return faq

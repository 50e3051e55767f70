"""FAQ entries (常见问题): written and edited by holders of ``knowledge.manage_faq``; a published entry
names the statutes it rests on. Every save is audited. Reads are in :mod:`yizhan.knowledge.selectors`."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.accounts.roles import MANAGE_FAQ
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.knowledge.models import FAQ_QUESTION_MAX, Article, Faq
from yizhan.knowledge.services.cases import cited_statutes


def _require_faq_editor(actor: User) -> None:
    if not actor.has_perm(MANAGE_FAQ):
        raise Forbidden(_("您的账号没有编辑常见问题的权限。"))


def do_save_faq_citing(
    *, question: str, answer: str, citations: str, published: bool, faq: Faq | None = None, actor: User
) -> Faq:
    """:func:`do_save_faq` with the statutes written as citations (《劳动合同法》第三十条、民法典第1165条)."""
    _require_faq_editor(actor)
    statutes = cited_statutes(citations) if citations.strip() else []
    return do_save_faq(
        question=question,
        answer=answer,
        statute_ids=[a.source_id for a in statutes],
        published=published,
        faq=faq,
        actor=actor,
    )


def do_save_faq(
    *,
    question: str,
    answer: str,
    statute_ids: list[int],
    published: bool,
    faq: Faq | None = None,
    actor: User,
) -> Faq:
    """Create an FAQ entry, or update ``faq``; the statutes are given by their source ids."""
    _require_faq_editor(actor)
    errors = {}
    if not question.strip():
        errors["question"] = _("请填写问题。")
    elif len(question.strip()) > FAQ_QUESTION_MAX:
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
    with transaction.atomic(durable=True):
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

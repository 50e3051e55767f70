"""Whom the legal-aid centre may assign: the statutory checks of assignment, one small rule per
provision (法律援助法第十二、十三条; 第二十五、二十八、三十六条 and 刑事诉讼法第三十五条第一款: a lawyer
defends; 第二十六条: three years' experience where life imprisonment or death may be imposed).

Each rule is registered with the articles it rests on (``AssignmentRule.articles``), looks at the
case (its facts as stored and whether it was notified) and the person proposed, and returns a
``Refusal`` — the rule, the articles that apply, the reason — when that person may not be assigned.
``check_assignment`` runs every rule in ``ASSIGNMENT_RULES`` order and returns all refusals (none:
the assignment is lawful). Pure Python; the caller turns a refusal into a field error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from gettext import gettext as _
from typing import Any

from . import vocabulary as v
from .vocabulary import CRIMINAL_PROCEDURE_LAW, cite

#: 第十二条、第十三条: a centre assigns lawyers, grassroots legal workers and its own qualified staff
AID_PERSONNEL_ROLES = ("lawyer", "legal_aid_worker", "grassroots_legal_worker")
GRASSROOTS_LEGAL_WORKER = "grassroots_legal_worker"
#: the parties whose legal aid is a criminal defence, or the representation of 第二十八条
DEFENCE_ROLES = frozenset({"suspect_or_defendant", "compulsory_medical_respondent"})


@dataclass(frozen=True)
class AssignmentCase:
    """What the assignment rules look at in a case: a few of its facts and whether it was notified."""

    proceeding: str = ""
    role: str = ""
    person: frozenset[str] = frozenset()
    notified: bool = False

    @classmethod
    def from_facts(cls, facts: Mapping[str, Any] | None, *, notified: bool) -> AssignmentCase:
        """From a case's stored facts (the eligibility engine validated them at intake)."""
        facts = facts or {}
        return cls(
            proceeding=str(facts.get("proceeding") or ""),
            role=str(facts.get("role") or ""),
            person=frozenset(facts.get("person") or ()),
            notified=notified,
        )

    @property
    def criminal_defence(self) -> bool:
        """A defence, or a notified defence or representation: the law says a lawyer is assigned."""
        return (self.proceeding == v.CRIMINAL and self.role in DEFENCE_ROLES) or self.notified

    @property
    def needs_senior_defender(self) -> bool:
        """第二十六条: life imprisonment or death may be imposed, or a death-penalty review."""
        return bool(self.person & v.SENIOR_DEFENDER_PERSON)


@dataclass(frozen=True)
class Assignee:
    """The person proposed: their role on the roster and their years of criminal-defence practice."""

    role: str
    criminal_practice_years: int = 0


@dataclass(frozen=True)
class Refusal:
    """Why the person may not be assigned."""

    rule: str
    articles: tuple[str, ...]  # the articles that apply to this case
    reason: str
    hint: str  # what to choose instead, shown by the person field


Check = Callable[[AssignmentCase, Assignee], Refusal | None]


@dataclass(frozen=True)
class AssignmentRule:
    name: str
    articles: tuple[str, ...]
    summary: str
    check: Check


ASSIGNMENT_RULES: list[AssignmentRule] = []


def assignment_rule(*articles: str, summary: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        ASSIGNMENT_RULES.append(AssignmentRule(fn.__name__, articles, summary, fn))
        return fn

    return register


# --- the rules, in the order they are checked ------------------------------------------------------


@assignment_rule(cite(12), cite(13), summary="指派律师、基层法律服务工作者或者本机构工作人员")
def aid_personnel(case: AssignmentCase, person: Assignee) -> Refusal | None:
    if person.role in AID_PERSONNEL_ROLES:
        return None
    return Refusal(
        "aid_personnel",
        (cite(12), cite(13)),
        _("所选人员不能承办法律援助案件。"),
        _("请选择律师或法律援助工作人员。"),
    )


@assignment_rule(
    cite(25, paragraph=1),
    cite(28),
    cite(36),
    cite(35, paragraph=1, law=CRIMINAL_PROCEDURE_LAW),
    summary="刑事辩护和通知辩护、代理应当指派律师",
)
def defence_by_lawyer(case: AssignmentCase, person: Assignee) -> Refusal | None:
    if person.role != GRASSROOTS_LEGAL_WORKER or not case.criminal_defence:
        return None
    articles: tuple[str, ...]
    if case.role == "compulsory_medical_respondent":
        articles = (cite(28), cite(36)) if case.notified else (cite(28),)
    elif case.notified:
        # the notice rests on 第二十五条第一款 (or 第二十八条); 第三十六条 says the centre assigns a lawyer
        articles = (cite(25, paragraph=1), cite(36)) if case.person & set(v.PERSON) else (cite(36),)
    else:
        # a defendant who applied (第二十四条): the centre assigns a lawyer to defend them
        articles = (cite(35, paragraph=1, law=CRIMINAL_PROCEDURE_LAW),)
    return Refusal(
        "defence_by_lawyer",
        articles,
        _("刑事辩护和通知辩护、代理应当指派律师（法律援助法第二十五、二十八、三十六条）。"),
        _("基层法律服务工作者不能担任刑事辩护人，请选择律师。"),
    )


@assignment_rule(cite(26), summary="无期徒刑、死刑案件指派三年以上相关执业经历的律师")
def senior_defender(case: AssignmentCase, person: Assignee) -> Refusal | None:
    if not case.needs_senior_defender or person.criminal_practice_years >= v.SENIOR_DEFENDER_YEARS:
        return None
    return Refusal(
        "senior_defender",
        (cite(26),),
        _("可能判处无期徒刑、死刑的案件，应当指派具有三年以上相关执业经历的律师（第二十六条）。"),
        _("该律师的刑事辩护执业年限不足三年。"),
    )


def check_assignment(case: AssignmentCase, person: Assignee) -> list[Refusal]:
    """Every reason ``person`` may not be assigned to ``case``, in rule order (empty: lawful)."""
    return [refusal for r in ASSIGNMENT_RULES if (refusal := r.check(case, person)) is not None]

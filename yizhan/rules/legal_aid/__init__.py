"""Eligibility for legal aid under 中华人民共和国法律援助法, as code.

    >>> from yizhan.rules.legal_aid import evaluate
    >>> answer = evaluate({"proceeding": "civil", "claim": "wages", "groups": ["migrant_worker"]})
    >>> answer.to_public()["economic_condition"], answer.outcome
    ('exempt_from_verification', 'eligible')

Pure Python; the caller supplies the dated hardship standards (第三十四条) and the regional scope
extensions. ``RULES`` lists every rule with the articles it implements; ``ASSIGNMENT_RULES`` the
statutory checks of whom the centre may assign (``check_assignment``)."""

from .assignment import (
    AID_PERSONNEL_ROLES,
    ASSIGNMENT_RULES,
    Assignee,
    AssignmentCase,
    AssignmentRule,
    Refusal,
    check_assignment,
)
from .engine import ENGINE_VERSION, OUTCOMES, PUBLIC_KEYS, Decision, evaluate
from .facts import CONTRACT_FIELDS, OPTIONAL_FIELDS, Facts, FactsError
from .rules import RULES, Rule
from .standards import MULTIPLE_OF_MINIMUM_LIVING, PER_CAPITA_INCOME_LIMIT, Extension, Standard, standard_for
from .vocabulary import with_law_names

__all__ = [
    "AID_PERSONNEL_ROLES",
    "ASSIGNMENT_RULES",
    "CONTRACT_FIELDS",
    "ENGINE_VERSION",
    "MULTIPLE_OF_MINIMUM_LIVING",
    "OPTIONAL_FIELDS",
    "OUTCOMES",
    "PER_CAPITA_INCOME_LIMIT",
    "PUBLIC_KEYS",
    "RULES",
    "Assignee",
    "AssignmentCase",
    "AssignmentRule",
    "Decision",
    "Extension",
    "Facts",
    "FactsError",
    "Refusal",
    "Rule",
    "Standard",
    "check_assignment",
    "evaluate",
    "standard_for",
    "with_law_names",
]

"""Every change to a legal-aid case (being split into intake, steps and formalities)."""

from .steps import (
    Application,
    Notification,
    advance,
    do_apply,
    do_complete_formalities,
    do_convert_consultation,
    do_register_notification,
    do_report_progress,
    event_log,
    needs_senior_defender,
    overdue_cases,
    roster,
    steps_for,
    sweep_materials,
)

__all__ = [
    "Application",
    "Notification",
    "advance",
    "do_apply",
    "do_complete_formalities",
    "do_convert_consultation",
    "do_register_notification",
    "do_report_progress",
    "event_log",
    "needs_senior_defender",
    "overdue_cases",
    "roster",
    "steps_for",
    "sweep_materials",
]

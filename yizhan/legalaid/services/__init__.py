"""Every change to a legal-aid case happens in this package, in step with its service matter.

- ``intake``: applications, notices to assign a defender, consultations converted into applications;
- ``steps``: ``do_advance_case``, the only function that changes a case's stage, with the effect of
  each workflow step (pre-check, receipt, decision, assignment, closing, termination, objection,
  withdrawal, archiving) and progress reports;
- ``formalities``: the clocks that run on the applicant — the one-time materials request with its
  sweep that deems lapsed applications withdrawn, and the formalities after provisional aid.

Every public write is ``do_<verb>_<noun>(…, *, actor)``; reads are in ``yizhan.legalaid.selectors``.
"""

from .formalities import do_complete_formalities, do_sweep_materials
from .intake import (
    Application,
    Notification,
    do_convert_consultation,
    do_register_application,
    do_register_notification,
    online_application,
)
from .steps import check_effects, do_advance_case, do_report_progress

# every module has registered its steps' effects by now
check_effects()

__all__ = [
    "Application",
    "Notification",
    "do_advance_case",
    "do_complete_formalities",
    "do_convert_consultation",
    "do_register_application",
    "do_register_notification",
    "do_report_progress",
    "do_sweep_materials",
    "online_application",
]

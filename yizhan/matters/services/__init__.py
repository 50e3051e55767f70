"""Every change to a service matter (views, API, tasks and commands call these).

Step one of the split: the former ``services.py`` moved here whole as ``transitions``.
"""

from yizhan.matters.services.transitions import (
    RegistrationData,
    RequesterData,
    TransferData,
    allowed_transitions,
    append_event,
    do_add_attachment,
    do_hand_over,
    do_rate_by_query_code,
    do_register_matter,
    do_reveal_personal_data,
    do_update_matter,
    set_personal_data,
    sweep_deadlines,
    transition,
    unit_has_handlers,
)

__all__ = [
    "RegistrationData",
    "RequesterData",
    "TransferData",
    "allowed_transitions",
    "append_event",
    "do_add_attachment",
    "do_hand_over",
    "do_rate_by_query_code",
    "do_register_matter",
    "do_reveal_personal_data",
    "do_update_matter",
    "set_personal_data",
    "sweep_deadlines",
    "transition",
    "unit_has_handlers",
]

"""Every change to a service matter happens here (views, API, tasks, commands and other apps call these).

Each write runs in one transaction, locks the matter row, checks role and jurisdiction (through
``yizhan.matters.selectors``), writes the change, the matter event and the audit row together, and
schedules notifications on commit. Public writes are ``do_<verb>_<noun>(…, *, actor)``; ``transition``
is the one generic exception and the only function that changes ``Matter.state``.

One module per seam:

- ``registration``   登记: ``RegistrationData``, ``RequesterData``, ``do_register_matter``,
  ``do_update_matter`` (corrections to the registration)
- ``transitions``    the transition function over ``states.TRANSITIONS`` and each transition's effect:
  ``transition``, ``TransferData``, ``do_rate_matter`` (the citizen's rating by query code)
- ``hand_over``      首问责任交接: ``do_hand_over_matter``
- ``attachments``    ``do_add_attachment``
- ``personal_data``  ``set_personal_data`` (encrypt, index, mask), ``do_reveal_personal_data``,
  ``do_reveal_person_history`` — every reveal audited
- ``sweeps``         the periodic deadline sweep and escalation: ``do_sweep_deadlines``
- ``common``         the clock, the row lock and ``append_event`` (the matter's timeline)

Import from this package (``from yizhan.matters import services``), not from its modules: the names
below are the public ones.
"""

from yizhan.matters.services.attachments import do_add_attachment
from yizhan.matters.services.common import append_event
from yizhan.matters.services.hand_over import do_hand_over_matter
from yizhan.matters.services.personal_data import (
    do_reveal_person_history,
    do_reveal_personal_data,
    set_personal_data,
)
from yizhan.matters.services.registration import (
    RegistrationData,
    RequesterData,
    do_register_matter,
    do_update_matter,
)
from yizhan.matters.services.sweeps import do_sweep_deadlines
from yizhan.matters.services.transitions import TransferData, do_rate_matter, transition

__all__ = [
    "RegistrationData",
    "RequesterData",
    "TransferData",
    "append_event",
    "do_add_attachment",
    "do_hand_over_matter",
    "do_rate_matter",
    "do_register_matter",
    "do_reveal_person_history",
    "do_reveal_personal_data",
    "do_sweep_deadlines",
    "do_update_matter",
    "set_personal_data",
    "transition",
]

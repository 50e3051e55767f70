"""Personal data of requesters: encrypting, indexing and masking it on the way in
(``set_personal_data``), and revealing it on the way out — a requester's full data
(``do_reveal_personal_data``) or a person's earlier matters (``do_reveal_person_history``). Every reveal
needs its permission or role and writes an audit row.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import InvalidInput, NotFound
from yizhan.lib import pii
from yizhan.matters import selectors
from yizhan.matters.models import Matter, Requester


def set_personal_data(row: Requester, *, id_number: str = "", phone: str = "", address: str = "") -> None:
    """Encrypt, index and mask the personal data of a requester (values already validated)."""
    if id_number:
        row.id_number_encrypted = pii.encrypt(id_number)
        row.id_number_index = pii.blind_index("id_number", id_number)
        row.id_number_mask = pii.mask_id_number(id_number)
    if phone:
        row.phone_encrypted = pii.encrypt(phone)
        row.phone_index = pii.blind_index("phone", phone)
        row.phone_mask = pii.mask_phone(phone)
    if address:
        row.address_encrypted = pii.encrypt(address)
        row.address_mask = pii.mask_address(address)[:64]


def do_reveal_personal_data(requester: Requester, *, actor: User, reason: str = "") -> dict[str, str]:
    """Show a requester's full ID number, phone and address — a permission, audited every time."""
    if not selectors.can_see(actor, requester.matter):
        raise NotFound(_("事项不存在。"))
    selectors.require_permission(actor, roles.REVEAL, _("查看完整个人信息"))
    values = {
        "id_number": pii.decrypt(requester.id_number_encrypted) if requester.id_number_encrypted else "",
        "phone": pii.decrypt(requester.phone_encrypted) if requester.phone_encrypted else "",
        "address": pii.decrypt(requester.address_encrypted) if requester.address_encrypted else "",
    }
    audit.record(
        AuditAction.REVEAL,
        requester,
        actor=actor,
        object_repr=f"{requester.matter.number} {requester.name}",
        changes={"fields": [k for k, v in values.items() if v], "reason": reason[:200]},
    )
    return values


def do_reveal_person_history(*, id_number: str = "", phone: str = "", actor: User) -> QuerySet[Matter]:
    """All matters of one person (by ID number or phone) within the actor's jurisdiction (历史事项).

    The lookup uses the keyed blind index, never decryption (``selectors.matters_of_person``); each
    lookup is audited, as a reveal of who came before.
    """
    id_number = id_number.strip()
    phone = phone.strip()
    errors = {}
    if not id_number and not phone:
        errors["q"] = _("请输入身份证号或电话号码。")
    if id_number:
        try:
            id_number = pii.validate_id_number(id_number)
        except Exception as exc:
            errors["id_number"] = getattr(exc, "messages", [str(exc)])[0]
    if phone:
        try:
            phone = pii.validate_phone(phone)
        except Exception as exc:
            errors["phone"] = getattr(exc, "messages", [str(exc)])[0]
    if errors:
        raise InvalidInput(_("查询条件有误。"), fields=errors)
    audit.record(
        AuditAction.REVEAL,
        actor=actor,
        object_type="matters.person_history",
        object_repr=(pii.mask_id_number(id_number) if id_number else pii.mask_phone(phone)),
        changes={"by": "id_number" if id_number else "phone"},
    )
    return selectors.matters_of_person(actor, id_number=id_number, phone=phone)

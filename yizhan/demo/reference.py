"""The rows the migrations load (reference data, the roles as groups, the default SMS templates), put
back after something emptied the tables — a transactional test's flush does, and ``yizhan flush``."""

from __future__ import annotations

from django.apps import apps


def ensure_reference_data() -> None:
    from django.contrib.auth.models import Group
    from django.core.management.sql import emit_post_migrate_signal

    from yizhan.matters.models import LegalDomain
    from yizhan.matters.reference_data import load as load_matters_reference
    from yizhan.sms.defaults import load as load_sms_defaults

    if not LegalDomain.objects.exists():
        load_matters_reference(apps)
    if not Group.objects.exists():  # content types, permissions and the roles, as after `migrate`
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    load_sms_defaults(apps)

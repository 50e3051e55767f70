"""The administration site: every change made through it is audited, and its login is the staff login.

``yizhan.core.admin_apps.AdminConfig`` replaces ``django.contrib.admin`` in ``INSTALLED_APPS``; its
site wraps every model admin an app registers in ``AuditedModelAdmin``, so no admin screen can write
without an audit row:
creates, changes (the before and after value of each changed field, many-to-many fields included),
deletes and the rows of inline formsets are announced on ``core.signals.changed``, which the audit
app records in the same transaction. Secrets (password hashes, token digests, encrypted columns) are
named in the diff but never written to it.

The site's own login page sends people to the staff login (password, then the second factor).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from yizhan.core.signals import changed

SECRET = "（已变更，内容不记录）"  # noqa: S105 - a marker, not a password


def _is_secret(field: models.Field[Any, Any]) -> bool:
    name = field.name
    return name in ("password", "digest") or name.endswith(("_encrypted", "_index", "secret", "key"))


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The values of ``obj``'s concrete and many-to-many fields, JSON-able (secrets as a marker)."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        values[field.name] = "***" if _is_secret(field) and value else _plain(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(
                str(item)
                for item in getattr(obj, field.name).all()  # type: ignore[attr-defined]
            )
    return values


def stored_snapshot(obj: models.Model) -> dict[str, Any]:
    if obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return snapshot(stored) if stored is not None else {}


def diff(before: dict[str, Any], after: dict[str, Any], obj: models.Model) -> dict[str, Any]:
    secrets = {field.name for field in obj._meta.concrete_fields if _is_secret(field)}
    changes: dict[str, Any] = {}
    for name, value in after.items():
        if before.get(name) != value:
            changes[name] = SECRET if name in secrets else [before.get(name), value]
    return changes


def _gone(values: dict[str, Any]) -> dict[str, Any]:
    return {name: [value, None] for name, value in values.items()}


def announce(action: str, obj: models.Model, request: HttpRequest, changes: dict[str, Any]) -> None:
    changed.send(sender=type(obj), action=action, obj=obj, actor=request.user, changes=changes)


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Mixed into every registered model admin by ``AuditedAdminSite.register``."""

    #: fields whose changes the admin records itself (the user admin records role grants as ``grant``)
    audit_exclude: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        request._yz_audit_before = stored_snapshot(obj) if change else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_yz_audit_before", {})
        changes = diff(before, snapshot(obj), obj)
        for name in self.audit_exclude:
            changes.pop(name, None)
        if changes or not change:
            announce("update" if change else "create", obj, request, changes)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        before = {
            row.instance.pk: stored_snapshot(row.instance)
            for row in formset.initial_forms
            if row.has_changed() and row not in formset.deleted_forms
        }
        for row in formset.deleted_forms:
            if row.instance.pk is not None:
                announce("delete", row.instance, request, _gone(snapshot(row.instance)))
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            announce("create", obj, request, diff({}, snapshot(obj), obj))
        for obj, _fields in formset.changed_objects:
            announce("update", obj, request, diff(before.get(obj.pk, {}), snapshot(obj), obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        announce("delete", obj, request, _gone(snapshot(obj)))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            announce("delete", obj, request, _gone(snapshot(obj)))
        super().delete_queryset(request, queryset)


class AuditedAdminSite(admin.AdminSite):
    site_header = "一站 管理后台"
    site_title = "一站 管理后台"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(admin_class.__name__, (AuditedModelAdmin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login for staff and administrators: the staff login, with its second factor."""
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, reverse("accounts:login"))

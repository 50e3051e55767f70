"""The security administrator's screens: accounts and their roles, integration tokens.

Rights come from roles only (三员分立): the forms offer no ``is_superuser``, no single permissions and
no ``is_staff`` (it follows the roles); a grant goes through ``services.do_grant_roles`` (the policy,
the ``grant`` audit row). Nobody changes their own account here; superusers (made with the command
line only) and the system account are not listed; an administrator's password is reset with the
command line (``yizhan changepassword``), so that one administrator cannot take over another's account.
Every other change is audited by the site (``core.admin_site``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from yizhan.accounts import roles
from yizhan.accounts.models import ApiToken, User
from yizhan.accounts.services import do_grant_roles
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction

admin.site.unregister(Group)  # roles are declared in code (roles.py) and granted to accounts, not edited

ROLE_CHOICES = [(role.code, role.label) for role in roles.ROLES]


class _RolesMixin(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("角色"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("权限只通过角色授予。系统管理员、安全保密管理员、安全审计员三者互斥，且不兼任业务角色。"),
    )
    actor_pk: Any = None

    def clean_roles(self) -> list[str]:
        codes = list(self.cleaned_data.get("roles") or [])
        instance = getattr(self, "instance", None)
        try:
            roles.check_grant(
                actor_pk=self.actor_pk,
                target_pk=getattr(instance, "pk", None),
                target_is_superuser=bool(getattr(instance, "is_superuser", False)),
                codes=set(codes),
            )
        except roles.GrantRefused as refused:
            raise forms.ValidationError(refused.message) from refused
        return codes


class UserChangeForm(_RolesMixin, auth_forms.UserChangeForm):  # type: ignore[misc]
    class Meta:
        model = User
        fields = ("username", "password", "full_name", "email", "unit", "is_integration", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["roles"].initial = list(self.instance.groups.values_list("name", flat=True))


class UserCreationForm(_RolesMixin, auth_forms.AdminUserCreationForm):  # type: ignore[misc]
    class Meta:
        model = User
        fields = ("username", "full_name", "unit", "is_integration")


@admin.register(User)
class YizhanUserAdmin(UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "unit", "is_active", "is_integration", "last_login")
    list_filter = ("is_active", "is_integration", "groups")
    search_fields = ("username", "full_name")
    autocomplete_fields = ("unit",)
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "email")}),
        (_("单位与角色"), {"fields": ("unit", "roles", "is_integration", "is_active")}),
        (_("登录记录"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2", "full_name", "unit"),
            },
        ),
        (_("角色"), {"fields": ("roles", "is_integration")}),
    )
    audit_exclude = ("groups", "last_login")  # grants are recorded as ``grant`` by the service

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request).filter(is_system=False)
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor_pk": request.user.pk})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.pk == request.user.pk:
            return False  # nobody grants themself a role or re-enables themself
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit refers to them

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        do_grant_roles(form.instance, form.cleaned_data.get("roles") or [], actor=request.user)  # type: ignore[arg-type]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        target = self.get_object(request, id)
        if target is not None and not request.user.is_superuser and target.is_administrator:
            raise PermissionDenied  # an administrator's password is reset with the command line
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and target is not None:
            audit.record(AuditAction.UPDATE, target, actor=request.user, changes={"password": "（已重置）"})
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with the command line (shown once); here they are renamed, shortened, revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")
    exclude = ("digest",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the audit refers to the token

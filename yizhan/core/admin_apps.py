"""``django.contrib.admin`` with the audited site (``core.admin_site``) as ``admin.site``."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "yizhan.core.admin_site.AuditedAdminSite"

from django.contrib import admin
from django.urls import include, path

from yizhan.api import api

urlpatterns = [
    path("", include("yizhan.portal.urls")),
    path("accounts/", include("yizhan.accounts.urls")),
    path("laws/", include("yizhan.knowledge.urls")),
    path("legal-aid/", include("yizhan.legalaid.public_urls")),
    path("staff/knowledge/", include("yizhan.knowledge.staff_urls")),
    path("staff/ledgers/", include("yizhan.ledgers.urls")),
    path("staff/legal-aid/", include("yizhan.legalaid.urls")),
    path("staff/orgs/", include("yizhan.orgs.urls")),
    path("staff/sms/", include("yizhan.sms.urls")),
    path("staff/", include("yizhan.core.urls")),
    path("staff/", include("yizhan.matters.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

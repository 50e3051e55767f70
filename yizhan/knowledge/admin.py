from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yizhan.knowledge.models import Article, CorpusImport, Faq, Law


@admin.register(Law)
class LawAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "status", "source_status", "version_date", "effective_date")
    list_filter = ("status", "department")
    search_fields = ("name",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the corpus comes from `yizhan laws import`, not from hand edits


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("law", "label", "chapter")
    search_fields = ("law__name", "text")
    list_select_related = ("law",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CorpusImport)
class CorpusImportAdmin(admin.ModelAdmin):
    list_display = ("at", "laws", "articles", "created", "updated", "source")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class FaqForm(forms.ModelForm):
    class Meta:
        model = Faq
        fields = ("question", "answer", "statutes", "published")

    def clean(self) -> dict:  # type: ignore[override]
        data = super().clean() or {}
        if data.get("published") and not data.get("statutes"):
            self.add_error("statutes", _("发布的常见问题须注明所依据的法条。"))
        return data


@admin.register(Faq)
class FaqAdmin(admin.ModelAdmin):
    """常见问题, edited by whoever holds knowledge.manage_faq (the district manager)."""

    form = FaqForm
    list_display = ("question", "published", "updated_at")
    list_filter = ("published",)
    search_fields = ("question", "answer")
    autocomplete_fields = ("statutes",)

    def _allowed(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.has_perm("knowledge.manage_faq")

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._allowed(request)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._allowed(request)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)  # audited by the admin site (core.admin_site)

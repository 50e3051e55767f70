from django.contrib import admin

from yizhan.knowledge.models import Article, CorpusImport, Law


@admin.register(Law)
class LawAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "status", "effective_date")
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

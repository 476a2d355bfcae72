from django.contrib import admin

from control.catalogue.models import CatalogueImport, MasterDocument, MasterFee, MasterField, MasterProcedure


@admin.register(MasterField)
class MasterFieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sample")
    search_fields = ("code", "name")


class FeeInline(admin.TabularInline):
    model = MasterFee
    extra = 0


class DocumentInline(admin.TabularInline):
    model = MasterDocument
    extra = 0


@admin.register(MasterProcedure)
class MasterProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "is_current", "name", "field", "processing_amount", "processing_unit",
                    "needs_review", "review_reason")
    list_filter = ("is_current", "needs_review", "field", "online_level", "sample")
    search_fields = ("code", "name")
    inlines = [FeeInline, DocumentInline]
    readonly_fields = ("content_hash", "created_at")


@admin.register(CatalogueImport)
class CatalogueImportAdmin(admin.ModelAdmin):
    list_display = ("at", "source", "created", "updated", "unchanged", "by")

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

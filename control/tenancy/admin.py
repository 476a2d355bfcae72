from django.contrib import admin

from control.tenancy.models import Domain, Hold, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class HoldInline(admin.TabularInline):
    """Shown, never edited here: holds are placed and lifted by their owners (lifecycle)."""

    model = Hold
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at")

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "status", "admin_code", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "slug", "admin_code")
    # The status changes only through its state machine (control.tenancy.lifecycle), never by hand.
    readonly_fields = ("schema_name", "status", "resume_status", "created_at")
    inlines = [DomainInline, HoldInline]

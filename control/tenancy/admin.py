from django.contrib import admin

from control.tenancy.models import Domain, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "status", "admin_code", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "slug", "admin_code")
    readonly_fields = ("schema_name", "created_at")
    inlines = [DomainInline]

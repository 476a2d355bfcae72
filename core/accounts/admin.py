from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from core.accounts.models import User


@admin.register(User)
class AccountAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Thông tin thêm", {"fields": ("kind", "full_name", "phone")}))
    list_display = ("username", "full_name", "kind", "is_active", "last_login")

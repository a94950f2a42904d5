from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditLog,
    Child,
    Family,
    OutboxMessage,
    Parent,
    PartnerOrganisation,
    School,
    SchoolBoard,
    SchoolYearFigures,
    SentLog,
    User,
)


class SchoolYearFiguresInline(admin.TabularInline):
    model = SchoolYearFigures
    extra = 0


@admin.register(SchoolBoard)
class SchoolBoardAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "board", "municipality", "district", "servicepunt_name"]
    list_filter = ["type", "board", "municipality"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SchoolYearFiguresInline]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "contact_person", "substitute_person"]
    list_filter = ["category"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "organisation", "board", "is_active"]
    list_filter = ["role", "is_active", "organisation", "board"]
    filter_horizontal = ["schools", "groups", "user_permissions"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ["role", "schools", "organisation", "board"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ["role", "schools", "organisation", "board"]}),
    ]


class ParentInline(admin.StackedInline):
    model = Parent
    extra = 0


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["code", "school", "interpreter_needed", "anonymised_at"]
    list_filter = ["school"]
    search_fields = ["code"]
    inlines = [ParentInline, ChildInline]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "role", "action", "object_type", "object_id", "family"]
    list_filter = ["action", "role", "object_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task_name"]
    date_hierarchy = "created_at"


@admin.register(SentLog)
class SentLogAdmin(ReadOnlyAdmin):
    list_display = ["kind", "key", "sent_at"]
    list_filter = ["kind"]
    date_hierarchy = "sent_at"

    def has_delete_permission(self, request, obj=None):
        return False

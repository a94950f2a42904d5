from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ReachExportJob, ReachSnapshot, ReachSnapshotSchool


class ReachSnapshotSchoolInline(admin.TabularInline):
    model = ReachSnapshotSchool
    fields = ["school_name", "board_name", "pupils", "families"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReachSnapshot)
class ReachSnapshotAdmin(admin.ModelAdmin):
    """Frozen years can be looked at and, to freeze a year again, deleted; never edited."""

    list_display = ["school_year", "frozen_at", "frozen_by"]
    readonly_fields = ["school_year", "frozen_at", "frozen_by"]
    inlines = [ReachSnapshotSchoolInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReachExportJob)
class ReachExportJobAdmin(admin.ModelAdmin):
    """The prepared reach downloads, for operators to see stuck or failed ones: read-only (the
    task and the hourly removal change them), for superusers only, and never the file."""

    list_display = ["created_at", "user", "status", "progress", "fmt", "period", "finished_at"]
    list_filter = ["status", "fmt"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    fields = [
        "public_id",
        "user",
        "status",
        "progress",
        "progressed_at",
        "error",
        "created_at",
        "finished_at",
        "fmt",
        "first_day",
        "last_day",
        "breakdown",
        "min_cell",
        "school_ids",
        "scope_ids",
        "filename",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    @admin.display(description=_("period"), ordering="first_day")
    def period(self, job):
        return f"{job.first_day:%Y-%m-%d} - {job.last_day:%Y-%m-%d}"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import ReachSnapshot, ReachSnapshotSchool


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

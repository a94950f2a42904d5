from django.contrib import admin

from familieschool.admin import NamedInputsMixin, NamedTabularInline

from .models import (
    Activity,
    ActivityFunding,
    ActivityType,
    BuildingBlock,
    FundingBudget,
    FundingSource,
    Session,
)


@admin.register(BuildingBlock)
class BuildingBlockAdmin(NamedInputsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    list_editable = ["name", "sort_order"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the category of the offer's rows in the exports (a stable contract).
        return ["code"] if obj is not None else []


@admin.register(ActivityType)
class ActivityTypeAdmin(NamedInputsMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "building_block",
        "target_group",
        "without_sessions",
        "sort_order",
    ]
    list_editable = ["name", "building_block", "target_group", "without_sessions", "sort_order"]
    list_filter = ["building_block", "target_group", "without_sessions"]
    list_select_related = ["building_block"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Code refers to the stable codes (koffieochtend, verlengde_schooldag) the app relies on.
        return ["code"] if obj is not None else []


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class ActivityFundingInline(NamedTabularInline):
    model = ActivityFunding
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(FundingBudget)
class FundingBudgetAdmin(admin.ModelAdmin):
    list_display = ["school_year", "school", "source", "activity", "amount"]
    list_filter = ["school_year", "source", "school"]
    search_fields = ["school__name", "source__name", "activity__title"]
    list_select_related = ["school", "source", "activity"]
    autocomplete_fields = ["source", "activity"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "school",
        "type",
        "target_group",
        "organiser",
        "weekday",
        "start_time",
        "valid_from",
        "valid_until",
        "public",
    ]
    list_filter = ["school", "type", "target_group", "organiser", "funding_sources", "public"]
    search_fields = ["title"]
    list_select_related = ["school", "type"]
    autocomplete_fields = ["organiser_partner"]
    inlines = [ActivityFundingInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["activity", "date", "topic", "partner_present", "anonymous_count", "cancelled"]
    list_filter = ["cancelled", "activity__school", "activity__type"]
    date_hierarchy = "date"
    search_fields = ["activity__title", "topic"]
    list_select_related = ["activity", "partner_present"]
    raw_id_fields = ["activity"]

from django.contrib import admin
from django.contrib.admin import widgets

from familieschool.admin import FamilyRecordAdmin, NamedInputsMixin

from .models import (
    Contact,
    ContactSource,
    Provision,
    ProvisionKind,
    Referral,
    ReferralStatusChange,
    Theme,
)
from .services import contact_themes_set


@admin.register(Theme)
class ThemeAdmin(NamedInputsMixin, admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    filter_horizontal = ["suggested_partners"]

    def get_readonly_fields(self, request, obj=None):
        # Imports and reports refer to the code; once a theme exists its code stays.
        return ["code"] if obj is not None else []


class CodedListAdmin(NamedInputsMixin, admin.ModelAdmin):
    """An editable list whose code imports and reports refer to: once it exists it stays."""

    list_display = ["name", "code", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []


@admin.register(ContactSource)
class ContactSourceAdmin(CodedListAdmin):
    pass


@admin.register(ProvisionKind)
class ProvisionKindAdmin(CodedListAdmin):
    pass


@admin.register(Provision)
class ProvisionAdmin(FamilyRecordAdmin):
    list_display = ["occurred_on", "family", "kind", "status"]
    list_filter = ["kind", "status", "family__school"]
    date_hierarchy = "occurred_on"
    raw_id_fields = ["family", "child", "contact", "referral"]
    list_select_related = ["family", "kind"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Contact)
class ContactAdmin(FamilyRecordAdmin):
    list_display = ["occurred_at", "school", "family", "channel", "outcome"]
    list_filter = ["school", "channel", "outcome", "source", "answered_by_partner", "themes"]
    date_hierarchy = "occurred_at"
    raw_id_fields = ["family", "parent", "child"]
    list_select_related = ["school", "family"]
    readonly_fields = ["created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A contact stays at the school it was registered at: its theme links carry the school.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "school"] if obj is not None else fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The themes have their own link model (with the school), for which the admin makes no
        # field by itself; ``save_related`` writes them through the service.
        if db_field.name == "themes":
            kwargs["widget"] = widgets.FilteredSelectMultiple(
                db_field.verbose_name, is_stacked=False
            )
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        themes = form.cleaned_data.pop("themes", None)
        super().save_related(request, form, formsets, change)
        if themes is not None:
            contact_themes_set(contact=form.instance, themes=themes)


class ReferralStatusChangeInline(admin.TabularInline):
    model = ReferralStatusChange
    extra = 0
    fields = ["changed_at", "status", "changed_by"]
    readonly_fields = ["changed_at", "status", "changed_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(FamilyRecordAdmin):
    list_display = ["created_at", "school", "partner", "status", "follow_up_on", "warm_handover"]
    list_filter = ["status", "partner", "school", "warm_handover"]
    date_hierarchy = "created_at"
    raw_id_fields = ["contact", "family", "parent"]
    filter_horizontal = ["themes"]
    list_select_related = ["school", "partner"]
    readonly_fields = ["status_changed_at", "created_by", "created_at"]
    inlines = [ReferralStatusChangeInline]

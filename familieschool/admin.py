from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .constants import AuditAction
from .models import (
    AuditLog,
    Child,
    Family,
    OutboxMessage,
    Parent,
    PartnerOrganisation,
    School,
    SchoolBoard,
    SchoolHoliday,
    SchoolYearFigures,
    SentLog,
    User,
)
from .second_factor import second_factor_reset
from .services import audit_log_record


class FamilyRecordAdmin(admin.ModelAdmin):
    """An admin page of a family record writes an audit row, as the portal's pages do.

    Opening the change page is a view, saving is a create or change, deleting is a delete; the
    row names the family. Apps' admins of records about a family (contacts, referrals) use it.
    """

    def _family_of(self, obj):
        return obj if isinstance(obj, Family) else getattr(obj, "family", None)

    def _audit(self, request, action, obj):
        from .services import audit_log_record

        audit_log_record(user=request.user, action=action, obj=obj, family=self._family_of(obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and request.method == "GET":
            self._audit(request, AuditAction.VIEW, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(request, AuditAction.CHANGE if change else AuditAction.CREATE, obj)

    def delete_model(self, request, obj):
        self._audit(request, AuditAction.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit(request, AuditAction.DELETE, obj)
        super().delete_queryset(request, queryset)


class NamedInputsMixin:
    """Inputs in a table (tabular inline, list_editable) carry their field's name.

    Such a table shows the name once in its column header, which a screen reader does not read
    as the input's label; without this every row's input is unnamed (axe: ``label``).
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return field


class NamedDeleteFormSet(BaseInlineFormSet):
    """A tabular inline's "delete" checkbox sits under a column header too: name it."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete")


class NamedTabularInline(NamedInputsMixin, admin.TabularInline):
    formset = NamedDeleteFormSet


class SchoolYearFiguresInline(admin.StackedInline):
    # Stacked, not tabular: with the pupils per groep and klas a table row has 17 inputs and
    # would be far wider than the window.
    model = SchoolYearFigures
    extra = 0


class FilledValuesFilter(admin.AllValuesFieldListFilter):
    """A filter on a text field's values that leaves out the empty value: Django lists it as a
    link without text, which screen readers cannot name (axe link-name)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] != "":
                yield choice


@admin.register(SchoolBoard)
class SchoolBoardAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "type",
        "board",
        "municipality",
        "district",
        "start_year",
        "servicepunt_name",
    ]
    list_filter = [
        "type",
        "board",
        ("municipality", FilledValuesFilter),
        ("district", FilledValuesFilter),
        "start_year",
    ]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SchoolYearFiguresInline]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "contact_person", "substitute_person"]
    list_filter = ["category"]
    search_fields = ["name"]


# A project leader sees all schools, one board's or one municipality's (never both).
SCOPE_FIELDS = [
    "role",
    "schools",
    "organisation",
    "is_organisation_lead",
    "board",
    "municipality",
]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "role",
        "organisation",
        "is_organisation_lead",
        "board",
        "municipality",
        "is_active",
    ]
    list_filter = [
        "role",
        "is_active",
        "organisation",
        "board",
        ("municipality", FilledValuesFilter),
    ]
    filter_horizontal = ["schools", "groups", "user_permissions"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": SCOPE_FIELDS}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": SCOPE_FIELDS}),
    ]
    actions = ["unlock_login", "reset_second_factor"]

    @admin.action(description=_("Reset second step (lost phone): set up again at next login"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user, by=request.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Second step reset for %(count)d user.",
                "Second step reset for %(count)d users.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock login (after too many failed attempts)"))
    def unlock_login(self, request, queryset):
        for user in queryset:
            axes_reset(username=user.username)
            audit_log_record(user=request.user, action=AuditAction.UNLOCK, obj=user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)d user unlocked.", "%(count)d users unlocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AccessAttempt)
class AccessAttemptAdmin(admin.ModelAdmin):
    """Failed logins that count towards a lockout; unlocking removes them, with an audit row."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = ["attempt_time", "username", "ip_address", "user_agent", "failures_since_start"]
    readonly_fields = fields
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting is unlocking: only through the audited action below (which needs no delete
        # permission, so Django's own "delete selected" stays hidden).
        return False

    @admin.action(description=_("Unlock (remove these failed attempts)"))
    def unlock(self, request, queryset):
        count = 0
        for attempt in queryset:
            audit_log_record(user=request.user, action=AuditAction.UNLOCK, obj=attempt)
            count += 1
        queryset.delete()
        self.message_user(
            request,
            ngettext("%(count)d login attempt removed.", "%(count)d login attempts removed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class ParentInline(admin.StackedInline):
    model = Parent
    extra = 0


class ChildInline(NamedTabularInline):
    model = Child
    extra = 0
    fields = ["first_name", "group", "group_year", "birth_year"]


@admin.register(Family)
class FamilyAdmin(FamilyRecordAdmin):
    list_display = ["code", "school", "interpreter_needed", "anonymised_at"]
    list_filter = ["school"]
    search_fields = ["code"]
    inlines = [ParentInline, ChildInline]
    readonly_fields = ["privacy"]

    @admin.display(description=_("Privacy (AVG)"))
    def privacy(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?gezin={}">{}</a>',
            reverse("family-privacy", args=[obj.pk]),
            _("Everything about this family: view, download or erase"),
            reverse("audit-log"),
            obj.pk,
            _("Audit log of this family"),
        )


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


@admin.register(SchoolHoliday)
class SchoolHolidayAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "start", "end"]
    list_filter = ["region"]
    search_fields = ["name"]
    date_hierarchy = "start"

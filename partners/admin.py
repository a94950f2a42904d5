from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from familieschool.constants import Role
from familieschool.models import User

from .models import Spreekuur, SpreekuurCancellation


class SpreekuurCancellationInline(admin.TabularInline):
    model = SpreekuurCancellation
    extra = 0
    fields = ["date", "reason"]


class SpreekuurAdminForm(forms.ModelForm):
    class Meta:
        model = Spreekuur
        fields = [
            "partner",
            "school",
            "room",
            "staff",
            "weekday",
            "start_time",
            "end_time",
            "recurrence",
            "nth",
            "valid_from",
            "valid_until",
            "slot_minutes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "staff" in self.fields:
            self.fields["staff"].queryset = User.objects.filter(role=Role.PARTNER).order_by(
                "organisation__name", "first_name", "username"
            )

    def clean(self):
        cleaned = super().clean()
        partner = cleaned.get("partner")
        staff = cleaned.get("staff") or []
        strangers = [user for user in staff if partner and user.organisation_id != partner.pk]
        if strangers:
            self.add_error(
                "staff",
                _("Only staff of %(partner)s can hold this consultation hour: not %(names)s.")
                % {
                    "partner": partner,
                    "names": ", ".join(user.get_full_name() or user.username for user in strangers),
                },
            )
        return cleaned


@admin.register(Spreekuur)
class SpreekuurAdmin(admin.ModelAdmin):
    form = SpreekuurAdminForm
    list_display = [
        "partner",
        "school",
        "weekday",
        "start_time",
        "end_time",
        "recurrence",
        "valid_from",
        "valid_until",
        "room",
    ]
    list_filter = ["partner", "school", "weekday", "recurrence"]
    search_fields = ["partner__name", "school__name", "room"]
    list_select_related = ["partner", "school"]
    filter_horizontal = ["staff"]
    inlines = [SpreekuurCancellationInline]
    fieldsets = [
        (None, {"fields": ["partner", "school", "room", "staff"]}),
        (
            _("When"),
            {
                "fields": [
                    "weekday",
                    "start_time",
                    "end_time",
                    "recurrence",
                    "nth",
                    "valid_from",
                    "valid_until",
                ],
                "description": _(
                    "Every other week: the week of “valid from” is the first week. "
                    "School holidays and public holidays are skipped automatically."
                ),
            },
        ),
        (_("Appointments"), {"fields": ["slot_minutes"]}),
    ]

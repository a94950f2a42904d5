from datetime import date, time

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .constants import AppointmentStatus
from .selectors import SlotOption


def slot_value(spreekuur_id: int, day: date, at: time) -> str:
    return f"{spreekuur_id}|{day.isoformat()}|{at:%H:%M}"


class BookingForm(forms.Form):
    """Pick one free time of the next occurrences; the choices are the times still free."""

    slot = forms.ChoiceField(
        label=_("Time"),
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("This time is no longer free. Choose another time."),
        },
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=None,
        required=False,
        empty_label=_("(no theme)"),
    )

    def __init__(self, *args, options: list[SlotOption], themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        # The template shows the times grouped per date: (option, [(value, time), ...]).
        self.groups = [
            (
                option,
                [
                    (slot_value(option.occurrence.spreekuur.pk, option.occurrence.date, at), at)
                    for at in option.times
                ],
            )
            for option in options
        ]
        self.fields["slot"].choices = [
            (value, f"{formats.date_format(option.occurrence.date, 'l j F')} {at:%H:%M}")
            for option, slots in self.groups
            for value, at in slots
        ]
        self.fields["theme"].queryset = themes
        self._spreekuren = {o.occurrence.spreekuur.pk: o.occurrence.spreekuur for o in options}
        if not self.is_bound:
            # The next free time and the record's (first) theme: one click books.
            if self.groups:
                self.initial.setdefault("slot", self.groups[0][1][0][0])
            first_theme = themes.first()
            if first_theme is not None:
                self.initial.setdefault("theme", first_theme.pk)

    def clean_slot(self):
        spreekuur_id, day, at = self.cleaned_data["slot"].split("|")
        return (
            self._spreekuren[int(spreekuur_id)],
            date.fromisoformat(day),
            time.fromisoformat(at),
        )


class CancellationForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choose the date to cancel.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For colleagues and partners, e.g. study day, staff member ill."),
        error_messages={"required": _("Give a reason, so that colleagues know why.")},
    )


class AppointmentStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=AppointmentStatus.choices,
        error_messages={"invalid_choice": _("Choose one of the statuses.")},
    )


class WalkInDateForm(forms.Form):
    """For a partner without bookable times: the walk-in date the parent was told."""

    walk_in_on = forms.TypedChoiceField(
        label=_("Told the parent to come on"),
        coerce=date.fromisoformat,
        error_messages={"required": _("Choose a date."), "invalid_choice": _("Choose a date.")},
    )

    def __init__(self, *args, occurrences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["walk_in_on"].choices = [
            (
                occurrence.date.isoformat(),
                f"{formats.date_format(occurrence.date, 'l j F')} "
                f"{occurrence.spreekuur.start_time:%H:%M}–{occurrence.spreekuur.end_time:%H:%M}",
            )
            for occurrence in occurrences
        ]

from django import forms
from django.utils.translation import gettext_lazy as _

from familieschool.schoolyear import SchoolYear

from .exports import FORMATS
from .selectors import school_year_choices


class ReachFilterForm(forms.Form):
    """The school year of the dashboard (and of its downloads)."""

    schooljaar = forms.ChoiceField(label=_("School year"))

    def __init__(self, *args, snapshot_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schooljaar"].choices = [
            (label, label) for label in school_year_choices(snapshot_years)
        ]

    def school_year(self) -> SchoolYear:
        """The chosen year, or the current one when the choice is missing or invalid."""
        if self.is_bound and self.is_valid():
            return SchoolYear.parse(self.cleaned_data["schooljaar"])
        return SchoolYear.current()


class ReachExportForm(ReachFilterForm):
    formaat = forms.ChoiceField(
        label=_("Format"), choices=[(name, name.upper()) for name in FORMATS], initial="csv"
    )


class FreezeForm(forms.Form):
    schooljaar = forms.ChoiceField(label=_("School year"))

    def __init__(self, *args, snapshot_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = SchoolYear.current()
        self.fields["schooljaar"].choices = [
            (label, label)
            for label in school_year_choices(snapshot_years)
            if SchoolYear.parse(label) < current and label not in snapshot_years
        ]

    def clean_schooljaar(self) -> SchoolYear:
        return SchoolYear.parse(self.cleaned_data["schooljaar"])

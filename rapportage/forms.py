from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieschool.schoolyear import SchoolYear

from .exports import FORMATS
from .reach import Period
from .reach.definitions import (
    BREAKDOWN_DISTRICT,
    BREAKDOWN_MUNICIPALITY,
    BREAKDOWN_START_YEAR,
    BREAKDOWN_TYPE,
)
from .selectors import school_year_choices


class ReachFilterForm(forms.Form):
    """The school year of the dashboard (and of its downloads), and rows per what besides the
    boards."""

    schooljaar = forms.ChoiceField(label=_("School year"))
    per = forms.ChoiceField(
        label=_("Also per"),
        required=False,
        choices=[
            ("", _("board only")),
            (BREAKDOWN_TYPE, _("school type (po, vo, so)")),
            (BREAKDOWN_MUNICIPALITY, _("municipality")),
            (BREAKDOWN_DISTRICT, _("district")),
            (BREAKDOWN_START_YEAR, _("starting year")),
        ],
    )

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

    def breakdown(self) -> str | None:
        """The breakdown chosen, or None (board rows only) when none or an invalid one."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["per"] or None
        return None


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


PERIOD_SCHOOL_YEAR = "schooljaar"
PERIOD_CALENDAR_YEAR = "kalenderjaar"
PERIOD_FROM_TO = "van_tot"
CALENDAR_YEARS_BACK = 5


class PartnerFiguresForm(forms.Form):
    """The period of a partner's own figures: a school year, a calendar year or any from-to."""

    periode = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (PERIOD_SCHOOL_YEAR, _("School year")),
            (PERIOD_CALENDAR_YEAR, _("Calendar year")),
            (PERIOD_FROM_TO, _("From date to date")),
        ],
        initial=PERIOD_SCHOOL_YEAR,
        widget=forms.RadioSelect,
    )
    schooljaar = forms.ChoiceField(label=_("School year"), required=False)
    kalenderjaar = forms.TypedChoiceField(label=_("Calendar year"), coerce=int, required=False)
    van = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("To (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = SchoolYear.current()
        self.fields["schooljaar"].choices = [(label, label) for label in school_year_choices()]
        self.fields["schooljaar"].initial = current.label
        this_year = timezone.localdate().year
        self.fields["kalenderjaar"].choices = [
            (year, str(year)) for year in range(this_year, this_year - CALENDAR_YEARS_BACK - 1, -1)
        ]
        self.fields["kalenderjaar"].initial = this_year

    def clean(self):
        data = super().clean()
        kind = data.get("periode")
        if kind == PERIOD_SCHOOL_YEAR and not data.get("schooljaar"):
            self.add_error("schooljaar", _("Choose a school year."))
        elif kind == PERIOD_CALENDAR_YEAR and not data.get("kalenderjaar"):
            self.add_error("kalenderjaar", _("Choose a calendar year."))
        elif kind == PERIOD_FROM_TO:
            first, last = data.get("van"), data.get("tot")
            if first is None and "van" not in self.errors:
                self.add_error("van", _("Enter the first day."))
            if last is None and "tot" not in self.errors:
                self.add_error("tot", _("Enter the last day."))
            if first and last and last < first:
                self.add_error("tot", _("The last day must not be before the first day."))
        return data

    def period(self) -> Period:
        """The chosen period (call after ``is_valid()``); the current school year unbound."""
        if not self.is_bound:
            return Period.of(SchoolYear.current())
        data = self.cleaned_data
        if data["periode"] == PERIOD_CALENDAR_YEAR:
            return Period.calendar_year(data["kalenderjaar"])
        if data["periode"] == PERIOD_FROM_TO:
            return Period(data["van"], data["tot"])
        return Period.of(SchoolYear.parse(data["schooljaar"]))


class PartnerFiguresExportForm(PartnerFiguresForm):
    formaat = forms.ChoiceField(
        label=_("Format"), choices=[(name, name.upper()) for name in FORMATS], initial="csv"
    )


class FundingExportForm(forms.Form):
    """The period of the export per funding source: a school year, a calendar year, or from-to
    (the first one filled in counts, from-to before the calendar year before the school year)."""

    schooljaar = forms.ChoiceField(label=_("School year"), required=False)
    kalenderjaar = forms.IntegerField(
        label=_("or a calendar year"), required=False, min_value=2000, max_value=2100
    )
    van = forms.DateField(
        label=_("or from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    formaat = forms.ChoiceField(
        label=_("Format"), choices=[(name, name.upper()) for name in FORMATS], initial="xlsx"
    )

    def __init__(self, *args, snapshot_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = school_year_choices(snapshot_years)
        self.fields["schooljaar"].choices = [(label, label) for label in labels]
        self.fields["schooljaar"].initial = SchoolYear.current().label

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("van"), cleaned.get("tot")
        if bool(first) != bool(last):
            self.add_error("tot" if first else "van", _("Give both the first and the last day."))
        elif first and last and last < first:
            self.add_error("tot", _("The end of the period lies before its start."))
        elif not (first or cleaned.get("kalenderjaar") or cleaned.get("schooljaar")):
            self.add_error("schooljaar", _("Choose a school year, a calendar year or a period."))
        return cleaned

    def period(self):
        """The chosen period (a ``rapportage.reach.Period``)."""
        from .reach import Period

        cleaned = self.cleaned_data
        if cleaned.get("van"):
            return Period(cleaned["van"], cleaned["tot"])
        if cleaned.get("kalenderjaar"):
            return Period.calendar_year(cleaned["kalenderjaar"])
        return Period.of(SchoolYear.parse(cleaned["schooljaar"]))

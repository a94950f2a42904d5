from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
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

PERIOD_SCHOOL_YEAR = "schooljaar"
PERIOD_CALENDAR_YEAR = "kalenderjaar"
PERIOD_FROM_TO = "van_tot"
CALENDAR_YEARS_BACK = 5


class PeriodForm(forms.Form):
    """A period: a school year, a calendar year or any from-to (the partners' figures and the
    reach dashboard)."""

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

    def __init__(self, *args, snapshot_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = SchoolYear.current()
        self.fields["schooljaar"].choices = [
            (label, label) for label in school_year_choices(snapshot_years)
        ]
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
            if "schooljaar" not in self.errors:
                self.add_error("schooljaar", _("Choose a school year."))
        elif kind == PERIOD_CALENDAR_YEAR and not data.get("kalenderjaar"):
            if "kalenderjaar" not in self.errors:
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


# A from-to period is counted in the request (not kept): on the dashboard only for at most this
# many schools, which keeps the request near a one-board report's cost (docs/performance.md).
LIVE_PERIOD_MAX_SCHOOLS = 10


class ReachFilterForm(PeriodForm):
    """The period of the dashboard (and of its downloads), and rows per what besides the
    boards. Without ``periode`` (older links) the school year is meant."""

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

    def __init__(self, *args, snapshot_years=(), school_count: int = 0, **kwargs):
        super().__init__(*args, snapshot_years=snapshot_years, **kwargs)
        self.school_count = school_count
        self.fields["periode"].required = False

    def clean(self):
        data = super().clean()
        data["periode"] = data.get("periode") or PERIOD_SCHOOL_YEAR
        schooljaar_missing = not data.get("schooljaar") and "schooljaar" not in self.errors
        if data["periode"] == PERIOD_SCHOOL_YEAR and schooljaar_missing:
            self.add_error("schooljaar", _("Choose a school year."))
        if data["periode"] != PERIOD_FROM_TO:
            return data
        first, last = data.get("van"), data.get("tot")
        earliest = date(timezone.localdate().year - CALENDAR_YEARS_BACK, 1, 1)
        today = timezone.localdate()
        if first is not None and first < earliest:
            self.add_error("van", _("Choose a day from %(first)s.") % {"first": _day(earliest)})
        if last is not None and last > today:
            self.add_error(
                "tot", _("Choose a day up to today (%(today)s).") % {"today": _day(today)}
            )
        if self.school_count > LIVE_PERIOD_MAX_SCHOOLS:
            self.add_error(
                "periode",
                _(
                    "A period from date to date is counted on request, for at most %(max)d "
                    "schools; you see %(count)d. Choose a board or a school, a school year or "
                    "a calendar year, or use the export (export_reach --van/--tot)."
                )
                % {"max": LIVE_PERIOD_MAX_SCHOOLS, "count": self.school_count},
            )
        return data

    def chosen_period(self) -> Period:
        """The period chosen, or the current school year when the choice is missing or
        invalid."""
        if self.is_bound and self.is_valid():
            return self.period()
        return Period.of(SchoolYear.current())

    def school_year(self) -> SchoolYear:
        """The school year of the chosen period (that of its first day)."""
        return self.chosen_period().school_year

    def breakdown(self) -> str | None:
        """The breakdown chosen, or None (board rows only) when none or an invalid one."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["per"] or None
        return None


def _day(day: date) -> str:
    return date_format(day, "j F Y")


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


class PartnerFiguresForm(PeriodForm):
    """The period of a partner's own figures."""


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

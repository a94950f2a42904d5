from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from familieschool.constants import ChildGroup, Language
from familieschool.forms import ServiceModelForm
from familieschool.models import PartnerOrganisation
from familieschool.schoolyear import SchoolYear, validate_school_year_label

from .constants import ActiveRole, TargetGroup
from .models import Activity, ActivityFunding, FundingBudget, FundingSource, Session
from .services import MAX_HEADCOUNT, Funding, Newcomer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ActivityForm(ServiceModelForm):
    groups = forms.MultipleChoiceField(
        label=_("For groups"),
        choices=ChildGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Children's programmes: the groups or years that may enrol; none for all."),
    )

    class Meta:
        model = Activity
        fields = [
            "school",
            "type",
            "title",
            "description",
            "target_group",
            "groups",
            "organiser",
            "organiser_partner",
            "weekday",
            "start_time",
            "end_time",
            "recurrence",
            "nth",
            "valid_from",
            "valid_until",
            "location",
            "capacity",
            "signup_required",
            "public",
            "title_en",
            "description_en",
            "title_ar",
            "description_ar",
            "title_tr",
            "description_tr",
        ]
        widgets = {
            "start_time": TIME,
            "end_time": TIME,
            "valid_from": DATE,
            "valid_until": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
            "description_ar": forms.Textarea(attrs={"rows": 2, "dir": "rtl", "lang": "ar"}),
            "description_tr": forms.Textarea(attrs={"rows": 2}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
        }

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = None
        self.fields["target_group"].choices = [("", _("As its type")), *TargetGroup.choices]

    def clean_groups(self):
        return list(self.cleaned_data.get("groups") or [])


NOT_NEGATIVE = _("Enter a number of 0 or more.")


class ActivityFundingForm(forms.ModelForm):
    """One funding source of an activity: a row of the formset on the activity's page."""

    class Meta:
        model = ActivityFunding
        fields = ["source", "share_pct", "amount"]
        error_messages = {
            "share_pct": {
                "min_value": NOT_NEGATIVE,
                "max_value": _("A share is at most 100%."),
                "invalid": _("Enter a number, e.g. 50 or 12.5."),
            },
            "amount": {"min_value": NOT_NEGATIVE, "invalid": _("Enter an amount, e.g. 1200.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = FundingSource.objects.order_by("name")
        self.fields["source"].error_messages["required"] = _("Choose the funding source.")
        for name in ("share_pct", "amount"):
            self.fields[name].widget.attrs.update(min="0", step="0.01", inputmode="decimal")

    def validate_unique(self):
        # The formset and the service check that a source is listed once; the rows are
        # replaced as a whole, so a source removed and added again is no duplicate.
        pass


class BaseActivityFundingFormSet(forms.BaseInlineFormSet):
    """The sources of an activity: each one once, shares together at most 100%."""

    def validate_unique(self):
        # See ActivityFundingForm.validate_unique: clean() names the duplicate row instead.
        pass

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form.is_valid()
        ]
        seen = set()
        for form in rows:
            source = form.cleaned_data.get("source")
            if source is not None and source.pk in seen:
                form.add_error("source", _("This funding source is already listed."))
            if source is not None:
                seen.add(source.pk)
        shares = [form for form in rows if form.cleaned_data.get("share_pct") is not None]
        if sum(form.cleaned_data["share_pct"] for form in shares) > 100:
            for form in shares:
                form.add_error("share_pct", _("The shares together come to more than 100%."))

    def fundings(self) -> list[Funding]:
        """The rows to keep, as the service takes them."""
        return [
            Funding(
                source=form.cleaned_data["source"],
                share_pct=form.cleaned_data.get("share_pct"),
                amount=form.cleaned_data.get("amount"),
            )
            for form in self.forms
            if form.has_changed()
            and not self._should_delete_form(form)
            and form.cleaned_data.get("source") is not None
        ]


ActivityFundingFormSet = forms.inlineformset_factory(
    Activity,
    ActivityFunding,
    form=ActivityFundingForm,
    formset=BaseActivityFundingFormSet,
    extra=1,
    max_num=20,
    can_delete=True,
)


class FundingBudgetForm(forms.ModelForm):
    class Meta:
        model = FundingBudget
        fields = ["school", "source", "school_year", "activity", "amount"]
        error_messages = {
            "amount": {"min_value": NOT_NEGATIVE, "invalid": _("Enter an amount, e.g. 5000.")},
        }

    def __init__(self, *args, schools, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = None
        self.fields["source"].queryset = FundingSource.objects.order_by("name")
        self.fields["activity"].queryset = activities
        self.fields["amount"].widget.attrs.update(min="0", step="0.01", inputmode="decimal")
        if not self.initial.get("school_year") and not self.instance.pk:
            self.initial["school_year"] = SchoolYear.current().label

    def clean(self):
        cleaned = super().clean()
        school, activity = cleaned.get("school"), cleaned.get("activity")
        if school and activity and activity.school_id != school.pk:
            self.add_error("activity", _("Choose an activity of this school."))
        return cleaned


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["date", "topic", "partner_present"]
        widgets = {"date": DATE}


class SessionUpdateForm(ServiceModelForm):
    class Meta:
        model = Session
        fields = ["topic", "partner_present", "cancelled"]


class IntegerListField(forms.Field):
    """A list of ids from repeated form fields (checkboxes with the same name)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The list of people could not be read.")}

    def to_python(self, value):
        if not value:
            return set()
        try:
            return {int(item) for item in value}
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


HEADCOUNT_ERROR = lazy(
    lambda: gettext("Enter a number from 0 to %(max)s.") % {"max": MAX_HEADCOUNT}, str
)()


class PlainFieldsForm(forms.Form):
    """A form the tablet pages render by hand (``_plain_fields.html``), not through crispy.

    The attendance page is opened on every busy morning: crispy's templates cost more than the
    rest of the page. The widgets carry Bootstrap's classes themselves, and a field with an
    error is marked ``is-invalid`` here.
    """

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _text():
    return forms.TextInput(attrs={"class": "textinput form-control"})


def _select():
    return forms.Select(attrs={"class": "select form-select"})


class AttendanceForm(PlainFieldsForm):
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False, widget=_text())
    partner_present = forms.ModelChoiceField(
        label=_("Partner present"),
        queryset=PartnerOrganisation.objects.order_by("name"),
        required=False,
        widget=_select(),
    )
    parent = IntegerListField(required=False)
    child = IntegerListField(required=False)
    first_time = IntegerListField(required=False)
    anonymous_count = forms.IntegerField(
        label=_("Not registered (headcount)"),
        min_value=0,
        max_value=MAX_HEADCOUNT,
        initial=0,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), HEADCOUNT_ERROR
        ),
    )

    @property
    def session_fields(self):
        """What the page shows under "Topic and partner present"."""
        return [self["topic"], self["partner_present"]]


class NewcomerForm(PlainFieldsForm):
    first_name = forms.CharField(label=_("First name"), max_length=100, widget=_text())
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, required=False, widget=_text()
    )
    code = forms.CharField(
        label=_("Family code"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to get the next free code."),
        widget=_text(),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.DUTCH, widget=_select()
    )

    def __init__(self, *args, school=None, **kwargs):
        self.school = school
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and self.school and self.school.families.filter(code=code).exists():
            raise ValidationError(_("A family with this code already exists at this school."))
        return code


class BaseNewcomerFormSet(forms.BaseFormSet):
    def __init__(self, *args, school=None, **kwargs):
        self.school = school
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "school": self.school}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            school=self.school,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        codes = [
            form.cleaned_data.get("code")
            for form in self.forms
            if form.has_changed() and form.cleaned_data.get("code")
        ]
        if len(codes) != len(set(codes)):
            raise ValidationError(_("Two new families have the same code."))

    def newcomers(self) -> list[Newcomer]:
        return [Newcomer(**form.cleaned_data) for form in self.forms if form.has_changed()]


NewcomerFormSet = forms.formset_factory(
    NewcomerForm, formset=BaseNewcomerFormSet, extra=1, max_num=20
)


class EnrolForm(forms.Form):
    child = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    free_of_charge = forms.BooleanField(label=_("Takes part for free / stadspas"), required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("child")) == bool(cleaned.get("parent")):
            raise ValidationError(_("Choose a child or a parent to enrol."))
        return cleaned


class EnrolmentUpdateForm(forms.Form):
    free_of_charge = forms.BooleanField(label=_("Takes part for free / stadspas"), required=False)


class ActiveRoleForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("Parent"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=ActiveRole.choices)
    school_year = forms.CharField(
        label=_("School year"), max_length=9, validators=[validate_school_year_label]
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda parent: (
            f"{parent.display_name} ({parent.family.code})"
        )
        self.fields["school_year"].initial = SchoolYear.current().label

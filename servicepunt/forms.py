from collections import defaultdict
from datetime import timedelta

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieschool.access import families_for
from familieschool.constants import ChildGroup, Language
from familieschool.forms import (
    ListedModelChoiceField,
    ListedModelMultipleChoiceField,
    ServiceModelForm,
)
from familieschool.models import Child, Family, Parent

from .constants import (
    REFERRAL_TRANSITIONS,
    Channel,
    ConsentMethod,
    Outcome,
    ProvisionStatus,
    ReferralStatus,
)
from .models import Contact, Provision, Referral, Theme
from .selectors import (
    contact_sources_active,
    provision_kinds_active,
    suggested_partners,
    themes_active,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# A tablet's clock may run a little ahead of the server's.
FUTURE_TOLERANCE = timedelta(minutes=10)


class ChipsMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes the template renders as Bootstrap ``btn-check`` chips."""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


def _not_in_future(value):
    if value and value > timezone.now() + FUTURE_TOLERANCE:
        raise forms.ValidationError(_("The date and time cannot be in the future."))
    return value


class WalkInForm(forms.Form):
    ANONYMOUS, KNOWN, NEW = "anonymous", "known", "new"
    WHO_CHOICES = [
        (ANONYMOUS, _("Anonymous")),
        (KNOWN, _("Known family")),
        (NEW, _("New family")),
    ]

    school = forms.ModelChoiceField(
        label=_("School"), queryset=None, empty_label=None, widget=forms.RadioSelect
    )
    themes = ListedModelMultipleChoiceField(
        label=_("Themes"),
        queryset=None,
        widget=ChipsMultiple,
        error_messages={"required": _("Choose at least one theme.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.WALK_IN
    )
    occurred_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeLocalInput,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
    )
    who = forms.ChoiceField(
        label=_("Who"), choices=WHO_CHOICES, initial=ANONYMOUS, widget=forms.RadioSelect
    )
    family = forms.IntegerField(required=False, widget=forms.HiddenInput)
    family_term = forms.CharField(
        label=_("Family code or parent's name"), required=False, max_length=100
    )
    parent = forms.TypedChoiceField(label=_("Parent"), required=False, coerce=int, empty_value=None)
    child = forms.TypedChoiceField(
        label=_("On behalf of child"), required=False, coerce=int, empty_value=None
    )
    new_family_code = forms.CharField(label=_("New family code"), required=False, max_length=30)
    new_parent_first_name = forms.CharField(
        label=_("Parent's first name"), required=False, max_length=100
    )
    new_child_first_name = forms.CharField(
        label=_("Child's first name"), required=False, max_length=100
    )
    new_child_group = forms.ChoiceField(
        label=_("Child's group"), required=False, choices=[("", "—"), *ChildGroup.choices]
    )
    language = forms.ChoiceField(
        label=_("Language used"),
        required=False,
        choices=[("", _("Dutch (no interpreter needed)")), *Language.choices],
    )
    interpreter = forms.BooleanField(label=_("With an interpreter"), required=False)
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Keep it short; no sensitive details."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        initial=Outcome.ANSWERED,
        widget=forms.RadioSelect,
    )
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput)
    # Optional one-tap extras: never needed for the anonymous three-click path.
    source = ListedModelChoiceField(
        label=_("Referred to us by"),
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
    )
    provision_kind = ListedModelChoiceField(
        label=_("Provision"),
        queryset=None,
        required=False,
        empty_label=_("(none)"),
        help_text=_("Material aid handed out or a fund applied for, for this family."),
    )
    provision_status = forms.ChoiceField(
        label=_("Status of the provision"),
        choices=ProvisionStatus.choices,
        initial=ProvisionStatus.PROVIDED,
        required=False,
    )

    def __init__(self, *args, user, schools, partner_mode: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.schools = list(schools)
        self.partner_mode = partner_mode
        self.fields["school"].queryset = self.schools_queryset(schools)
        self.fields["themes"].queryset = themes_active()
        self.fields["source"].queryset = contact_sources_active()
        self.fields["provision_kind"].queryset = provision_kinds_active()
        if partner_mode:
            # Partner staff log the question only; a family's record stays with the school.
            self.fields["who"].choices = [(self.ANONYMOUS, _("Anonymous"))]
            self.fields["outcome"].choices = [
                choice for choice in Outcome.choices if choice[0] != Outcome.REFERRED
            ]
        self.family_obj: Family | None = None
        self.parent_obj: Parent | None = None
        self.child_obj: Child | None = None
        self.fields["parent"].choices = [("", _("(not recorded)"))]
        self.fields["child"].choices = [("", _("(no particular child)"))]
        family = self._bound_family()
        if family is not None:
            self.family_obj = family
            self.fields["parent"].choices += [(p.pk, p.display_name) for p in family.parents.all()]
            self.fields["child"].choices += [(c.pk, str(c)) for c in family.children.all()]

    @staticmethod
    def schools_queryset(schools):
        from familieschool.models import School

        return School.objects.filter(pk__in=[school.pk for school in schools])

    def _bound_family(self) -> Family | None:
        raw = self.data.get("family") if self.is_bound else self.initial.get("family")
        if not raw or (self.is_bound and self.data.get("who") != self.KNOWN):
            return None
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return None
        return (
            families_for(self.user)
            .filter(pk=pk, anonymised_at__isnull=True)
            .select_related("school")
            .prefetch_related("parents", "children")
            .first()
        )

    def clean_occurred_at(self):
        return _not_in_future(self.cleaned_data.get("occurred_at"))

    def clean(self):
        data = super().clean()
        who = data.get("who")
        school = data.get("school")
        if who == self.KNOWN:
            family = self.family_obj
            term = (data.get("family_term") or "").strip()
            if family is None and term and school is not None:
                family = (
                    families_for(self.user)
                    .filter(school=school, code__iexact=term, anonymised_at__isnull=True)
                    .first()
                )
            if family is None:
                self.add_error(
                    "family_term", _("Choose a family from the list, or type its exact code.")
                )
            elif school is not None and family.school_id != school.pk:
                self.add_error("family_term", _("This family belongs to another school."))
            else:
                self.family_obj = family
                parents = {p.pk: p for p in family.parents.all()}
                children = {c.pk: c for c in family.children.all()}
                if data.get("parent") and data["parent"] not in parents:
                    self.add_error("parent", _("This parent is not part of the chosen family."))
                if data.get("child") and data["child"] not in children:
                    self.add_error("child", _("This child is not part of the chosen family."))
                self.parent_obj = parents.get(data.get("parent"))
                self.child_obj = children.get(data.get("child"))
        elif who == self.NEW:
            code = (data.get("new_family_code") or "").strip()
            if not code:
                self.add_error("new_family_code", _("Fill in a code for the new family."))
            elif (
                school is not None
                and Family.objects.filter(school=school, code__iexact=code).exists()
            ):
                self.add_error(
                    "new_family_code",
                    _("This code already exists at this school: choose “Known family”."),
                )
            if (data.get("new_child_first_name") or "").strip() and not data.get("new_child_group"):
                self.add_error("new_child_group", _("Choose the child's group."))
        if data.get("outcome") == Outcome.FOLLOW_UP and not data.get("follow_up_on"):
            self.add_error("follow_up_on", _("Choose the date of the follow-up."))
        if data.get("provision_kind") and who not in (self.KNOWN, self.NEW):
            self.add_error(
                "provision_kind",
                _("A provision is registered for a family: choose a known or a new family."),
            )
        # What was picked for another choice of "who" does not count: the values below are what
        # the contact is registered with.
        known, new = who == self.KNOWN, who == self.NEW
        data["family"] = self.family_obj if known else None
        data["parent"] = self.parent_obj if known else None
        data["child"] = self.child_obj if known else None
        for name in (
            "new_family_code",
            "new_parent_first_name",
            "new_child_first_name",
            "new_child_group",
        ):
            data[name] = (data.get(name) or "").strip() if new else ""
        data["provision_status"] = data.get("provision_status") or ProvisionStatus.PROVIDED
        return data


class ContactForm(forms.ModelForm):
    """Editing a contact: its school and family stay as registered."""

    class Meta:
        model = Contact
        fields = [
            "occurred_at",
            "channel",
            "themes",
            "parent",
            "child",
            "language",
            "interpreter",
            "source",
            "note",
            "outcome",
            "follow_up_on",
            "follow_up_done",
        ]
        widgets = {
            "occurred_at": DateTimeLocalInput,
            "themes": ChipsMultiple,
            "note": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.RadioSelect,
            "follow_up_on": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
        self.fields["themes"].queryset = themes_active()
        self.fields["themes"].error_messages["required"] = _("Choose at least one theme.")
        family_id = self.instance.family_id
        self.fields["parent"].queryset = Parent.objects.filter(family_id=family_id)
        # A child without a first name is labelled with its family's code.
        self.fields["child"].queryset = Child.objects.filter(family_id=family_id).select_related(
            "family"
        )
        if family_id is None:
            del self.fields["parent"]
            del self.fields["child"]

    def clean_occurred_at(self):
        return _not_in_future(self.cleaned_data.get("occurred_at"))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.FOLLOW_UP and not data.get("follow_up_on"):
            self.add_error("follow_up_on", _("Choose the date of the follow-up."))
        return data

    def _post_clean(self):
        # The service validates the model; the form only checks its own fields.
        pass


class ReferralForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("The parent agrees to this referral"),
        required=False,
        help_text=_(
            "No consent, no referral: a partner only receives a referral the parent agreed to."
        ),
    )

    class Meta:
        model = Referral
        fields = [
            "partner",
            "themes",
            "parent",
            "consent_given_by",
            "consent_method",
            "consent_date",
            "share_contact_details",
            "warm_handover",
            "follow_up_on",
        ]
        widgets = {
            "themes": ChipsMultiple,
            "consent_method": forms.RadioSelect,
            "consent_date": DateInput,
            "follow_up_on": DateInput,
        }

    field_order = ["partner", "themes", "parent", "consent", "consent_given_by"]

    def __init__(self, *args, contact: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact = contact
        themes = list(contact.themes.all())
        self.suggested = list(suggested_partners(themes))
        self.fields["themes"].queryset = themes_active()
        self.fields["themes"].required = False
        self.fields["consent_method"].choices = ConsentMethod.choices
        self.fields["consent_method"].required = False
        self.fields["consent_given_by"].required = False
        self.fields["consent_date"].required = False
        if contact.family_id:
            self.fields["parent"].queryset = Parent.objects.filter(family_id=contact.family_id)
        else:
            del self.fields["parent"]
        # Which partners each theme suggests, so that the page can follow her choice of themes.
        self.theme_partners = defaultdict(list)
        for theme_id, partner_id in Theme.suggested_partners.through.objects.values_list(
            "theme_id", "partnerorganisation_id"
        ):
            self.theme_partners[theme_id].append(partner_id)
        if not self.is_bound:
            self.initial.setdefault("themes", [theme.pk for theme in themes])
            self.initial.setdefault("consent_date", timezone.localdate())
            self.initial.setdefault("consent_method", ConsentMethod.VERBAL)
            if self.suggested:
                self.initial.setdefault("partner", self.suggested[0].pk)
            if contact.parent_id:
                self.initial.setdefault("parent", contact.parent_id)
                self.initial.setdefault("consent_given_by", contact.parent.display_name)

    def clean(self):
        data = super().clean()
        if not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "No consent, no referral: ask the parent first. Without their agreement "
                    "the partner may not receive their question."
                ),
            )
        for name, message in (
            ("consent_given_by", _("Record who gave consent.")),
            ("consent_method", _("Record how consent was given.")),
            ("consent_date", _("Record the date of consent.")),
        ):
            if not data.get(name):
                self.add_error(name, message)
        if not data.get("themes"):
            data["themes"] = list(self.contact.themes.all())
        return data

    def _post_clean(self):
        pass


def _status_choices(referral: Referral):
    allowed = REFERRAL_TRANSITIONS.get(referral.status, ())
    return [(referral.status, referral.get_status_display())] + [
        (value, ReferralStatus(value).label) for value in allowed
    ]


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    outcome_note = forms.CharField(
        label=_("Short outcome"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened, in a sentence; no sensitive details."),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        kwargs.setdefault(
            "initial", {"status": referral.status, "outcome_note": referral.outcome_note}
        )
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _status_choices(referral)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("With a header row; download the template for the columns."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too big: at most %(max)s can be imported at once.")
                % {"max": filesizeformat(limit)}
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


# --- family records ----------------------------------------------------------------------


class FamilyForm(ServiceModelForm):
    class Meta:
        model = Family
        fields = ["code", "languages", "interpreter_needed"]


class ParentForm(ServiceModelForm):
    class Meta:
        model = Parent
        fields = [
            "first_name",
            "last_name",
            "relation",
            "phone",
            "email",
            "preferred_language",
            "reminders_consent_on",
        ]
        widgets = {"reminders_consent_on": DateInput()}

    def clean_reminders_consent_on(self):
        value = self.cleaned_data["reminders_consent_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of consent cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reminders_consent_on") and not cleaned.get("email"):
            self.add_error("email", _("Reminders go by email: enter the email address."))
        return cleaned


class ChildForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    group = forms.ChoiceField(label=_("Group this school year"), choices=ChildGroup.choices)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1990, max_value=2100
    )

    def clean_birth_year(self):
        value = self.cleaned_data["birth_year"]
        if value and value > timezone.localdate().year:
            raise forms.ValidationError(_("The year of birth cannot be in the future."))
        return value


class FamilyMergeForm(forms.Form):
    other = forms.CharField(
        label=_("Code of the other record of this family"),
        max_length=30,
        help_text=_(
            "Everything registered for that record moves to this family; that record is "
            "then removed."
        ),
    )

    def __init__(self, *args, family: Family, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.user = user

    def clean_other(self):
        code = self.cleaned_data["other"].strip()
        other = (
            families_for(self.user)
            .filter(school=self.family.school, code__iexact=code, anonymised_at__isnull=True)
            .exclude(pk=self.family.pk)
            .first()
        )
        if other is None:
            raise forms.ValidationError(
                _("No other family with this code at %(school)s.")
                % {"school": self.family.school.name}
            )
        return other


class ProvisionForm(ServiceModelForm):
    class Meta:
        model = Provision
        fields = ["kind", "status", "child", "occurred_on", "provided_by", "note", "referral"]
        widgets = {"occurred_on": DateInput()}
        help_texts = {
            "referral": _("The partner of this referral sees the provision; no one else does.")
        }

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = provision_kinds_active()
        self.fields["child"].queryset = Child.objects.filter(family=family)
        self.fields["referral"].queryset = (
            Referral.objects.consent_standing().filter(family=family).select_related("partner")
        )
        if not self.instance.pk:
            self.initial.setdefault("occurred_on", timezone.localdate())
            self.initial.setdefault("status", ProvisionStatus.PROVIDED)

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

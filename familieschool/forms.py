import copy

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import AuditAction
from .kept_input import kept_input_use
from .models import School, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("This username and password do not match. Both are case-sensitive."),
        "inactive": _("This account is not active."),
    }


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("The six digits from your app, or one of your recovery codes."),
    )


def posted(request):
    """The POST data for a bound form, or None; bound also when a form of checkboxes sends nothing.

    (``request.POST or None`` leaves a form unbound when every box is unticked.) On the first
    page after a login that her ended session made necessary, it is what she had posted there
    (``familieschool.kept_input``): the form shows it bound and validated, and the view, which
    saves only on a POST, saves nothing until she presses save.
    """
    if request.method == "POST":
        return request.POST
    return kept_input_use(request)


def posted_files(request):
    """The uploaded files for a bound form, or None (see ``posted``)."""
    return request.FILES if request.method == "POST" else None


class ServiceModelForm(forms.ModelForm):
    """A ModelForm whose view saves through a service: it validates the model on a copy.

    A ModelForm writes the posted values into its instance while it validates; the instance the
    view fetched keeps its stored values here, so the service is the one that changes it.
    """

    def _post_clean(self):
        stored = self.instance
        self.instance = copy.copy(stored)
        try:
            super()._post_clean()
        finally:
            self.instance = stored


class ListedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a model choice field, read once per form.

    Django's iterator asks the database again, through a server-side cursor, each time the
    choices are counted or rendered; this one evaluates the field's queryset once and keeps
    the rows for the form (one request), so nothing outlives it.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (self.field.empty_label is not None)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose choices are read once per form."""

    iterator = ListedModelChoiceIterator


class ListedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` whose choices are read once per form."""

    iterator = ListedModelChoiceIterator


def add_service_errors(form, error: ValidationError, default_field: str | None = None) -> None:
    """Show a service's ValidationError next to the form's fields, else on ``default_field``."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else default_field
            form.add_error(target, ValidationError(list(errors)))
    else:
        form.add_error(default_field, error)


class AuditLogFilterForm(forms.Form):
    """The audit log page's filters; every field is optional."""

    gebruiker = forms.ModelChoiceField(
        queryset=User.objects.order_by("username"), required=False, label=_("User")
    )
    school = forms.ModelChoiceField(
        queryset=School.objects.order_by("name"), required=False, label=_("School")
    )
    # The family's number, not its code: a code can tell a school who it is, and this form is
    # sent in the address.
    gezin = forms.IntegerField(
        required=False,
        min_value=1,
        label=_("Family number"),
        help_text=_("The number on the family's data page."),
    )
    actie = forms.ChoiceField(
        choices=[("", _("All actions")), *AuditAction.choices], required=False, label=_("Action")
    )
    van = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        required=False, label=_("Until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("van"), cleaned.get("tot")
        if since and until and since > until:
            self.add_error("tot", _("The end of the period lies before its start."))
        return cleaned


class FamilyEraseForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        label=_(
            "The family asked for its data to be erased, and I have checked who asked. "
            "Names, contact details and notes go now and cannot be brought back."
        ),
    )

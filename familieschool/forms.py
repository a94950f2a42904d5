from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("This username and password do not match. Both are case-sensitive."),
        "inactive": _("This account is not active."),
    }


def add_service_errors(form, error: ValidationError, default_field: str | None = None) -> None:
    """Show a service's ValidationError next to the form's fields, else on ``default_field``."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else default_field
            form.add_error(target, ValidationError(list(errors)))
    else:
        form.add_error(default_field, error)

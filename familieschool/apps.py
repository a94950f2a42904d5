from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilieschoolConfig(AppConfig):
    name = "familieschool"
    verbose_name = _("Familieschool directory")

    def ready(self):
        # Connect the receivers: sign-in audit rows, and the session clocks started at login.
        from . import login, middleware, registry  # noqa: F401

        registry.autodiscover()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilieschoolConfig(AppConfig):
    name = "familieschool"
    verbose_name = _("Familieschool directory")

    def ready(self):
        from . import login  # noqa: F401  (connects the sign-in audit receivers)

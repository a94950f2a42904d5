from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicepuntConfig(AppConfig):
    name = "servicepunt"
    verbose_name = _("Servicepunt")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners and consultation hours")

    def ready(self):
        from familieschool.timeline import register

        from .selectors import appointment_timeline

        register(appointment_timeline)

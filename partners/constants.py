from django.db import models
from django.utils.translation import gettext_lazy as _


class AppointmentStatus(models.TextChoices):
    PLANNED = "gepland", _("Planned")
    ATTENDED = "verschenen", _("Attended")
    NO_SHOW = "niet_verschenen", _("Did not show up")
    CANCELLED = "geannuleerd", _("Cancelled")

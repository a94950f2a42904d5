from django.db import models
from django.utils.translation import gettext_lazy as _


class AppointmentStatus(models.TextChoices):
    PLANNED = "gepland", _("Planned")
    ATTENDED = "verschenen", _("Attended")
    NO_SHOW = "niet_verschenen", _("Did not show up")
    CANCELLED = "geannuleerd", _("Cancelled")


# How far ahead the booking form looks for a free time, and how many dates it offers.
BOOKING_HORIZON_DAYS = 12 * 7
BOOKING_OCCURRENCES = 4
# How far the coordinator's page of one spreekuur looks ahead.
AGENDA_WEEKS = 10
# The calendar feed covers a few weeks back (so last week's entries do not vanish) and ahead.
FEED_DAYS_BACK = 28
FEED_DAYS_AHEAD = 26 * 7

# The partner's week lists the newest open referrals of each school, up to this many.
WEEK_REFERRALS_PER_SCHOOL = 10

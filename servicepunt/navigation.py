from django.utils.translation import gettext_lazy as _

from familieschool.access import COORDINATOR, PARTNER

MENU = {
    COORDINATOR: [
        (_("Walk-in"), "servicepunt:walkin"),
        (_("Contacts"), "servicepunt:contact-list"),
        (_("Referrals"), "servicepunt:referral-list"),
        (_("Import"), "servicepunt:import"),
    ],
    PARTNER: [
        (_("Referrals"), "servicepunt:partner-referral-list"),
        # Questions partner staff answer at the inloop of a school where they hold a spreekuur.
        (_("Walk-in"), "servicepunt:walkin"),
    ],
}

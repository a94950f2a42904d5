"""What servicepunt plugs into the core; ``familieschool.registry`` imports this at start-up."""

from django.utils.translation import gettext_lazy as _

from familieschool import registry
from familieschool.access import COORDINATOR, PARTNER

from . import demo
from .tasks import RETENTION
from .timeline import family_entries

# The pages of this app in the navigation, per role.
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

registry.menus.register(MENU)
registry.timeline_providers.register(family_entries)
registry.retention_rules.register(RETENTION)
registry.demo_seeders.register(demo.seed)

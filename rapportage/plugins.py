"""What rapportage plugs into the core; ``familieschool.registry`` imports this at start-up."""

from django.utils.translation import gettext_lazy as _

from familieschool import registry
from familieschool.access import ADMINISTRATOR, COORDINATOR, PARTNER, PROJECT_LEADER

from . import demo

# The pages of this app in the navigation, per role.
MENU = {
    PROJECT_LEADER: [
        (_("Reach figures"), "rapportage:dashboard"),
        (_("Frozen figures"), "rapportage:snapshots"),
    ],
    COORDINATOR: [(_("Reach figures"), "rapportage:dashboard")],
    ADMINISTRATOR: [(_("Frozen figures"), "rapportage:snapshots")],
    PARTNER: [(_("Figures"), "rapportage:partner-figures")],
}

registry.menus.register(MENU)
registry.demo_seeders.register(demo.seed)

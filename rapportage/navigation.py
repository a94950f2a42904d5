from django.utils.translation import gettext_lazy as _

from familieschool.access import ADMINISTRATOR, COORDINATOR, PROJECT_LEADER

MENU = {
    PROJECT_LEADER: [
        (_("Reach figures"), "rapportage:dashboard"),
        (_("Frozen figures"), "rapportage:snapshots"),
    ],
    COORDINATOR: [(_("Reach figures"), "rapportage:dashboard")],
    ADMINISTRATOR: [(_("Frozen figures"), "rapportage:snapshots")],
}

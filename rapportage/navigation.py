from django.utils.translation import gettext_lazy as _

from familieschool.access import COORDINATOR, PROJECT_LEADER

MENU = {
    PROJECT_LEADER: [(_("Reach figures"), "rapportage:dashboard")],
    COORDINATOR: [(_("Reach figures"), "rapportage:dashboard")],
}

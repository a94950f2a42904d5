from django.utils.translation import gettext_lazy as _

from familieschool.access import COORDINATOR

MENU = {
    COORDINATOR: [
        (_("Activities"), "activiteiten:activity-list"),
        (_("Active parents"), "activiteiten:role-home"),
    ]
}

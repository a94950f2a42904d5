from django.utils.translation import gettext_lazy as _

from familieschool.access import COORDINATOR, PARTNER

MENU = {
    PARTNER: [(_("My week"), "partners:week"), (_("Calendar link"), "partners:calendar")],
    COORDINATOR: [(_("Partners at school"), "partners:school-week")],
}

"""What partners plugs into the core; ``familieschool.registry`` imports this at start-up."""

from django.utils.translation import gettext_lazy as _

from familieschool import registry
from familieschool.access import COORDINATOR, PARTNER

from . import demo
from .selectors import appointment_timeline
from .tasks import RETENTION

# The pages of this app in the navigation, per role.
MENU = {
    PARTNER: [(_("My week"), "partners:week"), (_("Calendar link"), "partners:calendar")],
    COORDINATOR: [(_("Partners at school"), "partners:school-week")],
}

registry.menus.register(MENU)
registry.timeline_providers.register(appointment_timeline)
registry.retention_rules.register(RETENTION)
registry.demo_seeders.register(demo.seed)

"""What activiteiten plugs into the core; ``familieschool.registry`` imports this at start-up."""

from django.utils.translation import gettext_lazy as _

from familieschool import registry
from familieschool.access import COORDINATOR

from . import demo
from .tasks import RETENTION
from .timeline import activity_entries

# The pages of this app in the navigation, per role.
MENU = {
    COORDINATOR: [
        (_("Activities"), "activiteiten:activity-list"),
        (_("Active parents"), "activiteiten:role-home"),
    ]
}

registry.menus.register(MENU)
registry.timeline_providers.register(activity_entries)
registry.retention_rules.register(RETENTION)
registry.demo_seeders.register(demo.seed)

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from familieschool.demo import DEMO_PASSWORD, DEMO_USERS, seed_core
from familieschool.registry import demo_seeders


class Command(BaseCommand):
    help = "Load the demo schools, partners, families and users; running it twice changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        ctx = seed_core()
        for seed in demo_seeders:
            seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if settings.DEBUG:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for username, role, _first, _last in DEMO_USERS:
                self.stdout.write(f"  {username:15} {role.label}")

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from familieschool.models import SentLog
from familieschool.outbox import pending_summary, relay


class Command(BaseCommand):
    help = (
        "Publish the outbox rows that are waiting for the broker (the beat job does this every "
        "minute). With --status, only show the backlog and today's sent-log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="Show the backlog only.")

    def handle(self, *args, status=False, **options):
        if not status:
            result = relay()
            self.stdout.write(
                f"Sent {result['sent']}, failed {result['failed']}, pending {result['pending']}."
            )
        summary = pending_summary()
        oldest = summary["oldest"]
        age = f", oldest {int((timezone.now() - oldest).total_seconds())} s old" if oldest else ""
        self.stdout.write(f"Outbox: {summary['pending']} pending{age}.")
        today = timezone.localdate()
        rows = (
            SentLog.objects.filter(sent_at__date=today)
            .values("kind")
            .annotate(n=Count("id"))
            .order_by("kind")
        )
        for row in rows:
            self.stdout.write(f"Sent today, {row['kind']}: {row['n']}")

"""Send today's reminders now (the worker does this on its schedule). Each person receives
each item once, however often this runs."""

from django.core.management.base import BaseCommand

from innovate.notifications import jobs


class Command(BaseCommand):
    help = "Send today's reminders now; nothing already sent is sent again."

    def handle(self, *args, **options):
        sent = jobs.daily_reminders()
        self.stdout.write(f"{sent} reminder email{'' if sent == 1 else 's'} sent.")

"""Write each part's visits to each stage again from its log of moves: after a bulk load (the
benchmark's generator) or to check that the table the write path keeps agrees with the log."""

from django.core.management.base import BaseCommand

from stages import visits
from stages.models import Organisation


class Command(BaseCommand):
    help = "Write the table of each part's visits to each stage again from the log of moves."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="The slug of one organisation; all by default.")

    def handle(self, *, organisation, **options):
        found = Organisation.objects.get(slug=organisation) if organisation else None
        parts, written = visits.rebuild(organisation=found)
        self.stdout.write(f"{written:,} visits of {parts:,} parts written from the log.")

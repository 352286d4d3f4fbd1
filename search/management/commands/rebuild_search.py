from django.core.management.base import BaseCommand

from search.indexing import rebuild


class Command(BaseCommand):
    help = "Make the search index again from every record (after a bulk load or a restore)."

    def handle(self, *args, **options):
        written = rebuild()
        self.stdout.write(f"The search index holds {written} rows.")

from django.core.management.base import BaseCommand

from innovate import demo


class Command(BaseCommand):
    help = "Load demo organisations, people, innovations and journeys (once; safe to rerun)."

    def handle(self, *args, **options):
        loaded = demo.load()
        self.stdout.write(self.style.SUCCESS(loaded) if loaded else "Demo data already loaded.")
        for line in demo.logins():
            self.stdout.write(line)

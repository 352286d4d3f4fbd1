"""Create or update the schedules the worker (`manage.py qcluster`) runs. Idempotent: run on
every start (`make run`, scripts/start)."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.models import Schedule

# At 07:00 each morning, Europe/London; while developing, every few minutes.
DAILY_AT = time(7, 0)
DIGEST_AT = time(7, 30)
MONDAY = 0


def _next(at, *, weekday=None):
    now = timezone.localtime()
    when = timezone.make_aware(datetime.combine(now.date(), at))
    while when <= now or (weekday is not None and when.weekday() != weekday):
        when += timedelta(days=1)
    return when


def schedules():
    """The schedules by name. While developing both run every few minutes: the sent-log lets
    each item through once a day (the digest once a week), so a run finds only what is new."""
    if settings.DEBUG:
        often = {
            "schedule_type": Schedule.MINUTES,
            "minutes": settings.REMINDERS_EVERY_MINUTES,
            "next_run": timezone.now(),
        }
        daily = weekly = often
    else:
        daily = {"schedule_type": Schedule.DAILY, "next_run": _next(DAILY_AT)}
        weekly = {"schedule_type": Schedule.WEEKLY, "next_run": _next(DIGEST_AT, weekday=MONDAY)}
    return {
        "Daily reminders": {"func": "innovate.notifications.jobs.daily_reminders", **daily},
        "Weekly digest": {"func": "innovate.notifications.jobs.weekly_digest", **weekly},
    }


class Command(BaseCommand):
    help = "Create or update the reminder and digest schedules the worker runs."

    def handle(self, *args, **options):
        for name, fields in schedules().items():
            existing = Schedule.objects.filter(name=name).first()
            if (
                existing
                and existing.schedule_type == fields["schedule_type"]
                and (existing.minutes == fields.get("minutes"))
            ):
                # Keep its next run: restarting must not run a daily job twice.
                Schedule.objects.filter(pk=existing.pk).update(func=fields["func"], repeats=-1)
                continue
            Schedule.objects.update_or_create(name=name, defaults={**fields, "repeats": -1})
        self.stdout.write(f"{len(schedules())} schedules ready for the worker.")

"""Two real workers (`manage.py qcluster` processes) on the same PostgreSQL database, with
one schedule due: the job runs once and each person receives their email once."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule, Success

from notifications.models import Delivery
from stages import clock
from tests.factories import make_part

ROOT = Path(settings.BASE_DIR)


def _worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_a_due_schedule_once(postgres, tmp_path, innovation, leader, viewer):
    today = clock.localdate()
    make_part(innovation, by=leader, name="North team", lead=leader, next_review_on=today)
    make_part(innovation, by=leader, name="South team", lead=viewer, next_review_on=today)
    Schedule.objects.create(
        name="Daily reminders",
        func="innovate.notifications.jobs.daily_reminders",
        schedule_type=Schedule.MINUTES,
        minutes=60,
        repeats=-1,
        next_run=timezone.now() - timedelta(seconds=1),
    )
    (tmp_path / "mail").mkdir()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
        f"{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}",
        "DJANGO_DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "Q_GUARD_CYCLE": "0.1",
        "Q_WORKERS": "2",
        "CONN_MAX_AGE": "0",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    logs = [open(tmp_path / f"worker-{n}.log", "wb") for n in range(2)]  # noqa: SIM115
    workers = [_worker(env, log) for log in logs]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not Success.objects.exists():
            time.sleep(0.5)
        # Give a second run every chance to happen, were it to.
        time.sleep(5)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        for log in logs:
            log.close()
    output = "\n".join((tmp_path / f"worker-{n}.log").read_text() for n in range(2))
    runs = Success.objects.filter(func="innovate.notifications.jobs.daily_reminders")
    assert runs.count() == 1, output[-3000:]
    assert runs.get().result == 2
    subjects = [
        line
        for found in (tmp_path / "mail").iterdir()
        for line in found.read_text().splitlines()
        if line.startswith("To: ")
    ]
    assert sorted(subjects) == sorted([f"To: {leader.email}", f"To: {viewer.email}"])
    assert Delivery.objects.filter(status="sent").count() == 2

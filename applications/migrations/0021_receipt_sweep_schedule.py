"""The beat entry that builds the receipts still missing (and so writes their e-mails), every minute.

A receipt is built by a task handed over when the submission commits; with the broker down at
that moment, or the task's retries used up, the sweep hands it over again
(applications.receipts.receipts_sweep).
"""

from django.db import migrations
from django.utils import timezone

NAME = "Build missing receipts"
TASK = "applications.tasks.sweep_receipts"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": every_minute,
            "enabled": True,
            "description": "Submissions whose receipt is still missing after two minutes are handed to the worker again.",
        },
    )
    # Historical models send no signals: tell a running beat that its schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0020_submission_snapshot"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

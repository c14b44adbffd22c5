"""The beat entry that sends due reminders every hour at minute 5 (UTC); editable in the admin."""

from django.db import migrations
from django.utils import timezone

NAME = "Send due reminders"
TASK = "applications.tasks.send_due_reminders"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    hourly = dict(minute="5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC")
    crontab = CrontabSchedule.objects.filter(**hourly).first() or CrontabSchedule.objects.create(**hourly)
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "enabled": True,
            "description": "Deadline and clarification reminders to applicants, each sent once (applications.reminders).",
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
        ("applications", "0005_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]

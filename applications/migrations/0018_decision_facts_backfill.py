"""Applications approved or closed before the decision's facts were kept: filled after `migrate`.

This migration ran the backfill with today's models and rules engine. On a database upgraded from
before it, today's models may name columns that later migrations add, so the backfill now runs once
the whole schema is there: `applications.decision_facts.decision_facts_backfill`, connected to
post_migrate (applications/apps.py). This migration is kept, as a step that does nothing, so the
history of every database stays the same.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0015_action_types"),
        ("programmes", "0017_call_rule_basis"),
        ("consortia", "0007_joint_action_evidence"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]

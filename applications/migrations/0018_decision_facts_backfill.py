"""Applications approved or closed before the decision's facts were kept get them from the rules now.

Decisions taken before approval froze its facts (stage, SME size, rate, cap, the call's rules)
kept only the amounts. The best available record of those facts is the rules engine run again:
on the submission day, as the decision ran it, but with the call's rules and the applicant's
data as they are at this migration. That is a reconstruction, so the record says so
(`decision_rules["backfilled"]`). From this release on, approval writes the facts itself.

The engine and the facts are the project's own code, run through today's models: they are only
reached when such applications exist, i.e. on a database of this release's schema, never on an
empty one. Backwards nothing is undone: the facts stay as the best record there is (noop).
"""

from django.db import migrations

from applications.decision_facts import decision_facts_freeze
from applications.models import Application
from programmes.rules import evaluate_application


def decision_facts_backfill(apps, schema_editor):
    Historical = apps.get_model("applications", "Application")
    undecided = Historical.objects.filter(status__in=["approved", "closed"], decision_rules={})
    ids = list(undecided.values_list("pk", flat=True))
    if not ids:
        return
    for application in Application.objects.filter(pk__in=ids).select_related("organisation").order_by("pk"):
        decision_facts_freeze(application=application, evaluation=evaluate_application(application), backfilled=True)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0015_action_types"),
        ("programmes", "0017_call_rule_basis"),
        ("consortia", "0007_joint_action_evidence"),
    ]

    operations = [
        migrations.RunPython(decision_facts_backfill, migrations.RunPython.noop),
    ]

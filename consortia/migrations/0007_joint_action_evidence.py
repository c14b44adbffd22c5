"""The evidence of the stage: each consortium records its members' first joint promotion action.

A consortium that had the old box ticked gets a first joint action dated on its establishment
date, described as recorded before the evidence was kept, and not checked by anyone. The old rule
read the box as true since the establishment, so this keeps every stage the portal showed (on
any day) as it was; staff can correct the date and check it. The reverse keeps the box as it is.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

RECORDED_BEFORE_EVIDENCE = "Recorded before evidence was kept"


def evidence_from_the_box(apps, schema_editor):
    Consortium = apps.get_model("consortia", "Consortium")
    Consortium.objects.filter(has_joint_actions=True, first_joint_action_on__isnull=True).update(
        first_joint_action_on=F("established_on"), first_joint_action=RECORDED_BEFORE_EVIDENCE
    )


class Migration(migrations.Migration):

    dependencies = [
        ('consortia', '0006_formation_moved_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='consortium',
            name='first_joint_action',
            field=models.CharField(blank=True, help_text='What the members did together, e.g. a joint stand at a trade fair in Düsseldorf.', max_length=300, verbose_name='first joint promotion action'),
        ),
        migrations.AddField(
            model_name='consortium',
            name='first_joint_action_checked_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='first joint action checked at'),
        ),
        migrations.AddField(
            model_name='consortium',
            name='first_joint_action_checked_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='first joint action checked by'),
        ),
        migrations.AddField(
            model_name='consortium',
            name='first_joint_action_on',
            field=models.DateField(blank=True, null=True, verbose_name='first joint promotion action on'),
        ),
        migrations.AddField(
            model_name='consortium',
            name='first_joint_action_recorded_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='first joint action recorded by'),
        ),
        migrations.AlterField(
            model_name='consortium',
            name='has_joint_actions',
            field=models.BooleanField(default=False, editable=False, verbose_name='members have already carried out joint promotion actions'),
        ),
        migrations.RunPython(evidence_from_the_box, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='consortium',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('first_joint_action_on__isnull', False), ('has_joint_actions', True)), models.Q(('first_joint_action_on__isnull', True), ('has_joint_actions', False)), _connector='OR'), name='consortium_joint_actions_follow_evidence'),
        ),
        migrations.AddConstraint(
            model_name='consortium',
            constraint=models.CheckConstraint(condition=models.Q(('first_joint_action_on__isnull', True), models.Q(('first_joint_action', ''), _negated=True), _connector='OR'), name='consortium_joint_action_described'),
        ),
        migrations.AddConstraint(
            model_name='consortium',
            constraint=models.CheckConstraint(condition=models.Q(('first_joint_action_checked_at__isnull', True), ('first_joint_action_on__isnull', False), _connector='OR'), name='consortium_joint_action_checked_when_recorded'),
        ),
    ]

# The de minimis ledger keeps its history: award and correction entries.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0012_decision_facts'),
        ('consortia', '0006_formation_moved_out'),
        ('programmes', '0014_formation_call'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='aidaward',
            name='aid_award_amount_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='aidaward',
            name='aid_award_once_per_application_and_undertaking',
        ),
        migrations.AddField(
            model_name='aidaward',
            name='corrected_on',
            field=models.DateField(blank=True, null=True, verbose_name='corrected on'),
        ),
        migrations.AddField(
            model_name='aidaward',
            name='corrects',
            field=models.ForeignKey(blank=True, help_text='The award this correction reduces or cancels.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='programmes.aidaward', verbose_name='corrects'),
        ),
        migrations.AddField(
            model_name='aidaward',
            name='kind',
            field=models.CharField(choices=[('award', 'Award'), ('correction', 'Correction')], default='award', max_length=16, verbose_name='entry'),
        ),
        migrations.AddField(
            model_name='aidaward',
            name='note',
            field=models.CharField(blank=True, max_length=300, verbose_name='why'),
        ),
        migrations.AddConstraint(
            model_name='aidaward',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'correction'), ('amount__gte', 0), _connector='OR'), name='aid_award_only_corrections_negative', violation_error_code='aid_award_only_corrections_negative', violation_error_message='The amount of an award cannot be negative: only a correction can.'),
        ),
        migrations.AddConstraint(
            model_name='aidaward',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['award', 'correction'])), name='aid_award_kind_valid', violation_error_code='aid_award_kind_valid', violation_error_message='Choose award or correction.'),
        ),
        migrations.AddConstraint(
            model_name='aidaward',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('corrected_on__isnull', True), ('corrects__isnull', True), ('kind', 'award')), models.Q(('corrected_on__isnull', False), ('corrects__isnull', False), ('kind', 'correction')), _connector='OR'), name='aid_award_correction_complete', violation_error_code='aid_award_correction_complete', violation_error_message='A correction names the award it corrects and its date; an award has neither.'),
        ),
        migrations.AddConstraint(
            model_name='aidaward',
            constraint=models.UniqueConstraint(condition=models.Q(('application__isnull', False), ('kind', 'award')), fields=('application', 'organisation'), name='aid_award_once_per_application_and_undertaking', violation_error_code='aid_award_once_per_application_and_undertaking', violation_error_message='The aid of this application to this undertaking is already recorded.'),
        ),
    ]

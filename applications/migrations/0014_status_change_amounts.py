# A status history row can record a change of the granted amount and the reserve application proposed for the money freed.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0013_application_formation'),
    ]

    operations = [
        migrations.AddField(
            model_name='statuschange',
            name='amount_after',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='granted after'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='amount_before',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='granted before'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='proposed_next',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='applications.application', verbose_name='reserve application proposed'),
        ),
    ]

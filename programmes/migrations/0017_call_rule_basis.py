"""Each call rule says its basis: the programme's published rule, or the agency's configuration.

Existing rows become the agency's configuration ("agency"), with no note: nobody has checked
them against the programmes' published descriptions, and a rule must never be presented as the
programme's without someone saying so. A manager who checks a rule against the programme's
words sets it to "programme" and quotes them in the note; the demo's seed does so for its calls.
Reversing drops the two columns (no data to restore).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0016_programme_amounts_to_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='callrule',
            name='basis',
            field=models.CharField(choices=[('programme', "The programme's published rule"), ('agency', "The agency's configuration")], default='agency', max_length=16, verbose_name='basis'),
        ),
        migrations.AddField(
            model_name='callrule',
            name='note',
            field=models.CharField(blank=True, help_text="The programme's words the rule follows, or why the agency set it where the programme is silent. Shown to applicants.", max_length=500, verbose_name='where it comes from'),
        ),
        migrations.AddConstraint(
            model_name='callrule',
            constraint=models.CheckConstraint(condition=models.Q(('basis__in', ['programme', 'agency'])), name='call_rule_basis_valid', violation_error_code='call_rule_basis_valid', violation_error_message='Choose a basis from the list.'),
        ),
    ]

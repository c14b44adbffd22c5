"""Agency content in en, es, it, pt (portal.translated): each text's column becomes its English
column, keeping its data; the other languages are added by the next migration."""

from django.db import migrations

RENAMED = {
    "programme": ["name", "summary", "who_can_apply", "funding_rules", "fund", "specific_objective", "intervention_type"],
    "call": ["title", "description", "grant_conditions"],
    "historicalcall": ["title", "grant_conditions"],
    "costcategory": ["name", "description"],
    "reviewcriterion": ["name", "description"],
    "callrule": ["note"],
}


class Migration(migrations.Migration):
    dependencies = [("programmes", "0019_report_heartbeat")]

    operations = [
        migrations.RenameField(model, name, f"{name}_en") for model, names in RENAMED.items() for name in names
    ]

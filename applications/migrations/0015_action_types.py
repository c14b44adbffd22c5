"""Each action a beneficiary reports says what type it was: mission or event, consultancy, marketing, other.

The actions reported before the type was asked get the type their cost category's code suggests
(trips, missions, fairs, events, meetings: mission; consultancy, studies, research: consultancy;
marketing, promotional material, communication, campaigns: marketing), and "other" where it
suggests none: a reading of the category, which staff can correct. The reverse drops the type.
"""

from django.db import migrations

import portal.text

MISSION_WORDS = ("trip", "mission", "fair", "exhibition", "event", "b2b", "meeting", "promotion-action", "tasting")
CONSULTANCY_WORDS = ("consult", "stud", "research", "advice")
MARKETING_WORDS = ("marketing", "material", "communication", "campaign", "merchandising", "brand", "website")


def type_of_category(code: str) -> str:
    code = (code or "").lower()
    for words, action_type in (
        (CONSULTANCY_WORDS, "consultancy"),
        (MARKETING_WORDS, "marketing"),
        (MISSION_WORDS, "mission"),
    ):
        if any(word in code for word in words):
            return action_type
    return "other"


def types_from_categories(apps, schema_editor):
    ReportActivity = apps.get_model("applications", "ReportActivity")
    codes = {}
    for pk, code in ReportActivity.objects.values_list("pk", "category__code"):
        codes.setdefault(type_of_category(code), []).append(pk)
    for action_type, pks in codes.items():
        ReportActivity.objects.filter(pk__in=pks).update(action_type=action_type)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_status_change_amounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportactivity",
            name="action_type",
            field=portal.text.CleanCharField(
                choices=[
                    ("mission", "Commercial mission, business event or fair"),
                    ("consultancy", "Specialised consultancy"),
                    ("marketing", "Marketing or merchandising"),
                    ("other", "Other action"),
                ],
                default="other",
                max_length=16,
                verbose_name="type of action",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(types_from_categories, migrations.RunPython.noop),
    ]

"""PIMEX's models now belong to applications (applications/models/pimex.py); their tables keep their names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0010_constraint_messages"),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="pimexactionplan",
                    name="application",
                ),
                migrations.RemoveField(
                    model_name="pimexactionplan",
                    name="updated_by",
                ),
                migrations.RemoveField(
                    model_name="pimexplannedaction",
                    name="plan",
                ),
                migrations.RemoveField(
                    model_name="pimexattendance",
                    name="application",
                ),
                migrations.RemoveField(
                    model_name="pimexattendance",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="pimexattendance",
                    name="session",
                ),
                migrations.RemoveField(
                    model_name="pimexcallsettings",
                    name="call",
                ),
                migrations.RemoveField(
                    model_name="pimexsession",
                    name="call",
                ),
                migrations.RemoveField(
                    model_name="pimexsurvey",
                    name="application",
                ),
                migrations.RemoveField(
                    model_name="pimexsurvey",
                    name="submitted_by",
                ),
                migrations.RemoveField(
                    model_name="pimexswot",
                    name="application",
                ),
                migrations.RemoveField(
                    model_name="pimexswot",
                    name="updated_by",
                ),
                migrations.RemoveField(
                    model_name="pimextutorial",
                    name="application",
                ),
                migrations.RemoveField(
                    model_name="pimextutorial",
                    name="technician",
                ),
                migrations.DeleteModel(
                    name="PimexParticipant",
                ),
                migrations.DeleteModel(
                    name="PimexActionPlan",
                ),
                migrations.DeleteModel(
                    name="PimexPlannedAction",
                ),
                migrations.DeleteModel(
                    name="PimexAttendance",
                ),
                migrations.DeleteModel(
                    name="PimexCallSettings",
                ),
                migrations.DeleteModel(
                    name="PimexSession",
                ),
                migrations.DeleteModel(
                    name="PimexSurvey",
                ),
                migrations.DeleteModel(
                    name="PimexSwot",
                ),
                migrations.DeleteModel(
                    name="PimexTutorial",
                ),
            ],
        ),
    ]

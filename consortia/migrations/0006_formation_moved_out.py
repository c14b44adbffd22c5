"""The formation's models now belong to programmes (programmes/models/formation.py); their tables keep their names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consortia", "0005_constraint_messages"),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="formationcandidate",
                    name="formation",
                ),
                migrations.RemoveField(
                    model_name="historicalformationcandidate",
                    name="formation",
                ),
                migrations.RemoveField(
                    model_name="formationmeeting",
                    name="formation",
                ),
                migrations.RemoveField(
                    model_name="formationattendance",
                    name="candidate",
                ),
                migrations.RemoveField(
                    model_name="formationattendance",
                    name="meeting",
                ),
                migrations.RemoveField(
                    model_name="formationcandidate",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="formationcandidate",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="historicalformation",
                    name="agency",
                ),
                migrations.RemoveField(
                    model_name="historicalformation",
                    name="consortium",
                ),
                migrations.RemoveField(
                    model_name="historicalformation",
                    name="coordinator",
                ),
                migrations.RemoveField(
                    model_name="historicalformation",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalformation",
                    name="programme",
                ),
                migrations.RemoveField(
                    model_name="historicalformationcandidate",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="historicalformationcandidate",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalformationcandidate",
                    name="organisation",
                ),
                migrations.DeleteModel(
                    name="Formation",
                ),
                migrations.DeleteModel(
                    name="FormationAttendance",
                ),
                migrations.DeleteModel(
                    name="FormationMeeting",
                ),
                migrations.DeleteModel(
                    name="FormationCandidate",
                ),
                migrations.DeleteModel(
                    name="HistoricalFormation",
                ),
                migrations.DeleteModel(
                    name="HistoricalFormationCandidate",
                ),
            ],
        ),
    ]

"""The formation's models move here from consortia. The tables keep their names (db_table, and table_name for the history), so no data moves; the content types are relabelled so permissions, the admin's log and the history follow."""

import django.core.validators
import django.db.models.deletion
import portal.constraints
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = [
    "formation",
    "formationcandidate",
    "formationmeeting",
    "formationattendance",
    "historicalformation",
    "historicalformationcandidate",
]


def relabel_content_types(apps, schema_editor):
    """Keep each moved model's content type (and so its permissions, admin log and history links)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="programmes", model=model).exists():
            ContentType.objects.filter(app_label="consortia", model=model).update(app_label="programmes")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="consortia", model=model).exists():
            ContentType.objects.filter(app_label="programmes", model=model).update(app_label="consortia")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("consortia", "0006_formation_moved_out"),
        ("programmes", "0011_pimex_moved_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Formation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "sector",
                            models.CharField(
                                choices=[
                                    ("metal", "Metal"),
                                    ("agri_food", "Agri-food"),
                                    ("marine_renewable_energy", "Marine renewable energy"),
                                    ("wine", "Wine"),
                                    ("fashion_textile", "Fashion and textile"),
                                    ("machinery", "Machinery and mechanics"),
                                    ("construction", "Construction and building materials"),
                                    ("furniture", "Furniture and interiors"),
                                    ("tourism", "Tourism and services"),
                                    ("ict", "Information technology"),
                                    ("other", "Other"),
                                ],
                                max_length=32,
                                verbose_name="sector",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="The consortium is named when established.",
                                max_length=200,
                                verbose_name="working name",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("identifying", "Identifying companies"),
                                    ("meeting", "Introductory meetings"),
                                    ("deciding", "Companies deciding"),
                                    ("established", "Established"),
                                    ("abandoned", "Abandoned"),
                                ],
                                default="identifying",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        ("opened_on", models.DateField(verbose_name="opened on")),
                        (
                            "seed_funding",
                            models.DecimalField(
                                decimal_places=2,
                                help_text="The funding to establish the consortium; committed on the programme's budget when established.",
                                max_digits=14,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="seed funding (EUR)",
                            ),
                        ),
                        (
                            "statutes_reference",
                            models.CharField(
                                blank=True,
                                editable=False,
                                help_text="Where the signed statutes are: notarial deed and registry entry.",
                                max_length=300,
                                verbose_name="statutes",
                            ),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "agency",
                            models.ForeignKey(
                                editable=False,
                                help_text="The programme's agency.",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="formations",
                                to="programmes.agency",
                                verbose_name="agency",
                            ),
                        ),
                        (
                            "consortium",
                            models.OneToOneField(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="formation",
                                to="consortia.consortium",
                                verbose_name="consortium",
                            ),
                        ),
                        (
                            "coordinator",
                            models.ForeignKey(
                                blank=True,
                                help_text="The staff member who runs it: companies' answers are sent to them (else to the agency's e-mail).",
                                limit_choices_to={"is_staff": True},
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="coordinator",
                            ),
                        ),
                        (
                            "programme",
                            models.ForeignKey(
                                limit_choices_to={"kind": "export_consortia"},
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="formations",
                                to="programmes.programme",
                                verbose_name="programme",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "consortium formation",
                        "verbose_name_plural": "consortium formations",
                        "db_table": "consortia_formation",
                        "ordering": ["-opened_on", "name"],
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.CreateModel(
                    name="FormationCandidate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("identified", "Identified"),
                                    ("invited", "Invited to decide"),
                                    ("joined", "Joined"),
                                    ("declined", "Declined"),
                                ],
                                default="identified",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "notes",
                            models.TextField(
                                blank=True,
                                help_text="Export potential, capacity, what it adds to the offer.",
                                verbose_name="why identified",
                            ),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="reason given with the answer")),
                        ("invited_at", models.DateTimeField(blank=True, null=True, verbose_name="invited at")),
                        ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "formation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="candidates",
                                to="programmes.formation",
                                verbose_name="formation",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="formation_candidacies",
                                to="consortia.organisation",
                                verbose_name="company",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "candidate company",
                        "verbose_name_plural": "candidate companies",
                        "db_table": "consortia_formationcandidate",
                        "ordering": ["formation", "organisation__legal_name"],
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.CreateModel(
                    name="FormationMeeting",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("held_on", models.DateField(verbose_name="held on")),
                        ("place", models.CharField(max_length=200, verbose_name="place")),
                        ("agenda", models.TextField(blank=True, verbose_name="agenda")),
                        (
                            "notes",
                            models.TextField(
                                blank=True,
                                help_text="Strengths, gaps in the offer, open questions.",
                                verbose_name="notes",
                            ),
                        ),
                        (
                            "formation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="meetings",
                                to="programmes.formation",
                                verbose_name="formation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "introductory meeting",
                        "verbose_name_plural": "introductory meetings",
                        "db_table": "consortia_formationmeeting",
                        "ordering": ["formation", "held_on", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="FormationAttendance",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("attended", models.BooleanField(default=True, verbose_name="attended")),
                        (
                            "candidate",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attendances",
                                to="programmes.formationcandidate",
                                verbose_name="company",
                            ),
                        ),
                        (
                            "meeting",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attendances",
                                to="programmes.formationmeeting",
                                verbose_name="meeting",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "attendance",
                        "verbose_name_plural": "attendance",
                        "db_table": "consortia_formationattendance",
                        "ordering": ["meeting", "candidate__organisation__legal_name"],
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalFormation",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "sector",
                            models.CharField(
                                choices=[
                                    ("metal", "Metal"),
                                    ("agri_food", "Agri-food"),
                                    ("marine_renewable_energy", "Marine renewable energy"),
                                    ("wine", "Wine"),
                                    ("fashion_textile", "Fashion and textile"),
                                    ("machinery", "Machinery and mechanics"),
                                    ("construction", "Construction and building materials"),
                                    ("furniture", "Furniture and interiors"),
                                    ("tourism", "Tourism and services"),
                                    ("ict", "Information technology"),
                                    ("other", "Other"),
                                ],
                                max_length=32,
                                verbose_name="sector",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="The consortium is named when established.",
                                max_length=200,
                                verbose_name="working name",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("identifying", "Identifying companies"),
                                    ("meeting", "Introductory meetings"),
                                    ("deciding", "Companies deciding"),
                                    ("established", "Established"),
                                    ("abandoned", "Abandoned"),
                                ],
                                default="identifying",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        ("opened_on", models.DateField(verbose_name="opened on")),
                        (
                            "seed_funding",
                            models.DecimalField(
                                decimal_places=2,
                                help_text="The funding to establish the consortium; committed on the programme's budget when established.",
                                max_digits=14,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="seed funding (EUR)",
                            ),
                        ),
                        (
                            "statutes_reference",
                            models.CharField(
                                blank=True,
                                editable=False,
                                help_text="Where the signed statutes are: notarial deed and registry entry.",
                                max_length=300,
                                verbose_name="statutes",
                            ),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "agency",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                editable=False,
                                help_text="The programme's agency.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="programmes.agency",
                                verbose_name="agency",
                            ),
                        ),
                        (
                            "consortium",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="consortia.consortium",
                                verbose_name="consortium",
                            ),
                        ),
                        (
                            "coordinator",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="The staff member who runs it: companies' answers are sent to them (else to the agency's e-mail).",
                                limit_choices_to={"is_staff": True},
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="coordinator",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "programme",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                limit_choices_to={"kind": "export_consortia"},
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="programmes.programme",
                                verbose_name="programme",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical consortium formation",
                        "verbose_name_plural": "historical consortium formations",
                        "db_table": "consortia_historicalformation",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalFormationCandidate",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("identified", "Identified"),
                                    ("invited", "Invited to decide"),
                                    ("joined", "Joined"),
                                    ("declined", "Declined"),
                                ],
                                default="identified",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "notes",
                            models.TextField(
                                blank=True,
                                help_text="Export potential, capacity, what it adds to the offer.",
                                verbose_name="why identified",
                            ),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="reason given with the answer")),
                        ("invited_at", models.DateTimeField(blank=True, null=True, verbose_name="invited at")),
                        ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                        ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "formation",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="programmes.formation",
                                verbose_name="formation",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="consortia.organisation",
                                verbose_name="company",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical candidate company",
                        "verbose_name_plural": "historical candidate companies",
                        "db_table": "consortia_historicalformationcandidate",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddIndex(
                    model_name="formation",
                    index=models.Index(fields=["programme", "status"], name="formation_programme_status_idx"),
                ),
                migrations.AddConstraint(
                    model_name="formation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("seed_funding__gte", 0)),
                        name="formation_seed_funding_not_negative",
                        violation_error_code="formation_seed_funding_not_negative",
                        violation_error_message="The seed funding cannot be negative.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="formation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["identifying", "meeting", "deciding", "established", "abandoned"])
                        ),
                        name="formation_status_valid",
                        violation_error_code="formation_status_valid",
                        violation_error_message="Choose a status from the list.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="formation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("consortium__isnull", False), ("status", "established")),
                            models.Q(models.Q(("status", "established"), _negated=True), ("consortium__isnull", True)),
                            _connector="OR",
                        ),
                        name="formation_established_has_consortium",
                        violation_error_code="formation_established_has_consortium",
                        violation_error_message="Only an established formation has a consortium, and it must have one.",
                    ),
                ),
                migrations.AddIndex(
                    model_name="formationcandidate",
                    index=models.Index(fields=["organisation", "status"], name="formation_candidate_org_idx"),
                ),
                migrations.AddConstraint(
                    model_name="formationcandidate",
                    constraint=models.UniqueConstraint(
                        fields=("formation", "organisation"),
                        name="formation_candidate_unique",
                        violation_error_code="formation_candidate_unique",
                        violation_error_message="This company is already a candidate of this formation.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="formationcandidate",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status__in", ["identified", "invited", "joined", "declined"])),
                        name="formation_candidate_status_valid",
                        violation_error_code="formation_candidate_status_valid",
                        violation_error_message="Choose a status from the list.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="formationcandidate",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decided_at__isnull", False), ("status__in", ["joined", "declined"])),
                            models.Q(("status__in", ["identified", "invited"]), ("decided_at__isnull", True)),
                            _connector="OR",
                        ),
                        name="formation_candidate_answer_dated",
                        violation_error_code="formation_candidate_answer_dated",
                        violation_error_message="A company that joined or declined has the date of its answer; one still deciding has none.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="formationcandidate",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status", "identified"), ("invited_at__isnull", False), _connector="OR"),
                        name="formation_candidate_invitation_dated",
                        violation_error_code="formation_candidate_invitation_dated",
                        violation_error_message="A company invited to decide has the date it was invited.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="formationattendance",
                    constraint=models.UniqueConstraint(
                        fields=("meeting", "candidate"),
                        name="formation_attendance_unique",
                        violation_error_code="formation_attendance_unique",
                        violation_error_message="This company's attendance at this meeting is already recorded.",
                    ),
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]

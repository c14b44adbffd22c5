"""PIMEX's models move here from programmes. The tables keep their names (db_table), so no data moves; the content types are relabelled so permissions and the admin's log follow."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import portal.constraints
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MOVED = [
    "pimexcallsettings",
    "pimexsession",
    "pimexattendance",
    "pimextutorial",
    "pimexswot",
    "pimexactionplan",
    "pimexplannedaction",
    "pimexsurvey",
    "pimexparticipant",
]


def relabel_content_types(apps, schema_editor):
    """Keep each moved model's content type (and so its permissions, admin log and history links)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="applications", model=model).exists():
            ContentType.objects.filter(app_label="programmes", model=model).update(app_label="applications")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="programmes", model=model).exists():
            ContentType.objects.filter(app_label="applications", model=model).update(app_label="programmes")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("applications", "0010_constraint_messages"),
        ("programmes", "0011_pimex_moved_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's picture of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PimexParticipant",
                    fields=[],
                    options={
                        "verbose_name": "PIMEX participant",
                        "verbose_name_plural": "PIMEX participants",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("applications.application",),
                ),
                migrations.CreateModel(
                    name="PimexActionPlan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "target_markets",
                            models.CharField(
                                blank=True,
                                help_text="Countries or areas, separated by commas.",
                                max_length=300,
                                verbose_name="target markets",
                            ),
                        ),
                        (
                            "objectives",
                            models.TextField(
                                blank=True,
                                help_text="What the company wants to achieve abroad, in figures where possible.",
                                verbose_name="objectives",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "application",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pimex_action_plan",
                                to="applications.application",
                                verbose_name="participant",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="updated by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "PIMEX international action plan",
                        "verbose_name_plural": "PIMEX international action plans",
                        "db_table": "programmes_pimexactionplan",
                    },
                ),
                migrations.CreateModel(
                    name="PimexSession",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "starts_at",
                            models.DateTimeField(help_text="In the agency's time zone.", verbose_name="starts at"),
                        ),
                        ("place", models.CharField(max_length=200, verbose_name="place")),
                        (
                            "capacity",
                            models.PositiveSmallIntegerField(
                                help_text="Participants who can be registered.",
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="places",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "call",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="pimex_sessions",
                                to="programmes.call",
                                verbose_name="call",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "PIMEX group session",
                        "verbose_name_plural": "PIMEX group sessions",
                        "db_table": "programmes_pimexsession",
                        "ordering": ["call", "position", "starts_at", "pk"],
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.CreateModel(
                    name="PimexAttendance",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("attended", models.BooleanField(default=False, verbose_name="attended")),
                        (
                            "recorded_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
                        ),
                        (
                            "application",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pimex_attendances",
                                to="applications.application",
                                verbose_name="participant",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recorded by",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="attendances",
                                to="applications.pimexsession",
                                verbose_name="session",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "attendance",
                        "verbose_name_plural": "attendance",
                        "db_table": "programmes_pimexattendance",
                        "ordering": ["session", "application"],
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.CreateModel(
                    name="PimexSurvey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "score",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(10),
                                ],
                                verbose_name="satisfaction (0 to 10)",
                            ),
                        ),
                        ("comments", models.TextField(blank=True, verbose_name="comments")),
                        (
                            "submitted_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="answered at"),
                        ),
                        (
                            "application",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pimex_survey",
                                to="applications.application",
                                verbose_name="participant",
                            ),
                        ),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "PIMEX satisfaction survey",
                        "verbose_name_plural": "PIMEX satisfaction surveys",
                        "db_table": "programmes_pimexsurvey",
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.CreateModel(
                    name="PimexSwot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("strengths", models.TextField(blank=True, verbose_name="strengths")),
                        ("weaknesses", models.TextField(blank=True, verbose_name="weaknesses")),
                        ("opportunities", models.TextField(blank=True, verbose_name="opportunities")),
                        ("threats", models.TextField(blank=True, verbose_name="threats")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "application",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pimex_swot",
                                to="applications.application",
                                verbose_name="participant",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="updated by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "PIMEX SWOT analysis",
                        "verbose_name_plural": "PIMEX SWOT analyses",
                        "db_table": "programmes_pimexswot",
                    },
                ),
                migrations.CreateModel(
                    name="PimexTutorial",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "scheduled_at",
                            models.DateTimeField(help_text="In the agency's time zone.", verbose_name="scheduled at"),
                        ),
                        ("topic", models.CharField(max_length=200, verbose_name="topic")),
                        (
                            "attended",
                            models.BooleanField(
                                blank=True,
                                help_text="Leave empty until the tutorial has taken place.",
                                null=True,
                                verbose_name="attended",
                            ),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="technician's notes")),
                        (
                            "application",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pimex_tutorials",
                                to="applications.application",
                                verbose_name="participant",
                            ),
                        ),
                        (
                            "technician",
                            models.ForeignKey(
                                blank=True,
                                limit_choices_to={"is_staff": True},
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="technician",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "PIMEX individual tutorial",
                        "verbose_name_plural": "PIMEX individual tutorials",
                        "db_table": "programmes_pimextutorial",
                        "ordering": ["application", "scheduled_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PimexCallSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "group_sessions_required",
                            models.PositiveSmallIntegerField(
                                default=3,
                                help_text="Face-to-face group training sessions each participant attends.",
                                validators=[django.core.validators.MaxValueValidator(20)],
                                verbose_name="group sessions to attend",
                            ),
                        ),
                        (
                            "tutorials_required",
                            models.PositiveSmallIntegerField(
                                default=3,
                                help_text="Tutorials at the company's premises with the agency's technician.",
                                validators=[django.core.validators.MaxValueValidator(20)],
                                verbose_name="individual tutorials to attend",
                            ),
                        ),
                        (
                            "call",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pimex_settings",
                                to="programmes.call",
                                verbose_name="call",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "PIMEX commitments of a call",
                        "verbose_name_plural": "PIMEX commitments of calls",
                        "db_table": "programmes_pimexcallsettings",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("group_sessions_required__lte", 20), ("tutorials_required__lte", 20)
                                ),
                                name="pimex_settings_plausible",
                                violation_error_code="pimex_settings_plausible",
                                violation_error_message="A call asks at most 20 group sessions and 20 tutorials.",
                            )
                        ],
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.CreateModel(
                    name="PimexPlannedAction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("description", models.CharField(max_length=300, verbose_name="action")),
                        (
                            "market",
                            models.CharField(
                                help_text="Country or area, e.g. United Arab Emirates.",
                                max_length=100,
                                verbose_name="market",
                            ),
                        ),
                        ("starts_on", models.DateField(verbose_name="starts on")),
                        ("ends_on", models.DateField(verbose_name="ends on")),
                        (
                            "budget",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=14,
                                validators=[
                                    django.core.validators.MinValueValidator(
                                        Decimal("0"), message="Enter an amount of zero or more."
                                    )
                                ],
                                verbose_name="budget (EUR)",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="actions",
                                to="applications.pimexactionplan",
                                verbose_name="action plan",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "planned action",
                        "verbose_name_plural": "planned actions",
                        "db_table": "programmes_pimexplannedaction",
                        "ordering": ["plan", "position", "pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends_on__gte", models.F("starts_on"))),
                                name="pimex_action_ends_after_start",
                                violation_error_code="pimex_action_ends_after_start",
                                violation_error_message="The action must end on or after the day it starts.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("budget__gte", 0)),
                                name="pimex_action_budget_not_negative",
                                violation_error_code="pimex_action_budget_not_negative",
                                violation_error_message="The budget cannot be negative.",
                            ),
                        ],
                    },
                    bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
                ),
                migrations.AddConstraint(
                    model_name="pimexsession",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("capacity__gte", 1)),
                        name="pimex_session_capacity_positive",
                        violation_error_code="pimex_session_capacity_positive",
                        violation_error_message="A session has at least one place.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="pimexattendance",
                    constraint=models.UniqueConstraint(
                        fields=("session", "application"),
                        name="pimex_attendance_once_per_session",
                        violation_error_code="pimex_attendance_once_per_session",
                        violation_error_message="This company is already registered at this session.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="pimexsurvey",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("score__gte", 0), ("score__lte", 10)),
                        name="pimex_survey_score_0_10",
                        violation_error_code="pimex_survey_score_0_10",
                        violation_error_message="The satisfaction score is from 0 to 10.",
                    ),
                ),
                migrations.AddIndex(
                    model_name="pimextutorial",
                    index=models.Index(fields=["application", "scheduled_at"], name="pimex_tutorial_app_idx"),
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]

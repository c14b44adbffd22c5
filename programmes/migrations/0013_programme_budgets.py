"""Programme-year budgets split into lines, the agency's own spending, and the budget year of each call.

Each call draws from its programme's budget of its budget year: for existing calls, the year they
open in the agency's time zone. Each programme with a yearly budget gets, for every year its calls
draw from, a budget of that year with one line for grants of that amount.
"""

import django.db.models.deletion
import portal.constraints
import simple_history.models
from django.conf import settings
import zoneinfo

from django.db import migrations, models

FIELD = dict(
    blank=True,
    help_text="The year of the programme's budget this call draws from. Left empty: the year the call opens (in the agency's time zone).",
    verbose_name="budget year",
)


def fill_budget_years(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    zones = {
        pk: zoneinfo.ZoneInfo(zone) for pk, zone in Programme.objects.values_list("pk", "agency__timezone")
    }
    for model_name in ("Call", "HistoricalCall"):
        model = apps.get_model("programmes", model_name)
        for row in model.objects.filter(budget_year__isnull=True).only("pk", "opens_at", "programme_id"):
            zone = zones.get(row.programme_id, zoneinfo.ZoneInfo("UTC"))
            model.objects.filter(pk=row.pk).update(budget_year=row.opens_at.astimezone(zone).year)


def checks_now(apps, schema_editor):
    # PostgreSQL refuses to alter a table with row checks still pending in the transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def envelopes_from_yearly_budgets(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Call = apps.get_model("programmes", "Call")
    ProgrammeBudget = apps.get_model("programmes", "ProgrammeBudget")
    ProgrammeBudgetLine = apps.get_model("programmes", "ProgrammeBudgetLine")
    for programme in Programme.objects.filter(annual_budget__isnull=False):
        years = sorted(set(Call.objects.filter(programme=programme).values_list("budget_year", flat=True)))
        for year in years:
            budget, created = ProgrammeBudget.objects.get_or_create(
                programme=programme, year=year, defaults={"note": "From the programme's yearly budget."}
            )
            if created:
                ProgrammeBudgetLine.objects.create(
                    budget=budget, name="Grants", purpose="grants", amount=programme.annual_budget, position=1
                )


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0012_formation_moved_in'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='call',
            name='budget_year',
            field=models.PositiveSmallIntegerField(blank=True, help_text="The year of the programme's budget this call draws from. Left empty: the year the call opens (in the agency's time zone).", null=True, verbose_name='budget year'),
        ),
        migrations.AddField(
            model_name='historicalcall',
            name='budget_year',
            field=models.PositiveSmallIntegerField(blank=True, help_text="The year of the programme's budget this call draws from. Left empty: the year the call opens (in the agency's time zone).", null=True, verbose_name='budget year'),
        ),
        migrations.CreateModel(
            name='ProgrammeBudget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('note', models.TextField(blank=True, help_text='Where the figures come from (a decision, a plan).', verbose_name='note')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='budgets', to='programmes.programme', verbose_name='programme')),
            ],
            options={
                'verbose_name': 'programme budget',
                'verbose_name_plural': 'programme budgets',
                'ordering': ['programme__name', '-year'],
            },
            bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProgrammeBudgetLine',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('purpose', models.CharField(choices=[('grants', "Grants (approved grants of the programme's calls draw from it)"), ('agency_spending', "The agency's own spending (training, consultancy...)")], default='grants', max_length=20, verbose_name='purpose')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (EUR)')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('budget', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programmebudget', verbose_name='programme budget')),
            ],
            options={
                'verbose_name': 'historical budget line',
                'verbose_name_plural': 'historical budget lines',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ProgrammeBudgetLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('purpose', models.CharField(choices=[('grants', "Grants (approved grants of the programme's calls draw from it)"), ('agency_spending', "The agency's own spending (training, consultancy...)")], default='grants', max_length=20, verbose_name='purpose')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (EUR)')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('budget', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='programmes.programmebudget', verbose_name='programme budget')),
            ],
            options={
                'verbose_name': 'budget line',
                'verbose_name_plural': 'budget lines',
                'ordering': ['budget', 'position', 'pk'],
            },
            bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
        ),
        migrations.CreateModel(
            name='AgencySpending',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('spent_on', models.DateField(verbose_name='spent on')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (EUR)')),
                ('description', models.TextField(verbose_name='what was paid for')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('line', models.ForeignKey(limit_choices_to={'purpose': 'agency_spending'}, on_delete=django.db.models.deletion.PROTECT, related_name='spending', to='programmes.programmebudgetline', verbose_name='budget line')),
            ],
            options={
                'verbose_name': 'agency spending',
                'verbose_name_plural': 'agency spending',
                'ordering': ['-spent_on', '-pk'],
            },
            bases=(portal.constraints.ConstraintErrorsOnFields, models.Model),
        ),
        migrations.AddConstraint(
            model_name='programmebudget',
            constraint=models.UniqueConstraint(fields=('programme', 'year'), name='programme_budget_once_per_year', violation_error_code='programme_budget_once_per_year', violation_error_message='The programme already has a budget for this year.'),
        ),
        migrations.AddConstraint(
            model_name='programmebudgetline',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='programme_budget_line_amount_not_negative', violation_error_code='programme_budget_line_amount_not_negative', violation_error_message='The amount cannot be negative.'),
        ),
        migrations.AddConstraint(
            model_name='programmebudgetline',
            constraint=models.CheckConstraint(condition=models.Q(('purpose__in', ['grants', 'agency_spending'])), name='programme_budget_line_purpose_valid', violation_error_code='programme_budget_line_purpose_valid', violation_error_message='Choose a purpose from the list.'),
        ),
        migrations.AddConstraint(
            model_name='programmebudgetline',
            constraint=models.UniqueConstraint(condition=models.Q(('purpose', 'grants')), fields=('budget',), name='programme_budget_line_one_grants_line', violation_error_code='programme_budget_line_one_grants_line', violation_error_message='A yearly budget has one line for grants: every approved grant of the year draws from it.'),
        ),
        migrations.AddConstraint(
            model_name='agencyspending',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='agency_spending_amount_positive', violation_error_code='agency_spending_amount_positive', violation_error_message='The amount must be more than zero.'),
        ),
        migrations.RunPython(fill_budget_years, migrations.RunPython.noop),
        migrations.RunPython(checks_now, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="call",
            name="budget_year",
            field=models.PositiveSmallIntegerField(**FIELD),
        ),
        migrations.AlterField(
            model_name="historicalcall",
            name="budget_year",
            field=models.PositiveSmallIntegerField(**FIELD),
        ),
        # Going back drops the budgets' tables (the yearly budget stays on the programme): nothing to undo.
        migrations.RunPython(envelopes_from_yearly_budgets, migrations.RunPython.noop),
    ]

from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from applications.demo.data import DEMO_PASSWORD
from applications.demo.formation import AGRI_FOOD_FORMATION, AGRI_FOOD_SEED_FUNDING, FORMATION_NAME
from applications.models import Answer, Application, BudgetLine, Expense, StatusChange
from applications.reviews import ranking
from consortia.models import Consortium, Membership, Organisation
from portal.models import User
from programmes.models import (
    Agency,
    AgencySpending,
    AidAward,
    Call,
    CallRule,
    CostCategory,
    Formation,
    Programme,
    ProgrammeBudget,
    ProgrammeBudgetLine,
    Question,
)
from programmes.rules import evaluate_application, validate_rule_parameters

pytestmark = pytest.mark.django_db

MODELS = [
    Agency,
    Programme,
    Call,
    CallRule,
    CostCategory,
    CostCategory,
    ProgrammeBudget,
    ProgrammeBudgetLine,
    AgencySpending,
    Organisation,
    Consortium,
    Membership,
    Application,
    BudgetLine,
    User,
]


def snapshot():
    rows = {}
    for model in MODELS:
        rows[model.__name__] = sorted(
            (
                tuple(sorted((k, str(v)) for k, v in model_to_dict(obj).items() if k != "password"))
                for obj in model.objects.all()
            ),
        )
    rows["StatusChange"] = sorted(StatusChange.objects.values_list("application_id", "from_status", "to_status"))
    return rows


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)


def test_seed_demo_run_twice_gives_the_same_rows(seeded):
    first = snapshot()

    call_command("seed_demo", verbosity=0)

    assert snapshot() == first


def test_a_second_run_says_first_that_nothing_is_new(seeded):
    # The zero-set-up check (.ci/demo-smoke) reads only this first line.
    out = StringIO()

    call_command("seed_demo", stdout=out)

    first_line = out.getvalue().splitlines()[0]
    assert first_line.startswith("Demo data ready:") and first_line.endswith("(0 new).")


def test_it_creates_the_four_agencies_of_the_seeds(seeded):
    agencies = {a.region: (a.timezone, a.country) for a in Agency.objects.all()}

    assert agencies == {
        "ES43": ("Europe/Madrid", "ES"),
        "ITH5": ("Europe/Rome", "IT"),
        "ES13": ("Europe/Madrid", "ES"),
        "PT18": ("Europe/Lisbon", "PT"),
    }


def test_every_programme_has_an_open_call_this_year(seeded):
    open_now = Call.objects.open_now()

    assert Programme.objects.count() == 5
    for programme in Programme.objects.all():
        assert open_now.filter(programme=programme, year=timezone.localdate().year).exists(), programme.name
    assert set(Programme.objects.values_list("kind", flat=True)) == {
        "export_consortia",
        "cofinancing",
        "pimex",
        "collective_actions",
    }


def test_the_figures_of_the_seeds_are_configured(seeded):
    export = Programme.objects.get(slug="export-consortiums-extremadura")
    cofinancing = Programme.objects.get(kind="cofinancing")
    pimex = Programme.objects.get(kind="pimex")

    def rules(programme, code, *fields):
        return sorted(CallRule.objects.filter(call__programme=programme, code=code).values_list(*fields).distinct())

    # The amounts of a grant are the calls' rules, the one source the engine and the payable amount read.
    assert rules(export, "stage_cap", "amount") == [(3000,), (5000,), (8000,)]
    assert rules(cofinancing, "funding_rate", "rate") == [(40,)]
    assert rules(cofinancing, "grant_range", "amount", "limit") == [(30000, 150000)]
    assert rules(pimex, "per_company_cap", "amount") == [(2500,)]
    assert rules(Programme.objects.get(slug="export-consortia-cantabria"), "grant_cap", "amount") == [(700000,)]
    alentejo_budgets = sorted(
        Call.objects.filter(programme__kind="collective_actions").values_list("budget", flat=True)
    )
    assert alentejo_budgets == [2000000, 3000000]
    assert set(export.cost_categories.values_list("code", flat=True)) == {
        "commercial-trips",
        "promotional-material",
        "promotion-actions",
        "consultancy",
        "marketing",
    }


def test_the_export_consortiums_call_closes_on_31_december_in_madrid(seeded):
    call = Call.objects.get(programme__slug="export-consortiums-extremadura")
    closes = call.closes_at.astimezone(ZoneInfo("Europe/Madrid"))

    assert (closes.month, closes.day, closes.hour, closes.minute) == (12, 31, 23, 59)


def test_about_thirty_organisations_with_valid_tax_ids_in_their_regions(seeded):
    organisations = list(Organisation.objects.all())

    assert 28 <= len(organisations) <= 35
    for organisation in organisations:
        organisation.full_clean()  # valid tax id for its country, region in the country
    assert {o.region for o in organisations} == {"ES43", "ES13", "ITH5", "PT18"}
    assert {o.kind for o in organisations} == {"company", "non_profit", "public_body"}


def test_consortia_are_in_each_stage(seeded):
    today = timezone.localdate()
    ages = [(today - c.established_on).days / 365.25 for c in Consortium.objects.all()]
    initiation = [c for c in Consortium.objects.all() if not c.has_joint_actions]

    assert initiation
    assert any(1 <= age <= 3 for age in ages)
    assert any(age > 3 for age in ages)
    for consortium in Consortium.objects.all():
        assert consortium.memberships.filter(status="active").count() >= 2


def test_applications_are_in_several_statuses_with_their_history(seeded):
    statuses = set(Application.objects.values_list("status", flat=True))

    assert {"draft", "submitted", "under_review", "approved", "rejected", "reserve"} <= statuses
    for application in Application.objects.all():
        trail = list(application.status_changes.order_by("changed_at", "pk").values_list("to_status", flat=True))
        assert trail[0] == "draft"
        assert trail[-1] == application.status
        assert application.budget_lines.exists()
        if application.status != "draft":
            assert application.reference.startswith(application.call.reference_prefix + "-")
            assert application.submitted_at is not None


def test_references_are_gapless_per_call(seeded):
    for call in Call.objects.all():
        numbers = sorted(
            int(r.rsplit("-", 1)[1])
            for r in call.applications.exclude(reference="").values_list("reference", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))


def test_one_demo_user_per_role_can_log_in(seeded, client):
    roles = {
        "applicant@demo.example": (False, False),
        "staff@demo.example": (True, False),
        "manager@demo.example": (True, False),
        "admin@demo.example": (True, True),
    }
    for email, (is_staff, is_superuser) in roles.items():
        user = User.objects.get(email=email)
        assert (user.is_staff, user.is_superuser) == (is_staff, is_superuser)
        assert client.login(email=email, password=DEMO_PASSWORD)
        client.logout()
    assert User.objects.get(email="staff@demo.example").groups.filter(name="Agency staff").exists()
    assert User.objects.get(email="manager@demo.example").groups.filter(name="Programme manager").exists()


def test_the_home_page_lists_the_open_calls_of_the_five_programmes(seeded, client):
    html = client.get("/en/").content.decode()

    for programme in Programme.objects.all():
        assert programme.name in html
        for call in programme.calls.open_now():
            assert call.title in html


def test_the_demo_content_speaks_the_readers_language(seeded, client):
    portuguese = client.get("/pt/").content.decode()
    italian = client.get("/it/").content.decode()

    assert "Consórcios de Exportação" in portuguese and "Ações Coletivas" in portuguese
    assert "Consorzi per l&#x27;esportazione" in italian or "Consorzi per l'esportazione" in italian
    assert "Export Consortiums" not in portuguese
    # Every agency writes in its country's language; every text is in the four.
    assert {a.slug: a.language for a in Agency.objects.all()} == {
        "extremadura-avante": "es",
        "emilia-romagna": "it",
        "sodercan": "es",
        "alentejo-2020": "pt",
    }
    for call in Call.objects.all():
        assert all((call.title_en, call.title_es, call.title_it, call.title_pt)), call.title_en


def test_the_demo_staff_work_in_the_admin(seeded, client):
    client.login(email="staff@demo.example", password=DEMO_PASSWORD)

    assert client.get("/en/admin/applications/application/").status_code == 200
    assert client.get("/en/admin/programmes/call/").status_code == 200


def test_it_works_in_december_and_january(db):
    # The windows are relative to the day the command runs: on 2 January the
    # year-long call of the new year is open, and in late December all are.
    for moment in (
        datetime(2027, 1, 2, 10, 0, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 12, 28, 10, 0, tzinfo=ZoneInfo("UTC")),
    ):
        with time_machine.travel(moment, tick=False):
            call_command("seed_demo", verbosity=0)
            assert Call.objects.open_now().filter(programme__slug="export-consortiums-extremadura").exists()
            assert Call.objects.open_now().values("programme").distinct().count() == 5


def evaluated(title):
    return evaluate_application(Application.objects.get(title=title))


def test_every_demo_call_has_its_rules(seeded):
    for call in Call.objects.all():
        assert call.rules.exists(), call.title
        assert call.criteria.count() == 4, call.title
        for rule in call.rules.all():
            rule.full_clean()
            validate_rule_parameters(rule)


def test_the_demo_applications_are_evaluated_with_readable_reasons(seeded):
    sial = evaluated("Extremadura flavours at SIAL Paris")
    assert sial.eligible and sial.max_grant == 8000
    assert "capped at 8,000.00 for a consortium in the initiation stage" in sial.explanation_text

    nordic = evaluated("Stone and cork for Nordic architects")
    assert nordic.eligible and nordic.max_grant == 5000

    mexico = evaluated("Wines and cherries in Mexico")
    assert mexico.eligible and mexico.max_grant == 3000
    assert mexico.max_grant >= Application.objects.get(title="Wines and cherries in Mexico").granted_amount

    food_valley = evaluated("Food Valley in Japan and South Korea")
    assert food_valley.eligible and food_valley.max_grant == 100000
    assert "40% of 250,000.00 = 100,000.00; within 30,000.00–150,000.00" in food_valley.explanation_text

    marine = evaluated("Establishing the marine renewable energy consortium")
    assert not marine.eligible and marine.max_grant == 0
    assert "2 active members have their registered office in Cantabria (ES13); at least 3 are required." in [
        r.message for r in marine.failures
    ]

    tomato = evaluated("Processed tomato in the Gulf countries")
    assert tomato.eligible and tomato.max_grant == 2500
    assert "3,100.00 capped at 2,500.00 per company" in tomato.explanation_text

    solar = evaluated("Solar engineering services in Morocco")
    assert not solar.eligible
    assert any("three group training sessions" in r.message for r in solar.failures)

    wines = evaluated("Alentejo wines in Brazil and Angola")
    assert wines.eligible and wines.max_grant == 463250


def test_no_demo_grant_exceeds_what_the_rules_allow(seeded):
    for application in Application.objects.exclude(granted_amount=None):
        assert application.granted_amount <= evaluate_application(application).max_grant, application.title


def test_the_demo_ranking_of_export_consortiums_has_reviewed_applications(seeded):
    call = Call.objects.get(programme__slug="export-consortiums-extremadura")

    rows = ranking(call)

    assert rows and all(row.summary.completed == 2 for row in rows)


def test_the_demo_beneficiary_has_accepted_a_grant_and_reported_an_expense(seeded, client):
    expense = Expense.objects.select_related("report__application").get()
    application = expense.report.application
    assert application.accepted_by.email == "beneficiary@demo.example"
    assert (expense.amount, expense.invoice.kind) == (Decimal("1840.00"), "invoice")

    client.login(email="beneficiary@demo.example", password=DEMO_PASSWORD)
    page = client.get(f"/en/my/applications/{application.pk}/reports/final/")
    assert page.status_code == 200 and "GF-2026-4471" in page.text


# --- where each rule comes from ---------------------------------------------------------------


def demo_rule(programme_slug, code, **fields):
    return CallRule.objects.get(call__programme__slug=programme_slug, code=code, **fields)


def test_every_demo_rule_says_where_it_comes_from(seeded):
    for rule in CallRule.objects.all():
        assert rule.basis in ("programme", "agency") and rule.note, (rule.call.title, rule.code)


def test_values_the_seeds_do_not_state_are_the_agency_s_configuration(seeded):
    alentejo = "collective-actions-alentejo"
    emilia = "consortia-promotion-projects-emilia-romagna"

    assert {r.basis for r in CallRule.objects.filter(call__programme__slug=alentejo, code="funding_rate")} == {"agency"}
    assert {r.basis for r in CallRule.objects.filter(call__programme__slug=alentejo, code="member_regions")} == {
        "agency"
    }
    assert demo_rule(emilia, "category_cap").basis == "agency"
    assert demo_rule(emilia, "min_members").basis == "agency"
    # What the seeds do state is the programme's rule, with the seed's words.
    assert demo_rule(emilia, "funding_rate").basis == "programme"
    assert "40% of eligible costs" in demo_rule(emilia, "funding_rate").note
    assert {r.basis for r in CallRule.objects.filter(call__programme__slug=alentejo, code="declarations")} == {
        "agency",
        "programme",
    }


def test_the_export_consortiums_activity_rule_quotes_seed_000(seeded):
    rule = demo_rule("export-consortiums-extremadura", "member_activity")

    assert rule.basis == "agency"
    assert "manufacturing or processing, as well as companies whose final product is a service" in rule.note
    assert "C" in rule.choice_list and "M" in rule.choice_list
    assert not {"A", "B", "F", "L"} & set(rule.choice_list)


def test_a_second_run_brings_the_rules_of_an_older_demo_up_to_date_in_place(seeded):
    # A demo loaded before the rules said their basis: the old activity list, one PIMEX declarations
    # row, and the cherry company recorded as a fruit grower.
    activity = demo_rule("export-consortiums-extremadura", "member_activity")
    CallRule.objects.filter(pk=activity.pk).update(choices="A,C,H,I,J,M,N", basis="agency", note_en="")
    pimex = Call.objects.get(programme__slug="pimex")
    pimex.rules.filter(code="declarations", position=55).delete()
    pimex.rules.filter(code="declarations", position=50).update(choices="truthful,pimex_commitment,de_minimis")
    Organisation.objects.filter(legal_name="Cerezas Valle del Jerte S.L.").update(nace_code="01.24")
    count = CallRule.objects.count()

    call_command("seed_demo", verbosity=0)

    activity.refresh_from_db()
    assert "A" not in activity.choice_list and "manufacturing or processing" in activity.note
    declarations = {r.position: (r.choices, r.basis) for r in pimex.rules.filter(code="declarations")}
    assert declarations == {50: ("truthful,de_minimis", "agency"), 55: ("pimex_commitment", "programme")}
    assert CallRule.objects.count() == count + 1
    assert Organisation.objects.get(legal_name="Cerezas Valle del Jerte S.L.").nace_code == "10.39"
    assert evaluated("Wines and cherries in Mexico").eligible


def test_the_demo_formation_is_established_with_its_seed_funding_granted_on_the_seed_funding_call(seeded):
    # SODERCAN's seed fund (seed 002): one pool for the formations and the call's applicants.
    formation = Formation.objects.get(name=AGRI_FOOD_FORMATION)
    grant = Application.objects.get(formation=formation)
    assert formation.status == "established" and grant.consortium == formation.consortium
    assert (grant.call, grant.status, grant.granted_amount) == (formation.call, "approved", AGRI_FOOD_SEED_FUNDING)
    assert grant.call.slug.startswith("seed-funding-")
    aid = AidAward.objects.filter(application=grant)
    assert aid.count() == 3 and sum(a.amount for a in aid) == AGRI_FOOD_SEED_FUNDING
    # The formation under way draws from the same call.
    assert Formation.objects.get(name=FORMATION_NAME).call == grant.call

    call_command("seed_demo", verbosity=0)

    assert Application.objects.filter(formation__isnull=False).count() == 1
    assert AidAward.objects.filter(application=grant).count() == 3


def lines_of(slug):
    budget = ProgrammeBudget.objects.get(programme__slug=slug)
    return [(line.name, line.purpose, line.amount) for line in budget.lines.all()]


def test_the_yearly_budgets_of_the_seeds_are_split_into_lines(seeded):
    assert lines_of("export-consortiums-extremadura") == [("Grants to export consortia", "grants", 58000)]
    assert lines_of("pimex") == [
        ("Promotion actions", "grants", 75000),
        ("Group training sessions", "agency_spending", 5000),
        ("Senior consultancy", "agency_spending", 8280),
    ]
    assert lines_of("consortia-promotion-projects-emilia-romagna")[0][1:] == ("grants", 2000000)
    assert lines_of("export-consortia-cantabria")[0][1:] == ("grants", 700000)
    # Alentejo's contests have their own budgets and no yearly budget.
    assert not ProgrammeBudget.objects.filter(programme__slug="collective-actions-alentejo").exists()
    assert AgencySpending.objects.filter(line__budget__programme__slug="pimex").count() == 2


def test_a_demo_cofinancing_call_asks_the_markets_and_its_applications_answered(seeded):
    call = Call.objects.filter(programme__kind="cofinancing").order_by("pk").first()
    markets = call.questions.get(code="markets")

    assert (markets.kind, markets.required, markets.label_es) == ("market", True, "Mercados objetivo")
    answer = Answer.objects.filter(question=markets).first()
    assert answer is not None and answer.codes == ["north_america", "japan"]
    assert Question.objects.filter(call__programme__kind="collective_actions", code="estimated_smes").exists()
    assert Answer.objects.filter(
        question__call__programme__kind="collective_actions", question__code="estimated_smes", number=40
    ).exists()

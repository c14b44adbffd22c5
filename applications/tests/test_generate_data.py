from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stdnum.es import nif as es_nif
from stdnum.it import iva as it_iva
from stdnum.pt import nif as pt_nif

from applications.demo.volume import SLUG_PREFIX, volume_generate
from applications.models import Application, BudgetLine, Status, StatusChange
from consortia.models import Consortium, Membership, Organisation, nace_section
from consortia.services import sme_size
from consortia.taxids import validate_tax_id
from portal.regions import nuts_country
from programmes.models import Agency, AidAward, Call, Programme

pytestmark = pytest.mark.django_db

N = 300
COMMITTED = (Status.APPROVED, Status.CLOSED)
DECIDED = (Status.APPROVED, Status.RESERVE, Status.REJECTED, Status.CLOSED)
VALIDATORS = {"ES": es_nif, "IT": it_iva, "PT": pt_nif}


@pytest.fixture
def generated():
    return volume_generate(applications=N, seed=7)


def signature():
    """What the generated data says, without database ids (which sequences never give back)."""
    return sorted(
        Application.objects.values_list(
            "call__slug",
            "call__programme__slug",
            "reference",
            "status",
            "organisation__tax_id",
            "consortium__name",
            "granted_amount",
            "submitted_at",
        )
    )


def generated_then_rolled_back(**options):
    with transaction.atomic():
        volume_generate(**options)
        rows = signature()
        transaction.set_rollback(True)
    return rows


def test_it_creates_the_applications_asked_for_and_counts_what_it_wrote(generated):
    assert generated["applications"] == N == Application.objects.count()
    assert generated["budget_lines"] == BudgetLine.objects.count()
    assert generated["status_changes"] == StatusChange.objects.count()
    assert generated["aid_awards"] == AidAward.objects.count() > 0
    assert generated["organisations"] == Organisation.objects.count()
    assert generated["consortia"] == Consortium.objects.count()
    assert generated["memberships"] == Membership.objects.count()
    assert generated["calls"] == Call.objects.count()
    assert sum(generated["statuses"].values()) == N


def test_every_application_has_two_to_five_budget_lines_of_its_programme(generated):
    lines = Application.objects.annotate(n=Count("budget_lines"), total=Sum("budget_lines__amount"))

    assert {row.n for row in lines} <= {2, 3, 4, 5}
    assert BudgetLine.objects.exclude(category__programme=F("application__call__programme")).count() == 0
    for application in lines.exclude(status=Status.DRAFT):
        assert application.eligible_costs == application.total


def test_agencies_are_the_four_regions_of_the_seeds_with_programmes_of_the_four_kinds(generated):
    agencies = {a.region: a.timezone for a in Agency.objects.filter(slug__startswith=SLUG_PREFIX)}
    programmes = Programme.objects.filter(slug__startswith=SLUG_PREFIX)

    assert agencies == {
        "ES43": "Europe/Madrid",
        "ITH5": "Europe/Rome",
        "ES13": "Europe/Madrid",
        "PT18": "Europe/Lisbon",
    }
    assert set(programmes.values_list("kind", flat=True)) == set(Programme.Kind.values)
    for programme in programmes:
        assert "ERDF" in programme.fund and programme.specific_objective and programme.intervention_type
        assert programme.eu_cofinancing_rate > 0
        assert programme.cost_categories.count() >= 4
        years = set(programme.calls.values_list("year", flat=True))
        assert len(years) == 3 and max(years) - min(years) == 2


def test_every_status_appears(generated):
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)


def test_every_tax_id_is_valid_for_its_country_and_stored_compact(generated):
    for organisation in Organisation.objects.all():
        country = organisation.country
        assert VALIDATORS[country].is_valid(organisation.tax_id), organisation.tax_id
        assert validate_tax_id(country, organisation.tax_id) == organisation.tax_id
        assert nuts_country(organisation.region) == country
        assert nace_section(organisation.nace_code) is not None
        assert organisation.founded_on < timezone.localdate()


def test_organisations_are_in_the_regions_of_the_agencies(generated):
    regions = set(Agency.objects.values_list("region", flat=True))

    assert set(Organisation.objects.values_list("region", flat=True)) == regions


def test_committed_money_of_every_call_stays_within_its_budget(generated):
    calls = Call.objects.annotate(
        committed=Sum("applications__granted_amount", filter=Q(applications__status__in=COMMITTED))
    )

    assert any(call.committed for call in calls)
    for call in calls:
        assert (call.committed or 0) <= call.budget, call.title


def test_only_approved_and_closed_applications_have_a_grant_within_the_maximum(generated):
    assert not Application.objects.exclude(status__in=COMMITTED).filter(granted_amount__isnull=False).exists()
    for application in Application.objects.filter(status__in=COMMITTED):
        assert 0 < application.granted_amount <= application.max_grant <= application.eligible_costs
        assert application.granted_amount == application.granted_amount.quantize(Decimal("0.01"))


def test_references_are_unique_per_call_gapless_and_match_the_counter(generated):
    for call in Call.objects.all():
        applications = call.applications.all()
        references = [a.reference for a in applications if a.status != Status.DRAFT]
        expected = {f"{call.reference_prefix}-{call.year}-{n:04d}" for n in range(1, len(references) + 1)}

        assert sorted(references) == sorted(expected)
        assert call.last_reference_number == len(references)
        assert all(a.reference == "" and a.submitted_at is None for a in applications if a.status == Status.DRAFT)


def test_submissions_fall_in_the_call_window(generated):
    for application in Application.objects.exclude(status=Status.DRAFT).select_related("call"):
        assert application.call.opens_at <= application.submitted_at <= application.call.closes_at


def test_each_application_has_exactly_one_applicant_of_its_programme_kind(generated):
    kinds = {
        Programme.Kind.EXPORT_CONSORTIA: {None},
        Programme.Kind.COFINANCING: {None},
        Programme.Kind.PIMEX: {Organisation.Kind.COMPANY},
        Programme.Kind.COLLECTIVE_ACTIONS: {Organisation.Kind.NON_PROFIT, Organisation.Kind.PUBLIC_BODY},
    }
    seen = Counter()
    for application in Application.objects.select_related("call__programme", "organisation"):
        assert (application.consortium_id is None) != (application.organisation_id is None)
        kind = application.organisation.kind if application.organisation else None
        assert kind in kinds[application.call.programme.kind]
        if application.status != Status.WITHDRAWN:
            seen[(application.call_id, application.consortium_id, application.organisation_id)] += 1
    assert max(seen.values()) == 1


def test_consortia_have_three_to_eight_active_members_and_a_company_is_in_two(generated):
    consortia = Consortium.objects.annotate(members=Count("memberships", filter=Q(memberships__status="active")))
    memberships_per_company = Counter(Membership.objects.values_list("organisation_id", flat=True))

    assert {c.members for c in consortia} <= set(range(3, 9))
    assert not Membership.objects.filter(joined_on__isnull=True).exists()
    assert max(memberships_per_company.values()) == 2
    assert not consortia.filter(lead__isnull=True).exists()
    assert set(consortia.values_list("sector", flat=True)) <= set(Consortium.Sector.values)
    for membership in Membership.objects.select_related("consortium", "organisation"):
        assert membership.organisation.founded_on < membership.consortium.established_on <= membership.joined_on


def test_companies_of_all_four_size_classes_appear(generated):
    sizes = Counter(sme_size(o) for o in Organisation.objects.filter(kind=Organisation.Kind.COMPANY))

    assert set(sizes) == {"micro", "small", "medium", "large"}


def test_status_changes_chain_from_draft_to_the_status_and_decisions_follow_submission(generated):
    changes = defaultdict(list)
    for change in StatusChange.objects.order_by("changed_at", "pk"):
        changes[change.application_id].append(change)
    now = timezone.now()

    for application in Application.objects.all():
        chain = changes[application.pk]
        assert [c.from_status for c in chain] == ["", *[c.to_status for c in chain[:-1]]]
        assert chain[0].to_status == Status.DRAFT and chain[-1].to_status == application.status
        assert all(c.changed_at <= now for c in chain)
        assert application.created_at == chain[0].changed_at
        if application.status in DECIDED:
            decision = next(c for c in chain if c.to_status in DECIDED)
            assert decision.changed_at > application.submitted_at


def test_aid_awards_add_up_to_each_grant_and_no_undertaking_passes_the_ceiling(generated):
    awarded = dict(
        AidAward.objects.values("application_id").annotate(total=Sum("amount")).values_list("application_id", "total")
    )
    for application in Application.objects.filter(status__in=COMMITTED).select_related("consortium"):
        assert awarded[application.pk] == application.granted_amount
        receivers = AidAward.objects.filter(application=application).count()
        expected = application.consortium.memberships.count() if application.consortium else 1
        assert receivers == expected
    de_minimis = AidAward.objects.filter(legal_basis="de_minimis").values("organisation_id").annotate(s=Sum("amount"))

    assert max(row["s"] for row in de_minimis) <= Decimal("300000.00")


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = generated_then_rolled_back(applications=120, seed=11)

    assert generated_then_rolled_back(applications=120, seed=11) == first
    assert generated_then_rolled_back(applications=120, seed=12) != first


def test_running_twice_adds_a_second_set_beside_the_first():
    first = volume_generate(applications=120, seed=3)
    second = volume_generate(applications=80, seed=3)

    assert (first["batch"], second["batch"]) == (1, 2)
    assert Application.objects.count() == 200
    assert Agency.objects.count() == 4 and Programme.objects.count() == 5
    assert Call.objects.filter(slug__startswith="v2-").count() == second["calls"] == first["calls"]
    assert Organisation.objects.count() == first["organisations"] + second["organisations"]


def test_it_runs_beside_the_demo_data():
    call_command("seed_demo", verbosity=0)
    demo_applications = set(Application.objects.values_list("pk", "status", "reference"))

    volume_generate(applications=60, seed=1)

    assert (
        set(
            Application.objects.exclude(call__programme__slug__startswith=SLUG_PREFIX).values_list(
                "pk", "status", "reference"
            )
        )
        == demo_applications
    )
    assert Agency.objects.count() == 8


def test_the_command_prints_what_it_created():
    out = StringIO()

    call_command("generate_data", applications=40, seed=5, stdout=out)

    assert Application.objects.count() == 40
    assert "40 applications" in out.getvalue() and "by status:" in out.getvalue()


def test_the_command_refuses_nonsense_and_production(settings):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_data", applications=0)
    settings.PORTAL_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("generate_data", applications=10)
    assert not Application.objects.exists()


@pytest.mark.postgres
def test_the_number_of_queries_does_not_grow_with_the_number_of_applications():
    counts = []
    for applications in (100, 800):
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            volume_generate(applications=applications, seed=9)
            transaction.set_rollback(True)
        counts.append(len(queries))

    assert counts[0] == counts[1] < 60

"""A populated world for admin tests: one agency with an object of every model the admin shows.

`agency_world(tag, region)` builds, for one agency, its programmes and calls with their rules and
criteria, the organisations and consortia that applied, a draft and an approved application with
everything after the grant, a PIMEX call with a participant's coaching, a consortium formation
with the consortium it established, and the agency's staff. `objects_created(build)` tells which
rows a build added, so a test knows what belongs to which agency without asking the code under test.
"""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.attachments import attachment_add
from applications.models import (
    ContractWon,
    Expense,
    Payment,
    PimexActionPlan,
    PimexAttendance,
    PimexCallSettings,
    PimexPlannedAction,
    PimexSession,
    PimexSurvey,
    PimexSwot,
    PimexTutorial,
    ProjectReport,
    ReportActivity,
    Review,
    Score,
    StatusChange,
)
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import ConsortiumBid, ConsortiumManager, FeePayment, Membership, MembershipFee, OwnershipLink
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from portal.models import User
from programmes.models import (
    AidAward,
    CallRule,
    Formation,
    FormationAttendance,
    FormationCandidate,
    FormationMeeting,
    Programme,
    Report,
    ReviewCriterion,
)
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def objects_created(build):
    """Run `build()`; return its result and the primary keys it added, by concrete model."""

    def snapshot():
        return {
            model: set(model._base_manager.values_list("pk", flat=True))
            for model in apps.get_models()
            if not model._meta.proxy and model._meta.managed
        }

    before = snapshot()
    result = build()
    after = snapshot()
    return result, {model: after[model] - before[model] for model in after if after[model] - before[model]}


def agency_world(tag: str, region: str) -> dict:
    """Every kind of object of one agency; the names carry `tag` so a page shows whose they are."""
    today = timezone.localdate()
    now = timezone.now()
    agency = AgencyFactory(name=f"Agency {tag}", short_name=tag, slug=f"agency-{tag.lower()}", region=region)
    staff = User.objects.create_user(f"staff@{tag.lower()}.example", is_staff=True, agency=agency)

    # Programmes and calls, with their rules, criteria and cost categories.
    programme = ProgrammeFactory(agency=agency, name=f"Export consortia {tag}")
    call = CallFactory(programme=programme, title=f"Call {tag}")
    category = CostCategoryFactory(programme=programme, name=f"Trade fairs {tag}")
    CallRule.objects.create(call=call, code="grant_cap", amount=D("4000.00"))
    criterion = ReviewCriterion.objects.create(call=call, name=f"Quality {tag}")

    # Who applies: a consortium with two members (one holds shares in the other), and a company.
    consortium = ConsortiumFactory(name=f"Consortium {tag}")
    lead = MembershipFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name=f"Lead {tag}", region=region)
    ).organisation
    member = MembershipFactory(
        consortium=consortium, organisation=OrganisationFactory(legal_name=f"Member {tag}", region=region)
    ).organisation
    OwnershipLink.objects.create(owner=lead, owned=member, share=D("30"))
    company = OrganisationFactory(legal_name=f"Company {tag}", region=region)

    # A draft of the consortium, with a budget line and a document.
    draft = ApplicationFactory(call=call, consortium=consortium, title=f"Draft {tag}")
    BudgetLineFactory(application=draft, category=category)
    attachment = attachment_add(
        application=draft, uploaded_file=SimpleUploadedFile(f"quote-{tag}.pdf", PDF), kind="quote", by=None
    )

    # An approved application of the company, with its review, reports, expenses and payments.
    approved = ApplicationFactory(
        call=call,
        consortium=None,
        organisation=company,
        title=f"Approved {tag}",
        status="approved",
        reference=f"EXP-{tag}-1",
        submitted_at=now - timedelta(days=30),
        max_grant=D("4000.00"),
        granted_amount=D("3500.00"),
    )
    line = BudgetLineFactory(application=approved, category=category, description=f"Stand {tag}")
    StatusChange.objects.create(
        application=approved, from_status="under_review", to_status="approved", changed_at=now, changed_by=staff
    )
    review = Review.objects.create(application=approved, reviewer=staff, has_conflict=False)
    Score.objects.create(review=review, criterion=criterion, score=5)
    report = ProjectReport.objects.create(application=approved, kind="final", due_on=today + timedelta(days=60))
    Expense.objects.create(
        report=report,
        budget_line=line,
        description=f"Stand share {tag}",
        supplier="Fair organiser",
        invoice_number=f"INV-{tag}",
        invoice_date=today,
        amount=D("1000.00"),
    )
    ContractWon.objects.create(
        report=report, description=f"Order {tag}", country="FR", value=D("20000.00"), signed_on=today
    )
    ReportActivity.objects.create(report=report, category=category, description=f"Fair {tag}", carried_out_on=today)
    Payment.objects.create(application=approved, paid_on=today, amount=D("500.00"))
    AidAward.objects.create(
        organisation=company,
        amount=D("3500.00"),
        awarded_on=today,
        legal_basis=AidAward.LegalBasis.DE_MINIMIS,
        programme=programme,
        application=approved,
    )
    Report.objects.create(kind=Report.Kind.OPERATIONS_LIST, format=Report.Format.CSV, agency=agency, requested_by=staff)

    # PIMEX coaching: a call, its settings and sessions, a participant's tutorials and deliverables.
    pimex = ProgrammeFactory(
        agency=agency, kind=Programme.Kind.PIMEX, applicant_type=Programme.ApplicantType.COMPANY, name=f"PIMEX {tag}"
    )
    pimex_call = CallFactory(programme=pimex, title=f"PIMEX call {tag}", reference_prefix="PMX")
    PimexCallSettings.objects.create(call=pimex_call)
    participant = ApplicationFactory(
        call=pimex_call,
        consortium=None,
        organisation=OrganisationFactory(legal_name=f"Coached company {tag}", region=region),
        title=f"Coaching {tag}",
        status="approved",
        reference=f"PMX-{tag}-1",
        submitted_at=now - timedelta(days=30),
        granted_amount=D("2500.00"),
    )
    session = PimexSession.objects.create(
        call=pimex_call, title=f"Session {tag}", starts_at=now + timedelta(days=7), place="Mérida", capacity=20
    )
    PimexAttendance.objects.create(session=session, application=participant, recorded_by=staff)
    PimexTutorial.objects.create(application=participant, scheduled_at=now, topic=f"Markets {tag}", technician=staff)
    PimexSwot.objects.create(application=participant, strengths="Own plant", updated_by=staff)
    plan = PimexActionPlan.objects.create(application=participant, target_markets="UAE")
    PimexPlannedAction.objects.create(
        plan=plan,
        description=f"Gulfood {tag}",
        market="UAE",
        starts_on=today,
        ends_on=today + timedelta(days=5),
        budget=D("1900.00"),
    )
    PimexSurvey.objects.create(application=participant, score=8)

    # A consortium formation, and the consortium it established with its manager, fees and bids.
    formation = Formation.objects.create(
        agency=agency,
        programme=programme,
        sector="metal",
        name=f"Formation {tag}",
        opened_on=today,
        seed_funding=D("10000.00"),
        coordinator=staff,
    )
    founder = OrganisationFactory(legal_name=f"Founder {tag}", region=region)
    candidate = FormationCandidate.objects.create(formation=formation, organisation=founder)
    meeting = FormationMeeting.objects.create(formation=formation, held_on=today, place="Santander")
    FormationAttendance.objects.create(meeting=meeting, candidate=candidate)
    formed = ConsortiumFactory(name=f"Formed consortium {tag}")
    Formation.objects.create(
        agency=agency,
        programme=programme,
        sector="metal",
        name=f"Established formation {tag}",
        opened_on=today - timedelta(days=300),
        seed_funding=D("20000.00"),
        status="established",
        consortium=formed,
    )
    Membership.objects.create(consortium=formed, organisation=founder, status="active", joined_on=today)
    ConsortiumManager.objects.create(
        consortium=formed, full_name=f"Manager {tag}", email=f"manager@{tag.lower()}.example", appointed_on=today
    )
    fee = MembershipFee.objects.create(consortium=formed, period=str(today.year), amount=D("300.00"), due_on=today)
    FeePayment.objects.create(fee=fee, organisation=founder, amount=D("300.00"), paid_on=today)
    bid = ConsortiumBid.objects.create(
        consortium=formed, title=f"Bid {tag}", country="MA", submitted_on=today, value=D("50000.00")
    )
    bid.members.add(founder)

    return {
        "agency": agency,
        "staff": staff,
        "call": call,
        "consortium": consortium,
        "company": company,
        "draft": draft,
        "approved": approved,
        "attachment": attachment,
        "report": report,
    }

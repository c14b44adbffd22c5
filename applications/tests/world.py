"""The populated world of the admin and access tests: two agencies, each with an object of every model.

`build_world()` builds agency A (Extremadura, ES43) and agency B (Emilia, ITH5) alike, each through
the services where they exist: its programmes and calls with their rules, criteria and cost
categories; the organisations that apply and the people who act for them; consortia with their
members, invitations, manager, fees and bids; applications in every state, one approved with its
review, reports, expenses, payments and aid; a PIMEX call with a participant's coaching; a
consortium formation, and an established one with the consortium it formed; a report for download;
the agency's staff and programme manager. Every name carries the agency's tag, so a page shows
whose an object is.

Around them: the actors the access matrix asks as (nobody, an applicant of an unrelated
organisation, agency A's member, owner, staff and manager, agency B's staff and manager, a
superuser) and the objects that belong to no agency (role groups, schedules of the background work,
e-mail addresses, second factors, notifications).

Which agency owns what is taken from the build itself: `objects_created` records the rows each
agency's build added, so a test knows whose an object is without asking the code under test.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from applications.attachments import attachment_add
from applications.beneficiary_reports import project_report_submit, report_row_add
from applications.budgets import agency_spending_record
from applications.decisions import application_approve
from applications.models import (
    ContractWon,
    PimexActionPlan,
    PimexCallSettings,
    PimexParticipant,
    PimexSession,
    ProjectReport,
    ReportActivity,
    StatusChange,
)
from applications.post_award import expense_claim_with_invoice, expense_verify, grant_accept, payment_record
from applications.reviews import review_declare, review_score
from applications.services import application_change_status
from applications.tests import pimex_factories
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia import follow_up
from consortia.models import Consortium, Invitation, Membership, OwnershipLink, Representation
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory, representative
from portal.models import Notification, User
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER, ensure_groups
from portal.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from programmes.formation import services as formation
from programmes.models import (
    Agency,
    AidAward,
    CallRule,
    EmailWording,
    Formation,
    Programme,
    ProgrammeBudget,
    ProgrammeBudgetLine,
    Question,
    Report,
    ReviewCriterion,
)
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANONYMOUS = "anonymous"
APPLICANT = "applicant"  # represents an organisation with nothing to do with agency A's objects
MEMBER = "member"  # represents an active member of agency A's consortium, not its lead
OWNER = "owner"  # represents agency A's lead organisation (and its PIMEX company): the applicant side's positive case
STAFF_B, MANAGER_B = "staff_b", "manager_b"
STAFF_A, MANAGER_A = "staff_a", "manager_a"
SUPERUSER = "superuser"
ACTORS = [ANONYMOUS, APPLICANT, MEMBER, OWNER, STAFF_B, MANAGER_B, STAFF_A, MANAGER_A, SUPERUSER]
# Models that belong to no agency: only a superuser administers them.
AGENCYLESS = {
    "auth.Group",
    "account.EmailAddress",
    "django_celery_beat.PeriodicTask",
    "django_celery_beat.ClockedSchedule",
    "django_celery_beat.CrontabSchedule",
    "django_celery_beat.SolarSchedule",
    "django_celery_beat.IntervalSchedule",
    "mfa.Authenticator",
    "portal.Notification",
}


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


@dataclass
class Side:
    """One agency's part of the world: its named objects (`side["draft"]`) and every row its build added."""

    agency: Agency
    named: dict[str, object]
    rows: dict[type, set] = field(default_factory=dict)

    def __getitem__(self, name):
        return self.named[name]

    def owns(self, obj) -> bool:
        return obj.pk in self.rows.get(obj._meta.concrete_model, ())


@dataclass
class World:
    a: Side
    b: Side
    # The actors, by the names above (None: nobody logged in).
    users: dict[str, User | None]
    # One object of agency A per model (the admin walk's subject), by model label.
    objects: dict[str, object]

    @property
    def agency_a(self) -> Agency:
        return self.a.agency

    @property
    def agency_b(self) -> Agency:
        return self.b.agency

    @property
    def named(self) -> dict[str, object]:
        """Agency A's named objects (the public URLs are filled with them)."""
        return self.a.named

    def agency_of(self, obj) -> int | None:
        """The agency an object belongs to, as the world was built (never from the admin's own scoping).

        None for the models that belong to no agency; an object of another model that neither
        agency's build added is an error in the world, not a free pass.
        """
        if obj._meta.label in AGENCYLESS:
            return None
        for side in (self.a, self.b):
            if side.owns(obj):
                return side.agency.pk
        raise KeyError(f"{obj._meta.label} {obj.pk}: built by neither agency")


def _pdf(name="document.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _agency(tag: str, region: str) -> dict[str, object]:
    """Every kind of object of one agency; the names carry `tag`, the e-mail addresses its slug."""
    today = timezone.localdate()
    now = timezone.now()
    slug = tag.lower()
    agency = AgencyFactory(name=f"Agency {tag}", short_name=tag, slug=f"agency-{slug}", region=region)

    def organisation(name):
        return OrganisationFactory(legal_name=name, region=region)

    # --- staff -----------------------------------------------------------------------------------
    staff = StaffFactory(agency=agency, email=f"staff@{slug}.example", role=AGENCY_STAFF)
    manager = StaffFactory(agency=agency, email=f"head@{slug}.example", role=PROGRAMME_MANAGER)
    Authenticator.objects.create(user=manager, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})

    # --- the applicant side: a lead (which holds shares in a subsidiary), a member, their people ---
    lead = organisation(f"Lead {tag}")
    member_org = organisation(f"Member {tag}")
    held = organisation(f"Lead subsidiary {tag}")
    OwnershipLink.objects.create(owner=lead, owned=held, share=D("30.00"))
    owner = representative(lead, f"owner@{slug}.example", verified=True)
    member = representative(member_org, f"member@{slug}.example")
    # Someone asks to act for the lead: the owner answers.
    representation_request = representative(
        lead, f"asker@{slug}.example", status=Representation.Status.REQUESTED
    ).representations.get()

    def consortium(name):
        c = ConsortiumFactory(name=name, lead=lead)
        MembershipFactory(consortium=c, organisation=lead)
        MembershipFactory(consortium=c, organisation=member_org)
        return c

    consortia = [consortium(f"Consortium {tag}"), *(consortium(f"Consortium {tag} {n}") for n in range(2, 6))]
    main_consortium = consortia[0]
    # A consortium that invites the member's organisation: the member answers.
    inviting = ConsortiumFactory(name=f"Inviting consortium {tag}", lead=lead)
    MembershipFactory(consortium=inviting, organisation=lead)
    invited_membership = MembershipFactory(
        consortium=inviting, organisation=member_org, status=Membership.Status.INVITED, joined_on=None
    )
    invitation = Invitation.objects.create(
        consortium=main_consortium, email=f"newcomer@{slug}.example", token=f"{slug}-invitation-token-1234567890"
    )

    # --- the programme, its call with rules, criteria and cost categories -------------------------
    programme = ProgrammeFactory(
        agency=agency, name=f"Export consortia {tag}", slug=f"{slug}-export", kind=Programme.Kind.COFINANCING
    )
    call = CallFactory(
        programme=programme,
        title=f"Call {tag}",
        slug=f"{slug}-call",
        budget=D("500000.00"),
        is_published=True,
        interim_report_due_on=today + timedelta(days=90),
        final_report_due_on=today + timedelta(days=200),
        grant_conditions="Keep every invoice.",
    )
    CallRule.objects.create(call=call, code="grant_cap", amount=D("8000.00"))
    categories = [
        CostCategoryFactory(programme=programme, code="fairs", name=f"Trade fairs {tag}"),
        CostCategoryFactory(programme=programme, code="travel", name=f"Commercial trips {tag}"),
    ]
    criterion = ReviewCriterion.objects.create(call=call, name=f"Quality {tag}", weight=100, max_score=10)
    question = Question.objects.create(call=call, code="markets", kind="market", label=f"Target markets {tag}")
    wording = EmailWording.objects.create(agency=agency, kind="submitted", closing=f"The office of {tag}")
    # The programme's budget for the call's year: grants (the approval below draws from it) and training.
    programme_budget = ProgrammeBudget.objects.create(programme=programme, year=call.budget_year)
    ProgrammeBudgetLine.objects.create(budget=programme_budget, name=f"Grants {tag}", amount=D("100000.00"))
    training = ProgrammeBudgetLine.objects.create(
        budget=programme_budget, name=f"Training {tag}", purpose="agency_spending", amount=D("5000.00"), position=1
    )
    agency_spending = agency_spending_record(
        line=training, spent_on=today, amount=D("1000.00"), description=f"Trainer {tag}", by=manager
    )

    # --- applications in every state, moved by the workflow -------------------------------------
    def application(consortium, title, *statuses):
        app = ApplicationFactory(call=call, consortium=consortium, title=title, created_by=owner)
        for position, category in enumerate(categories):
            BudgetLineFactory(
                application=app, category=category, amount=D("5000.00"), position=position, description=title
            )
        for status in statuses:
            application_change_status(application=app, to_status=status, by=staff)
        app.refresh_from_db()
        return app

    draft = application(consortia[0], f"Draft {tag}")
    document = attachment_add(application=draft, uploaded_file=_pdf(f"statutes-{slug}.pdf"), kind="statutes", by=owner)
    submitted = application(consortia[1], f"Submitted {tag}", "submitted")
    submitted.receipt.save(f"receipt-{submitted.reference}.pdf", ContentFile(PDF), save=True)
    under_review = application(consortia[2], f"Under review {tag}", "submitted", "under_review")
    review = review_declare(application=under_review, reviewer=staff, has_conflict=False)
    review_score(review=review, scores={criterion.pk: (8, "Clear plan.")}, comment="Good.")
    clarification = application(
        consortia[3], f"Clarification {tag}", "submitted", "under_review", "clarification_requested"
    )

    # --- an approved application and everything after the grant ----------------------------------
    approved = application(consortia[4], f"Approved {tag}", "submitted", "under_review")
    # The call's two reviews, completed before the decision (the approval needs them).
    for reviewer in (staff, manager):
        approval_review = review_declare(application=approved, reviewer=reviewer, has_conflict=False)
        review_score(review=approval_review, scores={criterion.pk: (9, "Strong plan.")}, comment="Fund it.")
    approved = application_approve(application=approved, by=manager, amount=D("8000.00"))
    grant_accept(application=approved, by=owner)
    final = approved.project_reports.get(kind=ProjectReport.Kind.FINAL)
    final.application = approved
    expense = expense_claim_with_invoice(
        report=final,
        by=owner,
        invoice_file=_pdf(f"invoice-{slug}.pdf"),
        budget_line=approved.budget_lines.get(position=0),
        amount=D("3000.00"),
        description=f"Stand at a fair {tag}",
        supplier="Fairs Ltd",
        invoice_number=f"F-{tag}",
        invoice_date=today - timedelta(days=10),
    )
    report_row_add(
        report=final,
        row=ContractWon(
            signed_on=today - timedelta(days=5), description=f"Order {tag}", country="JP", value=D("40000.00")
        ),
        by=owner,
    )
    report_row_add(
        report=final,
        row=ReportActivity(
            carried_out_on=today - timedelta(days=20),
            action_type="mission",
            category=categories[0],
            description=f"Fair {tag}",
            country="JP",
        ),
        by=owner,
    )
    project_report_submit(report=final, by=owner, narrative="We went to Foodex.", outcomes={})
    expense_verify(expense=expense, accepted=True, by=staff)
    payment = payment_record(application=approved, amount=D("1000.00"), paid_on=today, by=manager)
    interim = approved.project_reports.get(kind=ProjectReport.Kind.INTERIM)
    Notification.objects.create(
        key=f"world-notification-{slug}",
        kind="applications/email/submitted",
        user=owner,
        recipient=owner.email,
        language="en",
        subject="Submitted",
        body_text="Submitted.",
        body_html="<p>Submitted.</p>",
    )
    report = Report.objects.create(
        kind=Report.Kind.OPERATIONS_LIST,
        format=Report.Format.CSV,
        agency=agency,
        requested_by=manager,
        status=Report.Status.DONE,
        progress=100,
        finished_at=now,
    )
    report.file.save(f"operations-{slug}.csv", ContentFile(b"reference;beneficiary\n"), save=True)

    # --- PIMEX coaching: a call, its settings and sessions, a company's tutorials and deliverables --
    pimex = ProgrammeFactory(
        agency=agency, kind=Programme.Kind.PIMEX, applicant_type=Programme.ApplicantType.COMPANY, name=f"PIMEX {tag}"
    )
    pimex_call = CallFactory(programme=pimex, title=f"PIMEX call {tag}", reference_prefix="PMX")
    PimexCallSettings.objects.create(call=pimex_call, group_sessions_required=3, tutorials_required=3)
    company = organisation(f"Company {tag}")
    pimex_application = ApplicationFactory(
        call=pimex_call,
        consortium=None,
        organisation=company,
        title=f"Coaching {tag}",
        status="approved",
        reference=f"PMX-{tag}-1",
        submitted_at=now - timedelta(days=30),
        granted_amount=D("2500.00"),
    )
    pimex_rep = representative(company, f"pimex@{slug}.example")
    Representation.objects.create(user=owner, organisation=company, status=Representation.Status.ACTIVE)
    pimex_factories.commitments(pimex_application, by=staff)
    pimex_factories.deliverables(pimex_application, pimex_rep, survey=True)

    # --- a consortium formation in progress, and one established with the consortium it formed ----
    forming_programme = ProgrammeFactory(
        agency=agency,
        name=f"Consortium formation {tag}",
        slug=f"{slug}-formation",
        kind=Programme.Kind.EXPORT_CONSORTIA,
    )
    forming = formation.formation_open(
        programme=forming_programme,
        sector=Consortium.Sector.AGRI_FOOD,
        name=f"Formation {tag}",
        seed_funding=D("10000.00"),
        by=manager,
        coordinator=staff,
    )
    candidates = [
        formation.formation_candidate_add(formation=forming, organisation=org, by=staff)
        for org in [lead, *(organisation(f"Candidate {n} {tag}") for n in range(3))]
    ]
    meeting = formation.formation_meeting_record(
        formation=forming, held_on=today - timedelta(days=3), place="Mérida", by=staff, attended=candidates[:2]
    )
    formation.formation_invite(formation=forming, by=staff)
    for candidate in candidates:
        candidate.refresh_from_db()
    founder = organisation(f"Founder {tag}")
    formed = ConsortiumFactory(name=f"Formed consortium {tag}", lead=founder)
    Formation.objects.create(
        agency=agency,
        programme=forming_programme,
        sector=Consortium.Sector.AGRI_FOOD,
        name=f"Established formation {tag}",
        opened_on=today - timedelta(days=300),
        seed_funding=D("20000.00"),
        status="established",
        consortium=formed,
    )
    MembershipFactory(consortium=formed, organisation=founder)

    # --- the follow-up of agency A's consortium: its manager, a fee and its payment, a bid --------
    consortium_manager = follow_up.consortium_manager_appoint(
        consortium=main_consortium,
        full_name=f"Manager {tag}",
        email=f"consortium-manager@{slug}.example",
        appointed_on=today,
        by=staff,
    )
    fee = follow_up.membership_fee_set(
        consortium=main_consortium, period=str(today.year), amount=D("600.00"), due_on=today, by=staff
    )
    fee_payment = follow_up.fee_payment_record(
        fee=fee, organisation=member_org, amount=D("600.00"), paid_on=today, by=staff
    )
    bid = follow_up.bid_submit(
        consortium=main_consortium,
        title=f"Bid {tag}",
        country="AE",
        submitted_on=today - timedelta(days=2),
        value=D("90000.00"),
        members=[lead, member_org],
        by=staff,
    )

    return {
        "agency": agency,
        "staff": staff,
        "manager": manager,
        "owner": owner,
        "member": member,
        "programme": programme,
        "call": call,
        "category": categories[0],
        "question": question,
        "wording": wording,
        "lead": lead,
        "member_org": member_org,
        "company": company,
        "consortium": main_consortium,
        "member_membership": Membership.objects.get(consortium=main_consortium, organisation=member_org),
        "invited_membership": invited_membership,
        "invitation": invitation,
        "representation_request": representation_request,
        "ownership_link": OwnershipLink.objects.get(owner=lead),
        "draft": draft,
        "attachment": document,
        "document": document,
        "submitted": submitted,
        "under_review": under_review,
        "review": review,
        "clarification": clarification,
        "approved": approved,
        "aid_award": AidAward.objects.filter(application=approved).first(),
        "interim": interim,
        "final": final,
        "invoice": expense.invoice,
        "payment": payment,
        "report": report,
        "programme_budget": programme_budget,
        "agency_spending": agency_spending,
        "pimex_call": pimex_call,
        "pimex": pimex_application,
        "formation": forming,
        "meeting": meeting,
        "candidacy": candidates[0],
        "candidate": candidates[1],
        "consortium_manager": consortium_manager,
        "fee": fee,
        "fee_payment": fee_payment,
        "bid": bid,
    }


def build_world() -> World:
    ensure_groups()  # shared by both agencies: built before either, so neither owns them
    superuser = SuperuserFactory(email="admin@example.org")
    applicant = UserFactory(email="applicant@example.org")
    Representation.objects.create(
        user=applicant,
        organisation=OrganisationFactory(legal_name="Unrelated Ceramics S.L."),
        status=Representation.Status.ACTIVE,
    )
    sides = []
    for tag, region in [("Extremadura", "ES43"), ("Emilia", "ITH5")]:
        named, rows = objects_created(lambda tag=tag, region=region: _agency(tag, region))
        sides.append(Side(agency=named["agency"], named=named, rows=rows))
    a, b = sides

    # Schedules of the background work: no agency, superusers only.
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    crontab = CrontabSchedule.objects.create(minute="7", hour="3")
    solar = SolarSchedule.objects.create(event="sunrise", latitude=D("38.9"), longitude=D("-6.3"))
    clocked = ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    periodic = PeriodicTask.objects.create(name="world sweep", task="portal.tasks.outbox_sweep", interval=interval)

    owner, under_review, pimex = a["owner"], a["under_review"], a["pimex"]
    objects = {
        "auth.Group": Group.objects.get(name=AGENCY_STAFF),
        "account.EmailAddress": EmailAddress.objects.get(user=owner),
        "django_celery_beat.PeriodicTask": periodic,
        "django_celery_beat.ClockedSchedule": clocked,
        "django_celery_beat.CrontabSchedule": crontab,
        "django_celery_beat.SolarSchedule": solar,
        "django_celery_beat.IntervalSchedule": interval,
        "portal.User": a["staff"],
        "mfa.Authenticator": Authenticator.objects.get(user=a["manager"]),
        "portal.Notification": Notification.objects.get(key="world-notification-extremadura"),
        "programmes.Agency": a.agency,
        "programmes.Programme": a["programme"],
        "programmes.Call": a["call"],
        "programmes.CostCategory": a["category"],
        "programmes.Question": a["question"],
        "programmes.EmailWording": a["wording"],
        "programmes.AidAward": a["aid_award"],
        "programmes.Report": a["report"],
        "programmes.ProgrammeBudget": a["programme_budget"],
        "programmes.AgencySpending": a["agency_spending"],
        "applications.PimexCallSettings": PimexCallSettings.objects.get(call=a["pimex_call"]),
        "applications.PimexSession": PimexSession.objects.filter(call=a["pimex_call"]).first(),
        "applications.PimexParticipant": PimexParticipant.objects.get(pk=pimex.pk),
        "applications.PimexActionPlan": PimexActionPlan.objects.get(application=pimex),
        "programmes.Formation": a["formation"],
        "programmes.FormationMeeting": a["meeting"],
        "consortia.MembershipFee": a["fee"],
        "consortia.FeePayment": a["fee_payment"],
        "consortia.ConsortiumBid": a["bid"],
        "consortia.ConsortiumManager": a["consortium_manager"],
        "consortia.Organisation": a["lead"],
        "consortia.Consortium": a["consortium"],
        "consortia.Membership": a["member_membership"],
        "consortia.OwnershipLink": a["ownership_link"],
        # The application under review: every workflow move and the reviewer's page apply to it.
        "applications.Application": under_review,
        "applications.BudgetLine": under_review.budget_lines.first(),
        "applications.Attachment": a["document"],
        "applications.StatusChange": StatusChange.objects.filter(application=under_review).last(),
        "applications.ProjectReport": a["final"],
    }
    users = {
        ANONYMOUS: None,
        APPLICANT: applicant,
        MEMBER: a["member"],
        OWNER: owner,
        STAFF_B: b["staff"],
        MANAGER_B: b["manager"],
        STAFF_A: a["staff"],
        MANAGER_A: a["manager"],
        SUPERUSER: superuser,
    }
    return World(a=a, b=b, users=users, objects=objects)

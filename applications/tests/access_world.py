"""One populated world for the access matrix (test_access_matrix.py): two agencies and the people around them.

Agency A has at least one real object of every model the admin registers, built through the
services where they exist (status changes, decisions, reports, expenses, payments, reviews, PIMEX,
the formation of a consortium); agency B has its staff and a little of its own. The actors are
the kinds of visitor the matrix asks as: nobody, an applicant of another organisation, a member of
the consortium who is not its lead, the lead's representative (the owner), staff and managers of
each agency, and a superuser.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
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
from applications.decisions import application_approve
from applications.models import (
    Attachment,
    ContractWon,
    Expense,
    PimexActionPlan,
    PimexCallSettings,
    PimexParticipant,
    PimexSession,
    ProjectReport,
    ReportActivity,
    Review,
    StatusChange,
)
from applications.post_award import expense_claim_with_invoice, expense_verify, grant_accept, payment_record
from applications.reviews import review_declare, review_score
from applications.services import application_change_status
from applications.tests import pimex_factories
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia import follow_up
from consortia.models import (
    Consortium,
    ConsortiumBid,
    FeePayment,
    Invitation,
    Membership,
    MembershipFee,
    Organisation,
    OwnershipLink,
    Representation,
)
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from portal.models import Notification, User
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER, ensure_groups
from programmes.formation import services as formation
from programmes.models import (
    Agency,
    AidAward,
    Call,
    CostCategory,
    Formation,
    FormationCandidate,
    FormationMeeting,
    Programme,
    Report,
    ReviewCriterion,
)
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANONYMOUS = "anonymous"
APPLICANT = "applicant"  # represents an organisation with nothing to do with agency A's objects
MEMBER = "member"  # represents an active member of the consortium, not its lead
OWNER = "owner"  # represents the lead organisation (and the PIMEX company): the applicant side's positive case
STAFF_B, MANAGER_B = "staff_b", "manager_b"
STAFF_A, MANAGER_A = "staff_a", "manager_a"
SUPERUSER = "superuser"
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
ACTORS = [ANONYMOUS, APPLICANT, MEMBER, OWNER, STAFF_B, MANAGER_B, STAFF_A, MANAGER_A, SUPERUSER]


@dataclass
class World:
    agency_a: Agency
    agency_b: Agency
    users: dict[str, User | None]
    # One object of agency A per model (the admin walk's subject), by model label.
    objects: dict[str, object] = field(default_factory=dict)
    # Named objects the public URLs are filled with.
    named: dict[str, object] = field(default_factory=dict)

    # Agency of each object of agency A, recorded as it is built: (model label, pk) -> agency id.
    owners: dict[tuple[str, int], int] = field(default_factory=dict)

    def agency_of(self, obj) -> int | None:
        """The agency an object belongs to, as the world was built (never from the admin's own scoping).

        None for the models that belong to no agency; an object of another model that the world
        did not record is an error in the world, not a free pass.
        """
        label = obj._meta.label
        if label in AGENCYLESS:
            return None
        return self.owners[(obj._meta.concrete_model._meta.label, obj.pk)]


def _user(email, **fields) -> User:
    return User.objects.create_user(email, password="matrix-password-42", **fields)


def _represent(user, *organisations):
    for organisation in organisations:
        Representation.objects.create(user=user, organisation=organisation, status=Representation.Status.ACTIVE)


def _staff(email, agency, group) -> User:
    user = _user(email, is_staff=True, agency=agency)
    user.groups.set([ensure_groups()[group]])
    return user


def _pdf(name="document.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world() -> World:
    today = timezone.localdate()
    now = timezone.now()
    agency_a = AgencyFactory(name="Alpha Development Agency", slug="alpha", region="ES43")
    agency_b = AgencyFactory(name="Bravo Development Agency", slug="bravo", region="ES13", country="ES")

    # --- the applicant side -------------------------------------------------------------------
    lead = OrganisationFactory(legal_name="Alpha Lead Foods S.L.")
    member_org = OrganisationFactory(legal_name="Alpha Member Oils S.L.")
    outsider_org = OrganisationFactory(legal_name="Unrelated Ceramics S.L.")
    held = OrganisationFactory(legal_name="Alpha Lead Subsidiary S.L.")
    owner = _user("owner@example.org")
    member = _user("member@example.org")
    applicant = _user("applicant@example.org")
    _represent(owner, lead)
    _represent(member, member_org)
    _represent(applicant, outsider_org)
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    OwnershipLink.objects.create(owner=lead, owned=held, share=Decimal("30.00"))
    # Someone asks to act for the lead: the owner answers.
    asker = _user("asker@example.org")
    representation_request = Representation.objects.create(
        user=asker, organisation=lead, status=Representation.Status.REQUESTED
    )

    def consortium(name):
        c = ConsortiumFactory(name=name, lead=lead)
        MembershipFactory(consortium=c, organisation=lead)
        MembershipFactory(consortium=c, organisation=member_org)
        return c

    consortia = [consortium(f"Alpha Export Consortium {n}") for n in range(1, 6)]
    main_consortium = consortia[0]
    # A consortium that invites the member's organisation: the member answers.
    inviting = ConsortiumFactory(name="Alpha Inviting Consortium", lead=lead)
    MembershipFactory(consortium=inviting, organisation=lead)
    invited_membership = MembershipFactory(
        consortium=inviting, organisation=member_org, status=Membership.Status.INVITED, joined_on=None
    )
    invitation = Invitation.objects.create(
        consortium=main_consortium, email="newcomer@example.org", token="alpha-invitation-token-1234567890"
    )

    # --- staff ----------------------------------------------------------------------------------
    staff_a = _staff("staff@alpha.example", agency_a, AGENCY_STAFF)
    manager_a = _staff("manager@alpha.example", agency_a, PROGRAMME_MANAGER)
    staff_b = _staff("staff@bravo.example", agency_b, AGENCY_STAFF)
    manager_b = _staff("manager@bravo.example", agency_b, PROGRAMME_MANAGER)
    superuser = User.objects.create_superuser("root@example.org", password="matrix-password-42")
    Authenticator.objects.create(user=manager_a, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})

    # --- agency A's programme, calls and applications -------------------------------------------
    programme = ProgrammeFactory(
        agency=agency_a, name="Alpha Export Consortiums", slug="alpha-export", kind=Programme.Kind.COFINANCING
    )
    call = CallFactory(
        programme=programme,
        title="Alpha Call 2026",
        slug="alpha-call",
        budget=Decimal("500000.00"),
        is_published=True,
        interim_report_due_on=today + timedelta(days=90),
        final_report_due_on=today + timedelta(days=200),
        grant_conditions="Keep every invoice.",
    )
    categories = [
        CostCategoryFactory(programme=programme, code="fairs", name="Trade fairs"),
        CostCategoryFactory(programme=programme, code="travel", name="Commercial trips"),
    ]
    criterion = ReviewCriterion.objects.create(call=call, name="Quality of the plan", weight=100, max_score=10)

    def application(consortium, title, *statuses):
        app = ApplicationFactory(call=call, consortium=consortium, title=title, created_by=owner)
        for position, category in enumerate(categories):
            BudgetLineFactory(
                application=app, category=category, amount=Decimal("5000.00"), position=position, description=title
            )
        for status in statuses:
            application_change_status(application=app, to_status=status, by=staff_a)
        app.refresh_from_db()
        return app

    draft = application(consortia[0], "Alpha draft project")
    document = attachment_add(application=draft, uploaded_file=_pdf("statutes.pdf"), kind="statutes", by=owner)

    submitted = application(consortia[1], "Alpha submitted project", "submitted")
    submitted.receipt.save(f"receipt-{submitted.reference}.pdf", ContentFile(PDF), save=True)
    under_review = application(consortia[2], "Alpha reviewed project", "submitted", "under_review")
    review = review_declare(application=under_review, reviewer=staff_a, has_conflict=False)
    review_score(review=review, scores={criterion.pk: (8, "Clear plan.")}, comment="Good.")
    clarification = application(
        consortia[3], "Alpha clarification project", "submitted", "under_review", "clarification_requested"
    )
    approved = application(consortia[4], "Alpha approved project", "submitted", "under_review")
    approved = application_approve(application=approved, by=manager_a, amount=Decimal("8000.00"))
    grant_accept(application=approved, by=owner)
    final = approved.project_reports.get(kind=ProjectReport.Kind.FINAL)
    final.application = approved
    expense = expense_claim_with_invoice(
        report=final,
        by=owner,
        invoice_file=_pdf("invoice.pdf"),
        budget_line=approved.budget_lines.get(position=0),
        amount=Decimal("3000.00"),
        description="Stand at a fair",
        supplier="Fairs Ltd",
        invoice_number="F-1",
        invoice_date=today - timedelta(days=10),
    )
    report_row_add(
        report=final,
        row=ContractWon(
            signed_on=today - timedelta(days=5),
            description="Olive oil to Japan",
            country="JP",
            value=Decimal("40000.00"),
        ),
        by=owner,
    )
    report_row_add(
        report=final,
        row=ReportActivity(
            carried_out_on=today - timedelta(days=20), category=categories[0], description="Foodex Japan", country="JP"
        ),
        by=owner,
    )
    project_report_submit(report=final, by=owner, narrative="We went to Foodex.", outcomes={})
    expense_verify(expense=expense, accepted=True, by=staff_a)
    payment = payment_record(application=approved, amount=Decimal("1000.00"), paid_on=today, by=manager_a)
    interim = approved.project_reports.get(kind=ProjectReport.Kind.INTERIM)
    Notification.objects.create(
        key="matrix-notification",
        kind="applications/email/submitted",
        user=owner,
        recipient=owner.email,
        language="en",
        subject="Submitted",
        body_text="Submitted.",
        body_html="<p>Submitted.</p>",
    )

    # --- PIMEX ----------------------------------------------------------------------------------
    pimex_call = pimex_factories.pimex_call(agency=agency_a)
    PimexCallSettings.objects.create(call=pimex_call, group_sessions_required=3, tutorials_required=3)
    pimex_application, pimex_rep = pimex_factories.participant(pimex_call, legal_name="Alpha Preserves S.L.")
    _represent(owner, pimex_application.organisation)
    pimex_factories.commitments(pimex_application, by=staff_a)
    pimex_session = PimexSession.objects.filter(call=pimex_call).first()
    pimex_factories.deliverables(pimex_application, pimex_rep, survey=True)

    # --- the formation of an export consortium (seed 002) -----------------------------------------
    candidates_orgs = [OrganisationFactory(legal_name=f"Alpha Candidate {n} S.L.") for n in range(3)]
    forming_programme = ProgrammeFactory(
        agency=agency_a,
        name="Alpha Consortium Formation",
        slug="alpha-formation",
        kind=Programme.Kind.EXPORT_CONSORTIA,
        annual_budget=Decimal("700000.00"),
    )
    forming = formation.formation_open(
        programme=forming_programme,
        sector=Consortium.Sector.AGRI_FOOD,
        name="Alpha agri-food formation",
        seed_funding=Decimal("10000.00"),
        by=manager_a,
        coordinator=staff_a,
    )
    candidates = [
        formation.formation_candidate_add(formation=forming, organisation=org, by=staff_a)
        for org in [lead, *candidates_orgs]
    ]
    meeting = formation.formation_meeting_record(
        formation=forming, held_on=today - timedelta(days=3), place="Mérida", by=staff_a, attended=candidates[:2]
    )
    formation.formation_invite(formation=forming, by=staff_a)
    for candidate in candidates:
        candidate.refresh_from_db()
    manager = follow_up.consortium_manager_appoint(
        consortium=main_consortium, full_name="Ana Gestora", email="ana@example.org", appointed_on=today, by=staff_a
    )
    fee = follow_up.membership_fee_set(
        consortium=main_consortium, period="2026", amount=Decimal("600.00"), due_on=today, by=staff_a
    )
    fee_payment = follow_up.fee_payment_record(
        fee=fee, organisation=member_org, amount=Decimal("600.00"), paid_on=today, by=staff_a
    )
    bid = follow_up.bid_submit(
        consortium=main_consortium,
        title="Hotel supply tender in Dubai",
        country="AE",
        submitted_on=today - timedelta(days=2),
        value=Decimal("90000.00"),
        members=[lead, member_org],
        by=staff_a,
    )

    report = Report.objects.create(
        kind=Report.Kind.OPERATIONS_LIST,
        format=Report.Format.CSV,
        agency=agency_a,
        requested_by=manager_a,
        status=Report.Status.DONE,
        progress=100,
        finished_at=now,
    )
    report.file.save("operations-alpha.csv", ContentFile(b"reference;beneficiary\n"), save=True)

    # --- agency B: its own little world (a call and an application, so its lists are not empty) --
    programme_b = ProgrammeFactory(agency=agency_b, name="Bravo Programme", slug="bravo-programme")
    call_b = CallFactory(programme=programme_b, title="Bravo Call", slug="bravo-call")
    ApplicationFactory(call=call_b, title="Bravo project")

    # --- schedules of the background work (no agency: superusers only) ---------------------------
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    crontab = CrontabSchedule.objects.create(minute="7", hour="3")
    solar = SolarSchedule.objects.create(event="sunrise", latitude=Decimal("38.9"), longitude=Decimal("-6.3"))
    clocked = ClockedSchedule.objects.create(clocked_time=now + timedelta(days=1))
    periodic = PeriodicTask.objects.create(name="matrix sweep", task="portal.tasks.outbox_sweep", interval=interval)

    users = {
        ANONYMOUS: None,
        APPLICANT: applicant,
        MEMBER: member,
        OWNER: owner,
        STAFF_B: staff_b,
        MANAGER_B: manager_b,
        STAFF_A: staff_a,
        MANAGER_A: manager_a,
        SUPERUSER: superuser,
    }
    world = World(agency_a=agency_a, agency_b=agency_b, users=users)
    a = agency_a.pk
    world.objects = {
        "auth.Group": Group.objects.get(name=AGENCY_STAFF),
        "account.EmailAddress": EmailAddress.objects.get(user=owner),
        "django_celery_beat.PeriodicTask": periodic,
        "django_celery_beat.ClockedSchedule": clocked,
        "django_celery_beat.CrontabSchedule": crontab,
        "django_celery_beat.SolarSchedule": solar,
        "django_celery_beat.IntervalSchedule": interval,
        "portal.User": staff_a,
        "mfa.Authenticator": Authenticator.objects.get(user=manager_a),
        "portal.Notification": Notification.objects.get(key="matrix-notification"),
        "programmes.Agency": agency_a,
        "programmes.Programme": programme,
        "programmes.Call": call,
        "programmes.CostCategory": categories[0],
        "programmes.AidAward": AidAward.objects.filter(application=approved).first(),
        "programmes.Report": report,
        "applications.PimexCallSettings": PimexCallSettings.objects.get(call=pimex_call),
        "applications.PimexSession": pimex_session,
        "applications.PimexParticipant": PimexParticipant.objects.get(pk=pimex_application.pk),
        "applications.PimexActionPlan": PimexActionPlan.objects.get(application=pimex_application),
        "programmes.Formation": forming,
        "programmes.FormationMeeting": meeting,
        "consortia.MembershipFee": fee,
        "consortia.FeePayment": fee_payment,
        "consortia.ConsortiumBid": bid,
        "consortia.ConsortiumManager": manager,
        "consortia.Organisation": lead,
        "consortia.Consortium": main_consortium,
        "consortia.Membership": Membership.objects.get(consortium=main_consortium, organisation=member_org),
        "consortia.OwnershipLink": OwnershipLink.objects.get(owner=lead),
        # The application under review: every workflow move and the reviewer's page apply to it.
        "applications.Application": under_review,
        "applications.BudgetLine": under_review.budget_lines.first(),
        "applications.Attachment": document,
        "applications.StatusChange": StatusChange.objects.filter(application=under_review).last(),
        "applications.ProjectReport": final,
    }
    world.named = {
        "call": call,
        "programme": programme,
        "draft": draft,
        "submitted": submitted,
        "under_review": under_review,
        "clarification": clarification,
        "approved": approved,
        "interim": interim,
        "final": final,
        "document": document,
        "invoice": expense.invoice,
        "pimex": pimex_application,
        "lead": lead,
        "member_org": member_org,
        "consortium": main_consortium,
        "member_membership": world.objects["consortia.Membership"],
        "invited_membership": invited_membership,
        "invitation": invitation,
        "representation_request": representation_request,
        "candidacy": candidates[0],
        "candidate": candidates[1],
        "formation": forming,
        "payment": payment,
        "manager": manager,
        "review": review,
    }
    # Who owns what: every object above of agency A, by its model (the expectation's source).
    for obj in [
        agency_a,
        programme,
        forming_programme,
        call,
        *categories,
        criterion,
        draft,
        submitted,
        under_review,
        clarification,
        approved,
        lead,
        member_org,
        held,
        *candidates_orgs,
        *consortia,
        inviting,
        pimex_application,
        pimex_application.organisation,
        pimex_session,
        forming,
        meeting,
        fee,
        fee_payment,
        bid,
        report,
        manager,
        world.objects["applications.PimexCallSettings"],
        world.objects["applications.PimexActionPlan"],
        world.objects["applications.PimexParticipant"],
        world.objects["programmes.AidAward"],
        world.objects["consortia.OwnershipLink"],
        world.objects["consortia.Membership"],
        *Attachment.objects.filter(application__call__programme__agency=agency_a),
        *StatusChange.objects.filter(application__call__programme__agency=agency_a),
        *ProjectReport.objects.filter(application__call__programme__agency=agency_a),
        *Expense.objects.all(),
        *Review.objects.all(),
        payment,
        *candidates,
        *FormationCandidate.objects.filter(formation=forming),
        *FormationMeeting.objects.all(),
        *Formation.objects.all(),
        *FeePayment.objects.all(),
        *MembershipFee.objects.all(),
        *ConsortiumBid.objects.all(),
        *PimexSession.objects.all(),
        *CostCategory.objects.filter(programme__agency=a),
        *Call.objects.filter(programme__agency=a),
        *Organisation.objects.filter(representations__user=owner),
    ]:
        world.owners[(type(obj)._meta.concrete_model._meta.label, obj.pk)] = a
    for budget_line in under_review.budget_lines.all():
        world.owners[("applications.BudgetLine", budget_line.pk)] = a
    world.owners[("portal.User", staff_a.pk)] = a
    return world

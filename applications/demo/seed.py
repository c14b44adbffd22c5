"""Load the demo data: agencies, programmes, calls, firms, consortia, applications, users.

Idempotent: a second run finds every row by its natural key and changes nothing. The rows
themselves are in `applications.demo.data`; `seed_demo` runs this and prints the summary.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications.attachments import attachment_add
from applications.beneficiary_reports import project_report_submit, project_reports_schedule, report_row_add
from applications.budgets import agency_spending_record, programme_budget_line_set
from applications.decision_facts import decision_facts_freeze
from applications.demo import data as demo_data
from applications.demo.formation import formation_demo_load
from applications.demo.questions import demo_answers_write, demo_questions_load
from applications.demo.translations import translations_of
from applications.models import (
    Application,
    BudgetLine,
    Expense,
    PimexActionPlan,
    PimexAttendance,
    PimexCallSettings,
    PimexPlannedAction,
    PimexSession,
    PimexSwot,
    PimexTutorial,
    ReportActivity,
)
from applications.post_award import expense_claim_with_invoice, grant_accept
from applications.review_summary import override_note, review_problems
from applications.reviews import review_declare, review_score, review_summary
from applications.services import application_change_status, application_create
from consortia.models import Consortium, Membership, Organisation, Representation
from consortia.services import consortium_stage
from consortia.taxids import make_tax_id
from portal.figures import counted_data_changed
from portal.models import User
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER, ensure_groups
from programmes.models import (
    Agency,
    Call,
    CallDocument,
    CallRule,
    CostCategory,
    Programme,
    ProgrammeBudget,
    ProgrammeBudgetLine,
    ReviewCriterion,
)
from programmes.rules import evaluate_application, validate_rule_parameters
from programmes.services import aid_awards_record

# Days on which no agency would open or close a call.
HOLIDAYS = {(1, 1), (1, 6), (5, 1), (8, 15), (12, 24), (12, 25), (12, 26), (12, 31)}


def working_day(day: date, step: int = 1) -> date:
    """The day itself if it is a working day, else the next (step=1) or previous (step=-1) one."""
    while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
        day += timedelta(days=step)
    return day


@dataclass(frozen=True)
class Seeded:
    created: int  # applications new in this run (0 on a second run)
    invited: str | None  # the demo user with a consortium-formation invitation to answer


def demo_seed(*, today: date) -> Seeded:
    """Load every demo row that is missing, in one transaction; dates are relative to `today`."""
    with transaction.atomic():
        agencies = _agencies()
        programmes = _programmes(agencies, today)
        _programme_budgets(programmes, today)
        organisations = _organisations()
        consortia = _consortia(organisations, today)
        # The staff first: they review the applications before the demo's approvals.
        _users(agencies)
        # The calls' questions before any application is submitted (a submission freezes them).
        demo_questions_load()
        created = _applications(programmes, consortia, organisations)
        _reviews()
        _pimex(today)
        _post_award()
        _consortium_results()
        invited = _consortium_formation(today)
        _translations()
        # Many rows are written here, not by the services: the dashboard's figures are stale once this commits.
        counted_data_changed()
    return Seeded(created=created, invited=invited)


def _translations():
    """The agencies' texts in Spanish, Italian and Portuguese too (applications.demo.translations).

    Every demo text is written in English in data.py; each translated field's English is looked up
    and its empty columns filled (a translation an agency changed in the admin is kept).
    """
    demo_agencies = [row["slug"] for row in demo_data.AGENCIES]
    to_agency = {
        Programme: "agency",
        Call: "programme__agency",
        CostCategory: "programme__agency",
        ReviewCriterion: "call__programme__agency",
        CallRule: "call__programme__agency",
    }
    for model, path in to_agency.items():
        for obj in model.objects.filter(**{f"{path}__slug__in": demo_agencies}):
            changed = []
            for name in model._translated_fields:
                english = getattr(obj, f"{name}_en")
                if not english:
                    continue
                for language, text in translations_of(english).items():
                    if not getattr(obj, f"{name}_{language}"):
                        setattr(obj, f"{name}_{language}", text)
                        changed.append(f"{name}_{language}")
            if changed:
                obj.save(update_fields=changed)


def _agencies():
    agencies = {}
    for row in demo_data.AGENCIES:
        fields = {k: v for k, v in row.items() if k != "slug"}
        agencies[row["slug"]], _ = Agency.objects.get_or_create(slug=row["slug"], defaults=fields)
    return agencies


def _window(window, agency, today):
    zone = agency.tzinfo
    if window == "year":
        opens = datetime.combine(date(today.year, 1, 1), time(0, 0), tzinfo=zone)
        closes = datetime.combine(date(today.year, 12, 31), time(23, 59, 59), tzinfo=zone)
        return opens, closes
    opened_days_ago, closes_in_days, closing_hour = window
    opens = datetime.combine(working_day(today - timedelta(days=opened_days_ago), step=-1), time(9, 0), tzinfo=zone)
    closes = datetime.combine(working_day(today + timedelta(days=closes_in_days)), time(closing_hour, 0), tzinfo=zone)
    return opens, closes


def _programmes(agencies, today):
    programmes = {}
    for row in demo_data.PROGRAMMES:
        agency = agencies[row["agency"]]
        fields = {k: v for k, v in row.items() if k not in {"agency", "slug", "categories", "calls"}}
        programme, _ = Programme.objects.get_or_create(slug=row["slug"], defaults={"agency": agency, **fields})
        for position, (code, name, description) in enumerate(row["categories"], start=1):
            CostCategory.objects.get_or_create(
                programme=programme,
                code=code,
                defaults={"name": name, "description": description, "position": position},
            )
        calls = []
        for spec in row["calls"]:
            opens, closes = _window(spec["window"], agency, today)
            call, _ = Call.objects.get_or_create(
                programme=programme,
                slug=spec["slug"].format(year=today.year),
                defaults={
                    "title": spec["title"].format(year=today.year),
                    "reference_prefix": spec["reference_prefix"],
                    "year": today.year,
                    "description": spec["description"],
                    "opens_at": opens,
                    "closes_at": closes,
                    "budget": spec["budget"],
                    # Beneficiaries report four months after the call closes (an assumption of the demo).
                    "final_report_due_on": closes.date() + timedelta(days=120),
                },
            )
            _rules(call, spec.get("rules", []))
            _documents(call, spec.get("documents", []))
            if not call.criteria.exists():
                ReviewCriterion.objects.bulk_create(
                    ReviewCriterion(
                        call=call,
                        position=position,
                        name=name,
                        description=description,
                        weight=Decimal(weight),
                        max_score=maximum,
                        min_score=minimum,
                    )
                    for position, (name, description, weight, maximum, minimum) in enumerate(
                        demo_data.CRITERIA, start=1
                    )
                )
            calls.append(call)
        programmes[row["slug"]] = (programme, calls)
    return programmes


# The name the migration gave the one line of a budget made from a programme's yearly figure.
MIGRATED_GRANTS_LINE = "Grants"


def _programme_budgets(programmes, today):
    """Each listed programme's budget for every year its calls draw from, with its lines; PIMEX's spending."""
    for slug, lines in demo_data.BUDGETS.items():
        programme, calls = programmes[slug]
        for year in sorted({call.budget_year for call in calls}):
            budget, _ = ProgrammeBudget.objects.get_or_create(
                programme=programme, year=year, defaults={"note": "Figures of the programme's seed description."}
            )
            for position, (name, purpose, amount) in enumerate(lines, start=1):
                # At most one grants line: found by its purpose (a migrated budget names it otherwise).
                found = {"purpose": purpose} if purpose == "grants" else {"purpose": purpose, "name": name}
                line = budget.lines.filter(**found).first()
                if line is None:
                    ProgrammeBudgetLine.objects.create(
                        budget=budget, name=name, purpose=purpose, amount=amount, position=position
                    )
                elif purpose == "grants" and line.name == MIGRATED_GRANTS_LINE and name != MIGRATED_GRANTS_LINE:
                    # A budget migrated from the programme's single yearly figure: the seed's split replaces it
                    # (through the service, so never below what is committed).
                    programme_budget_line_set(line=line, amount=amount, name=name, position=position)
    for line_name, days_ago, amount, description in demo_data.AGENCY_SPENDING:
        line = (
            ProgrammeBudgetLine.objects.filter(budget__programme__slug="pimex", name=line_name)
            .order_by("-budget__year")
            .first()
        )
        if line is not None and not line.spending.filter(description=description).exists():
            agency_spending_record(
                line=line, spent_on=today - timedelta(days=days_ago), amount=amount, description=description
            )


def _rules(call, rules):
    """Create the call's demo rules, or bring those a previous run created up to date in place.

    A row is the demo's by its position and code; rows a manager added are left alone. A second
    run with the same data changes nothing.
    """
    categories = {c.code: c for c in call.programme.cost_categories.all()}
    existing = {(row.position, row.code): row for row in call.rules.all()}
    for position, code, params in demo_data.rule_positions(rules):
        # The demo's notes are its English (the other languages: _translations).
        if "note" in params:
            params["note_en"] = params.pop("note")
        if "category" in params:
            params["category"] = categories[params["category"]]
        rule = existing.get((position, code)) or CallRule(call=call, position=position, code=code)
        changed = [name for name, value in params.items() if getattr(rule, name) != value]
        if rule.pk is not None and not changed:
            continue
        for name in changed:
            setattr(rule, name, params[name])
        rule.full_clean()
        validate_rule_parameters(rule)
        rule.save()


def _documents(call, documents):
    """Create the documents a demo call asks for, once: a call that has its documents keeps them.

    (Once an application to the call is submitted they are frozen: a second run must not touch them.)
    """
    if call.documents.exists():
        return
    for position, params in enumerate(documents, start=1):
        document = CallDocument(call=call, position=10 * position, **params)
        document.full_clean()
        document.save()


def _attach_demo_files(application):
    """A small PDF for each document of the call that takes PDF: the demo's applicants sent their papers."""
    for document in application.call.documents.all():
        if "pdf" in document.format_list:
            uploaded = SimpleUploadedFile(
                f"{document.kind}.pdf", demo_data.DEMO_RECEIPT_PDF, content_type="application/pdf"
            )
            attachment_add(application=application, uploaded_file=uploaded, document=document, by=None)


def _organisations():
    organisations = {}
    for index, row in enumerate(demo_data.ORGANISATIONS, start=1):
        key, kind, name, country, region, city, nace, founded, staff, turnover, balance = row
        tax_id = make_tax_id(country, 6_100_000 + index * 37, public_body=(kind == "public_body"))
        organisation, _ = Organisation.objects.get_or_create(
            country=country,
            tax_id=tax_id,
            defaults={
                "kind": kind,
                "legal_name": name,
                "region": region,
                "city": city,
                "nace_code": nace,
                "founded_on": date(founded, 3, 1),
                "employees": Decimal(staff),
                "turnover": Decimal(turnover),
                "balance_sheet": Decimal(balance),
            },
        )
        if organisation.nace_code != nace:
            # The demo's activity codes were corrected (the cherry company processes cherries).
            organisation.nace_code = nace
            organisation.save(update_fields=["nace_code"])
        organisations[key] = organisation
    return organisations


def _consortia(organisations, today):
    consortia = {}
    for name, sector, years, joint_actions, members in demo_data.CONSORTIA:
        established = date(today.year - years, 2, 1) if years else today - timedelta(days=60)
        consortium, created = Consortium.objects.get_or_create(
            name=name,
            defaults={
                "sector": sector,
                "established_on": established,
                **_first_joint_action(name, established, joint_actions),
            },
        )
        consortia[name] = consortium
        if not created:
            continue
        for key, status in members:
            membership = Membership(consortium=consortium, organisation=organisations[key], status=status)
            if status in ("active", "left"):
                membership.joined_on = established
            if status == "left":
                membership.left_on = established + timedelta(days=365)
            membership.save()
    return consortia


def _first_joint_action(name, established, joint_actions) -> dict:
    """The evidence of a demo consortium's stage: its members' first joint action, four months after it was
    established (before its first anniversary, so the stage follows from the dates), or none."""
    if not joint_actions:
        return {"has_joint_actions": False}
    return {
        "has_joint_actions": True,
        "first_joint_action_on": established + timedelta(days=120),
        "first_joint_action": demo_data.FIRST_JOINT_ACTIONS.get(name, "Joint stand at a trade fair"),
    }


def _applications(programmes, consortia, organisations):
    created = 0
    officer = None
    for slug, call_index, (
        applicant_kind,
        applicant_key,
    ), title, final_status, granted, lines in demo_data.APPLICATIONS:
        programme, calls = programmes[slug]
        call = calls[call_index]
        applicant = (
            {"consortium": consortia[applicant_key]}
            if applicant_kind == "consortium"
            else {"organisation": organisations[applicant_key]}
        )
        if Application.objects.filter(call=call, **applicant).exists():
            continue
        # Drafts are still being filled in: only the first declaration is ticked.
        declarations = _declarations(call)
        if final_status == "draft":
            declarations = declarations[:1]
        application = application_create(
            call=call,
            title=title,
            declarations=declarations,
            **demo_data.PROGRAMME_FIELDS.get(programme.kind, {}),
            **applicant,
        )
        demo_answers_write(application)
        categories = {c.code: c for c in programme.cost_categories.all()}
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=application,
                category=categories[code],
                description=description,
                amount=Decimal(amount),
                position=position,
            )
            for position, (code, description, amount) in enumerate(lines, start=1)
        )
        if final_status != "draft":
            _attach_demo_files(application)
        for step in demo_data.STATUS_PATHS[final_status]:
            by, note = officer, "Demo data"
            if step == "approved":
                by, note = _decision_reviews(application, note)
            application_change_status(application=application, to_status=step, by=by, note=note)
        if final_status != "draft":
            evaluation = evaluate_application(application)
            application.eligible_costs = evaluation.eligible_costs
            application.max_grant = evaluation.max_grant
            application.save(update_fields=["eligible_costs", "max_grant"])
        if granted is not None:
            application.granted_amount = Decimal(granted)
            application.save(update_fields=["granted_amount"])
            # The facts the decision rests on, frozen as application_approve freezes them.
            decision_facts_freeze(application=application, evaluation=evaluation)
            aid_awards_record(application=application, amount=application.granted_amount, on=timezone.localdate())
            if final_status == "approved":
                project_reports_schedule(application=application)
        created += 1
    return created


def _decision_reviews(application, note):
    """Before a demo approval: the call's reviews, completed by the agency's demo staff, above every minimum.

    An agency with too few demo reviewers (Alentejo's technical team is not in the demo) has its
    grant approved by the administrator against the reviews, with the reason kept as a programme
    manager's would be. Returns who approves and the approval's history note.
    """
    call = application.call
    reviewers = list(
        User.objects.filter(agency_id=call.programme.agency_id, is_staff=True).order_by("email")[
            : call.reviews_required
        ]
    )
    criteria = list(call.criteria.all())
    if len(reviewers) >= call.reviews_required and criteria:
        for offset, reviewer in enumerate(reviewers):
            review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
            scores = {c.pk: (min(c.max_score, max(c.min_score + 2, 7 + offset)), "") for c in criteria}
            review_score(review=review, scores=scores, comment="Demo review")
        return None, note
    lacking = " ".join(review_problems(review_summary(application)))
    application.decision_override_reason = demo_data.APPROVED_WITHOUT_REVIEWS
    application.save(update_fields=["decision_override_reason"])
    administrator = User.objects.filter(is_superuser=True).order_by("pk").first()
    return administrator, override_note(note, application.decision_override_reason, lacking)


def _declarations(call):
    return [code for rule in call.rules.filter(code="declarations") for code in rule.choice_list]


def _reviews():
    """The demo staff and manager have reviewed the Extremadura applications under review or in reserve."""

    reviewers = list(User.objects.filter(email__in=["staff@demo.example", "manager@demo.example"]))
    applications = Application.objects.filter(
        call__programme__agency__slug="extremadura-avante",
        status__in=["under_review", "reserve"],
    ).select_related("call")
    for application in applications:
        criteria = list(application.call.criteria.all())
        for offset, reviewer in enumerate(reviewers):
            if application.reviews.filter(reviewer=reviewer).exists():
                continue
            review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
            # Scores that differ by application and reviewer, within each criterion's range.
            scores = {
                criterion.pk: (min(criterion.max_score, 5 + (application.pk + offset + index) % 5), "")
                for index, criterion in enumerate(criteria)
            }
            review_score(review=review, scores=scores, comment="Demo review")


def _users(agencies):
    groups = ensure_groups()
    for email, full_name, role, agency_slug, language in demo_data.USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, language=language)
            user.set_password(demo_data.DEMO_PASSWORD)
        user.agency = agencies[agency_slug] if agency_slug else None
        user.is_staff = role in ("staff", "manager", "admin")
        user.is_superuser = role == "admin"
        user.save()
        # A verified address, so the demo users log in on the public site straight away.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"primary": True, "verified": True})
        if role == "staff":
            user.groups.set([groups[AGENCY_STAFF]])
        elif role == "manager":
            user.groups.set([groups[PROGRAMME_MANAGER]])


def _post_award():
    """The PIMEX company's representative has accepted the grant and reported one expense with its receipt."""

    spec = demo_data.PIMEX_PARTICIPANT
    legal_name = next(row[2] for row in demo_data.ORGANISATIONS if row[0] == spec["organisation"])
    application = Application.objects.filter(organisation__legal_name=legal_name, status="approved").first()
    user = User.objects.filter(email="beneficiary@demo.example").first()
    if application is None or user is None:
        return
    Representation.objects.get_or_create(
        user=user, organisation=application.organisation, defaults={"status": Representation.Status.ACTIVE}
    )
    if application.accepted_at is None:
        application = grant_accept(application=application, by=user)
    report = application.project_reports.filter(kind="final").first()
    if report is None or Expense.objects.filter(report=report).exists():
        return
    receipt = SimpleUploadedFile("receipt-gulfood.pdf", demo_data.DEMO_RECEIPT_PDF, content_type="application/pdf")
    expense_claim_with_invoice(
        report=report,
        by=user,
        invoice_file=receipt,
        budget_line=application.budget_lines.order_by("position").first(),
        amount=Decimal("1840.00"),
        description="Stand share at Gulfood, Dubai",
        supplier="Dubai World Trade Centre",
        invoice_number="GF-2026-4471",
        invoice_date=timezone.localdate() - timedelta(days=20),
    )


def _consortium_results():
    """The approved export consortium: its grant decided in its stage of that day (frozen as the approval
    freezes it), accepted, and its final report sent with the actions carried out, each with its type."""
    spec = demo_data.CONSORTIUM_REPORT
    application = (
        Application.objects.filter(consortium__name=spec["consortium"], status="approved")
        .select_related("consortium", "call__programme")
        .first()
    )
    user = User.objects.filter(email="beneficiary@demo.example").first()
    if application is None or user is None:
        return
    if not application.decided_stage:
        approval = application.status_changes.filter(to_status="approved").order_by("changed_at").first()
        approved_on = timezone.localdate(approval.changed_at) if approval else timezone.localdate()
        application.decided_stage = consortium_stage(application.consortium, on=approved_on)
        application.save(update_fields=["decided_stage"])
    if application.accepted_at is None:
        application = grant_accept(application=application, by=user)
    report = application.project_reports.filter(kind="final", status="due").first()
    if report is None:
        return
    categories = {c.code: c for c in application.call.programme.cost_categories.all()}
    today = timezone.localdate()
    for action_type, code, description, country, days in spec["actions"]:
        row = ReportActivity(
            action_type=action_type,
            category=categories[code],
            description=description,
            country=country,
            carried_out_on=today - timedelta(days=days),
        )
        report_row_add(report=report, row=row, by=user)
    project_report_submit(
        report=report, by=user, narrative=spec["narrative"], outcomes={"new_markets": spec["new_markets"]}
    )


def _pimex(today):
    """PIMEX coaching: the demo call's group sessions, and its approved participant halfway through."""
    calls = Call.objects.filter(programme__slug="pimex", slug=str(today.year)).select_related("programme__agency")
    call = calls.first()
    if call is None:
        return
    zone = call.programme.agency.tzinfo
    PimexCallSettings.objects.get_or_create(call=call)
    spec = demo_data.PIMEX_PARTICIPANT
    legal_name = next(row[2] for row in demo_data.ORGANISATIONS if row[0] == spec["organisation"])
    participant = Application.objects.filter(call=call, organisation__legal_name=legal_name, status="approved").first()
    technician = User.objects.filter(email="staff@demo.example").first()
    now = timezone.now()
    for position, (title, days, place) in enumerate(demo_data.PIMEX_SESSIONS, start=1):
        starts_at = datetime.combine(working_day(today + timedelta(days=days)), time(10, 0), tzinfo=zone)
        session, _ = PimexSession.objects.get_or_create(
            call=call,
            title=title,
            defaults={"starts_at": starts_at, "place": place, "capacity": 30, "position": position},
        )
        if participant is not None:
            PimexAttendance.objects.get_or_create(
                session=session,
                application=participant,
                defaults={"attended": session.starts_at <= now, "recorded_by": technician},
            )
    if participant is None:
        return
    for days, topic, attended in spec["tutorials"]:
        scheduled_at = datetime.combine(working_day(today + timedelta(days=days)), time(11, 0), tzinfo=zone)
        PimexTutorial.objects.get_or_create(
            application=participant,
            topic=topic,
            defaults={"scheduled_at": scheduled_at, "attended": attended, "technician": technician},
        )
    PimexSwot.objects.get_or_create(application=participant, defaults={**spec["swot"], "updated_by": technician})
    plan, created = PimexActionPlan.objects.get_or_create(application=participant, defaults=spec["plan"])
    if created:
        PimexPlannedAction.objects.bulk_create(
            PimexPlannedAction(
                plan=plan,
                position=position,
                description=description,
                market=market,
                starts_on=today + timedelta(days=starts_in),
                ends_on=today + timedelta(days=starts_in + lasts),
                budget=Decimal(budget),
            )
            for position, (description, market, starts_in, lasts, budget) in enumerate(spec["actions"], start=1)
        )


def _consortium_formation(today):
    """SODERCAN's consortium formation (seed 002): a formation under way, a consortium's fees and contracts."""
    # Returns the demo user with an invitation to answer, named after the summary.
    return formation_demo_load(today=today)

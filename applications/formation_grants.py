"""The seed funding of a consortium the agency formed (SODERCAN, seed 002), granted as an application.

SODERCAN forms export consortia itself (programmes.formation) and funds their establishment from
the programme's seed fund. That money is a grant like any other: one pool, one ledger, one
follow-up. So establishing a consortium has one door, `formation_establish`, which in one
transaction

1. creates the consortium and its founding members (`programmes.formation.services.
   formation_consortium_create`, the programmes-level step, which commits no money);
2. creates the consortium's application on the formation's call (the programme's seed-funding
   call) with one budget line, the seed funding, in the programme's cost category
   SEED_FUNDING_CATEGORY, and the declarations the founding members signed;
3. moves it through the status table like a submission (submitted, with its reference; under
   review; approved), each move with its history row;
4. approves it with `application_approve`, so the call's lock and remaining budget (and whatever
   else guards an approval: the programme-year envelope, the rules engine, the de minimis ledger,
   which splits the grant between the founding members) apply to the formations and the call's
   own applicants alike. The reason for approving without the call's reviews is written for the
   programme manager: the companies were selected by the agency's formation process;
5. keeps the content's fingerprint and the receipt, as a submission does.

If anything refuses (the money does not fit, the rules say no, a member's de minimis headroom is
too small), nothing is created: the refusal names the field it is about (`seed_funding`,
`declarations`, or the step's own fields), so the establish page shows it there.

The grant is then accepted, paid and closed through applications.post_award, like any grant.
Establishing commits money, so only a programme manager of the formation's agency (or an
administrator) may do it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consortia.models import Consortium
from portal.money import format_eur, to_cents
from portal.refusals import Refused
from portal.roles import is_programme_manager
from programmes.formation.services import formation_consortium_create, formation_seed_funding_set
from programmes.models import Call, CostCategory, Formation
from programmes.rules import evaluate_application
from programmes.selectors import formations_under_way

from .decisions import COMMITTED, DecisionRefused, application_approve, call_committed, review_start
from .models import Application, BudgetLine, Status
from .receipts import receipt_render
from .submission import application_change_status, application_create, content_hash, submitted_content

# The programme's cost category the seed funding is granted in (the demo's SODERCAN programme has it).
SEED_FUNDING_CATEGORY = "establishment"

# Rules whose refusal is about the amount: shown next to the seed funding.
_AMOUNT_RULES = {
    "de_minimis",
    "grant_cap",
    "grant_range",
    "stage_cap",
    "funding_rate",
    "category_cap",
    "per_company_cap",
    "min_eligible_cost",
}


class FormationGrantRefused(Refused):
    """The consortium cannot be established with its seed funding; the message says why."""


@dataclass(frozen=True)
class EstablishedFormation:
    """What an establishment created: the consortium and the application of its seed funding."""

    consortium: Consortium
    application: Application


def may_establish(user, formation) -> bool:
    """Establishing commits the seed funding: a programme manager of the formation's agency, or an administrator."""
    if user is None or not user.is_active or not is_programme_manager(user):
        return False
    return user.is_superuser or user.agency_id == formation.agency_id


def seed_funding_reason(formation) -> str:
    """The written reason for approving the seed funding without the call's reviews."""
    days = sorted({meeting.held_on for meeting in formation.meetings.all()})
    if not days:
        return _(
            "Seed funding of the formation “%(formation)s”: the companies were selected through the agency's "
            "formation process (no introductory meeting recorded)"
        ) % {"formation": formation.name}
    return _(
        "Seed funding of the formation “%(formation)s”: the companies were selected through the agency's "
        "formation process (meetings of %(dates)s)"
    ) % {"formation": formation.name, "dates": ", ".join(date_format(day, "DATE_FORMAT") for day in days)}


def _seed_category(programme) -> CostCategory:
    category = CostCategory.objects.filter(programme=programme, code=SEED_FUNDING_CATEGORY).first()
    if category is None:
        raise FormationGrantRefused(
            _(
                "The programme %(programme)s has no cost category “%(code)s” to grant the seed funding in: "
                "add it to the programme's cost categories first."
            )
            % {"programme": programme, "code": SEED_FUNDING_CATEGORY},
            code="no_category",
        )
    return category


def _refuse_unless_eligible(evaluation) -> None:
    """The call's rules, each refusal next to the field it is about (the amount, the declarations)."""
    if evaluation.eligible:
        return
    errors: dict[str | None, list[str]] = {}
    for result in evaluation.failures:
        field = (
            "seed_funding"
            if result.code in _AMOUNT_RULES
            else "declarations"
            if result.code == "declarations"
            else None
        )
        errors.setdefault(field, []).append(str(result.message))
    message = _("The seed funding cannot be granted under the call's rules: %(reasons)s") % {
        "reasons": "; ".join(text for texts in errors.values() for text in texts)
    }
    fields = [name for name in errors if name is not None]
    raise FormationGrantRefused(
        message,
        field=fields[0] if len(errors) == 1 and fields else None,
        code="rules",
        errors={name: texts for name, texts in errors.items()} if len(errors) > 1 else None,
    )


def formation_establish(
    *,
    formation,
    name: str,
    established_on,
    statutes_reference: str,
    lead,
    by,
    declarations=(),
    seed_funding: Decimal | None = None,
    manager_name: str = "",
    manager_email: str = "",
    manager_phone: str = "",
) -> EstablishedFormation:
    """Establish the consortium of a formation and grant its seed funding on the formation's call.

    The one door of an establishment (see the module). `declarations` are the codes of the call's
    declarations the founding members signed; `seed_funding`, when given, replaces the formation's
    planned amount first (in the same transaction). Refused (FormationGrantRefused, or the step's
    refusal) with nothing created when the establishment or the grant cannot be made.
    """
    if not may_establish(by, formation):
        raise FormationGrantRefused(
            _("Establishing a consortium grants its seed funding: only a programme manager of the agency can do it."),
            code="not_manager",
        )
    with transaction.atomic():
        # Lock order: the call (as an approval does), then the formation (the step locks it).
        call_id = Formation.objects.filter(pk=formation.pk).values_list("call_id", flat=True).get()
        if call_id is not None:
            Call.objects.select_for_update().filter(pk=call_id).values_list("pk").get()
        if seed_funding is not None and to_cents(seed_funding) != formation.seed_funding:
            formation = formation_seed_funding_set(formation=formation, amount=seed_funding, by=by)
        consortium = formation_consortium_create(
            formation=formation,
            name=name,
            established_on=established_on,
            statutes_reference=statutes_reference,
            lead=lead,
            by=by,
            manager_name=manager_name,
            manager_email=manager_email,
            manager_phone=manager_phone,
        )
        formation = (
            Formation.objects.select_related("call__programme__agency", "programme", "agency")
            .prefetch_related("meetings")
            .get(pk=formation.pk)
        )
        application = _seed_funding_grant(formation=formation, consortium=consortium, declarations=declarations, by=by)
    return EstablishedFormation(consortium=consortium, application=application)


def _seed_funding_grant(*, formation, consortium, declarations, by) -> Application:
    amount = to_cents(formation.seed_funding)
    if amount <= 0:
        raise FormationGrantRefused(
            _("Give the seed funding the consortium is granted: it must be above zero."),
            field="seed_funding",
            code="no_amount",
        )
    category = _seed_category(formation.programme)
    note = _("Seed funding of the formation “%(formation)s”, established by the agency.") % {
        "formation": formation.name
    }
    application = application_create(
        call=formation.call,
        consortium=consortium,
        formation=formation,
        title=_("Seed funding to establish %(consortium)s") % {"consortium": consortium.name},
        summary=_("The agency formed the consortium (%(sector)s) and funds its establishment: statutes %(statutes)s.")
        % {"sector": formation.get_sector_display(), "statutes": formation.statutes_reference},
        declarations=sorted(set(declarations)),
        by=by,
    )
    BudgetLine.objects.create(
        application=application,
        category=category,
        description=_("Seed funding of the formation “%(formation)s”") % {"formation": formation.name},
        amount=amount,
        position=1,
    )
    application_change_status(application=application, to_status=Status.SUBMITTED, by=by, note=note)
    evaluation = evaluate_application(application)
    _refuse_unless_eligible(evaluation)
    review_start(application=application, by=by)
    try:
        application_approve(
            application=application,
            by=by,
            amount=amount,
            note=note,
            override_reason=seed_funding_reason(formation),
        )
    except DecisionRefused as refusal:
        raise FormationGrantRefused(
            _("The seed funding of %(amount)s cannot be granted on %(call)s: %(reason)s")
            % {"amount": format_eur(amount), "call": formation.call, "reason": refusal.message},
            field="seed_funding",
            code=refusal.code or "decision",
        ) from refusal
    # As a submission does: the fingerprint of what was granted, and the receipt in the file.
    application = Application.objects.select_related("call__programme__agency", "consortium").get(pk=application.pk)
    application.submitted_content = submitted_content(application)
    application.content_hash = content_hash(application.submitted_content)
    application.receipt_language = translation.get_language() or settings.LANGUAGE_CODE
    pdf = receipt_render(application=application, evaluation=evaluation)
    application.receipt.save(f"receipt-{application.reference}.pdf", ContentFile(pdf), save=False)
    application.save(update_fields=["submitted_content", "content_hash", "receipt_language", "receipt"])
    return application


# --- reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedFunding:
    """A seed-funding call's one pool: its budget, what its grants commit (the formations' and its
    applicants'), of which the formations', what the formations under way plan, and what is left."""

    call: Call
    budget: Decimal
    committed: Decimal
    granted_to_formations: Decimal
    planned: Decimal
    remaining: Decimal

    @property
    def over_planned(self) -> bool:
        """Whether the formations under way would not all fit in what is left."""
        return self.planned > self.remaining


def formation_seed_funding(*, call) -> SeedFunding:
    """The figures of the seed-funding call a formation draws from. Three queries."""
    committed = call_committed(call.pk)
    granted = Application.objects.filter(call=call, formation__isnull=False, status__in=COMMITTED).aggregate(
        total=Sum("granted_amount")
    )["total"]
    planned = formations_under_way(call.pk).aggregate(total=Sum("seed_funding"))["total"]
    return SeedFunding(
        call=call,
        budget=call.budget,
        committed=committed,
        granted_to_formations=to_cents(granted or 0),
        planned=to_cents(planned or 0),
        remaining=to_cents(call.budget - committed),
    )


def formation_grant_of(formation) -> Application | None:
    """The application that granted a formation's seed funding (None before the establishment)."""
    return Application.objects.filter(formation=formation).select_related("call").first()

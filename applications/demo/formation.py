"""Demo data of SODERCAN's consortium formation (seed 002), loaded by `seed_demo` (applications.demo.seed).

One formation under way in marine renewable energy (candidates, an introductory
meeting, answers given and one still awaited); one agri-food formation established
through the one door (applications.services.formation_establish), so its seed funding
is a grant on the programme's seed-funding call, recorded in the de minimis ledger
and split between its three founding members; and the life of the established
Cantabria Metal Export consortium: its manager, membership fees and payments, and
its international bids, one of them won. Both formations draw from the year's
seed-funding call. Idempotent: every row is found by its natural key before it is
created. Companies and people are invented.
"""

from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress

from applications.demo.data import DEMO_PASSWORD
from applications.services import formation_establish
from consortia import follow_up
from consortia.models import Consortium, ConsortiumBid, FeePayment, MembershipFee, Organisation, Representation
from consortia.taxids import make_tax_id
from portal.models import User
from programmes.formation import services
from programmes.models import Formation, Programme

PROGRAMME_SLUG = "export-consortia-cantabria"
FORMATION_NAME = "Cantabrian offshore wind and wave energy services"
METAL_CONSORTIUM = "Cantabria Metal Export"
# The representative of the company still deciding: logs in and sees the invitation.
REPRESENTATIVE = ("cantabria@demo.example", "Iñigo Representative", "Mecanizados del Pas S.L.")

# (organisation legal name, why identified, answer: "joined", "declined" or None, reason)
CANDIDATES = [
    (
        "Offshore Cantábrico S.L.",
        "Maintenance of offshore wind turbines; already works for two North Sea operators.",
        "joined",
        "",
    ),
    (
        "Naval Santander Ingeniería S.L.",
        "Naval engineering and floating platforms: designs the full-service offer.",
        "joined",
        "",
    ),
    ("Calderería Besaya S.L.", "Heavy steel structures: transition pieces and towers.", "declined", None),
    ("Mecanizados del Pas S.L.", "Precision machining of mooring and power take-off parts.", None, ""),
]
DECLINED_REASON = "Our workshop is fully booked with the metal consortium's contracts for the next two years."

# The agri-food formation, established: its seed funding is granted on the seed-funding call.
AGRI_FOOD_FORMATION = "Cantabrian fine foods for export"
AGRI_FOOD_CONSORTIUM = "Cantabria Fine Foods Export"
AGRI_FOOD_SEED_FUNDING = Decimal("150000.00")
# (legal name, why identified); the third company is added here (the other two are seed_demo's).
AGRI_FOOD_CANDIDATES = [
    ("Anchoas de Santoña S.L.", "Anchovies sold in eight countries; runs its own cold chain."),
    ("Sobaos Pasiegos Selaya S.L.", "Traditional pastries with a protected name; supermarket buyers in France."),
    ("Quesería Valle de Liébana S.L.", "Protected-origin cheese; ready to serve gourmet shops abroad."),
]
CHEESE_COMPANY = {
    "legal_name": "Quesería Valle de Liébana S.L.",
    "kind": "company",
    "region": "ES13",
    "city": "Potes",
    "nace_code": "10.51",
    "founded_on": date(1995, 3, 1),
    "employees": Decimal("15"),
    "turnover": Decimal("2100000"),
    "balance_sheet": Decimal("1300000"),
}


def _sodercan_staff():
    """Who records the demo steps: the demo administrator (there is no SODERCAN staff account)."""
    return User.objects.filter(is_superuser=True).order_by("pk").first()


def _representative():
    email, full_name, legal_name = REPRESENTATIVE
    organisation = Organisation.objects.get(legal_name=legal_name)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, language="es")
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
    Representation.objects.get_or_create(
        user=user, organisation=organisation, defaults={"status": Representation.Status.ACTIVE}
    )
    return user


def _seed_funding_call(programme, today):
    """The year's seed-funding call of the programme (seed_demo creates it): the pool both formations draw from."""
    return programme.calls.filter(slug=f"seed-funding-{today.year}").first()


def _formation(programme, call, staff, today):
    if Formation.objects.filter(programme=programme, name=FORMATION_NAME).exists():
        return
    formation = services.formation_open(
        programme=programme,
        call=call,
        sector="marine_renewable_energy",
        name=FORMATION_NAME,
        seed_funding=Decimal("180000.00"),
        opened_on=today - timedelta(days=90),
        notes="Third consortium of the programme, after metal and agri-food.",
        by=staff,
    )
    candidates = {}
    for legal_name, why, _answer, _reason in CANDIDATES:
        organisation = Organisation.objects.get(legal_name=legal_name)
        candidates[legal_name] = services.formation_candidate_add(
            formation=formation, organisation=organisation, notes=why, by=staff
        )
    services.formation_meeting_record(
        formation=formation,
        held_on=today - timedelta(days=45),
        place="SODERCAN, Santander",
        agenda="Aims of the consortium, the process, the full-service offer from design to installation.",
        notes="Gap in the offer: no company does subsea cabling yet.",
        attended=list(candidates.values()),
        by=staff,
    )
    services.formation_invite(formation=formation, by=staff)
    for legal_name, _why, answer, reason in CANDIDATES:
        if answer is not None:
            services.formation_candidate_answer(
                candidate=candidates[legal_name],
                join=answer == "joined",
                reason=DECLINED_REASON if reason is None else reason,
                by=staff,
            )


def _cheese_company():
    organisation = Organisation.objects.filter(legal_name=CHEESE_COMPANY["legal_name"]).first()
    if organisation is None:
        organisation = Organisation(country="ES", tax_id=make_tax_id("ES", 6_900_013), **CHEESE_COMPANY)
        organisation.full_clean()
        organisation.save()
    return organisation


def _agri_food_formation(programme, call, staff, today):
    """An agri-food formation taken to the end: established by the one door, its seed funding granted."""
    if call is None or Formation.objects.filter(programme=programme, name=AGRI_FOOD_FORMATION).exists():
        return
    _cheese_company()
    formation = services.formation_open(
        programme=programme,
        call=call,
        sector="agri_food",
        name=AGRI_FOOD_FORMATION,
        seed_funding=AGRI_FOOD_SEED_FUNDING,
        opened_on=today - timedelta(days=150),
        notes="Second agri-food consortium: preserved fish, pastries and cheese for gourmet shops abroad.",
        by=staff,
    )
    candidates = [
        services.formation_candidate_add(
            formation=formation, organisation=Organisation.objects.get(legal_name=legal_name), notes=why, by=staff
        )
        for legal_name, why in AGRI_FOOD_CANDIDATES
    ]
    for days_ago, place in ((120, "SODERCAN, Santander"), (90, "Santoña fish market")):
        services.formation_meeting_record(
            formation=formation,
            held_on=today - timedelta(days=days_ago),
            place=place,
            agenda="Aims, process and benefits; a shared offer for gourmet importers.",
            attended=candidates,
            by=staff,
        )
    services.formation_invite(formation=formation, by=staff)
    for candidate in candidates:
        services.formation_candidate_answer(candidate=candidate, join=True, by=staff)
    formation_establish(
        formation=formation,
        name=AGRI_FOOD_CONSORTIUM,
        established_on=today - timedelta(days=20),
        statutes_reference="Notarial deed 812, Registro Mercantil de Cantabria, sheet S-40311",
        lead=candidates[0].organisation,
        declarations=[code for rule in call.rules.filter(code="declarations") for code in rule.choice_list],
        manager_name="Lucía Gómez Arce",
        manager_email="manager@cantabria-finefoods.example",
        by=staff,
    )


def _metal_consortium_life(staff, today):
    consortium = Consortium.objects.filter(name=METAL_CONSORTIUM).first()
    if consortium is None:
        return
    members = {m.organisation.legal_name: m.organisation for m in consortium.memberships.select_related("organisation")}
    if not consortium.managers.exists():
        follow_up.consortium_manager_appoint(
            consortium=consortium,
            full_name="Elena Ruiz Cobo",
            email="manager@cantabria-metal.example",
            phone="+34 942 000 000",
            appointed_on=consortium.established_on + timedelta(days=30),
            by=staff,
        )
    # Yearly fees; the one of this year is still unpaid by one member.
    for year, unpaid in ((today.year - 1, set()), (today.year, {"Mecanizados del Pas S.L."})):
        fee = MembershipFee.objects.filter(consortium=consortium, period=str(year)).first()
        if fee is None:
            fee = follow_up.membership_fee_set(
                consortium=consortium, period=str(year), amount=Decimal("3000.00"), due_on=date(year, 1, 31), by=staff
            )
        for legal_name, organisation in sorted(members.items()):
            if legal_name in unpaid or FeePayment.objects.filter(fee=fee, organisation=organisation).exists():
                continue
            follow_up.fee_payment_record(
                fee=fee, organisation=organisation, amount=fee.amount, paid_on=min(today, fee.due_on), by=staff
            )
    bids = [
        (
            "Transition pieces for an offshore wind farm",
            "North Sea wind farm developer",
            "GB",
            Decimal("2400000.00"),
            200,
            ("Calderería Besaya S.L.", "Naval Santander Ingeniería S.L."),
            "won",
        ),
        (
            "Machined parts for a hydroelectric plant",
            "Norwegian utility",
            "NO",
            Decimal("350000.00"),
            30,
            ("Mecanizados del Pas S.L.", "Calderería Besaya S.L."),
            None,
        ),
    ]
    for title, client, country, value, days_ago, names, outcome in bids:
        if ConsortiumBid.objects.filter(consortium=consortium, title=title).exists():
            continue
        submitted_on = today - timedelta(days=days_ago)
        bid = follow_up.bid_submit(
            consortium=consortium,
            title=title,
            client=client,
            country=country,
            submitted_on=submitted_on,
            value=value,
            members=[members[name] for name in names if name in members],
            by=staff,
        )
        if outcome == "won":
            follow_up.bid_decide(bid=bid, won=True, decided_on=submitted_on + timedelta(days=80), by=staff)


def formation_demo_load(*, today: date) -> str | None:
    """Load the demo rows; returns the e-mail of the demo representative who has an invitation to answer."""
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    staff = _sodercan_staff()
    if programme is None or staff is None:
        return None
    representative = _representative()
    call = _seed_funding_call(programme, today)
    _formation(programme, call, staff, today)
    _agri_food_formation(programme, call, staff, today)
    _metal_consortium_life(staff, today)
    return representative.email

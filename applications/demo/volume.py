"""Volume data: many organisations, consortia and applications, created fast for load checks.

`volume_generate(applications=N)` writes, with bulk inserts only, the four agencies of the
seeds' regions and the five programmes of the demo under their own slugs ("volume-..."),
calls over three years, companies of every size, non-profits and public bodies with valid
tax ids, consortia, and N applications spread over every status, with their budget lines,
status changes and de minimis ledger rows. No audit-history rows are written.

Every run adds a new set of calls, organisations and consortia, so it runs beside the
demo data and can run again. The portal's promises hold in the data: the grants of a
call never add up to more than its budget, no undertaking gets more de minimis aid than
the ceiling, references are unique and gapless per call, and each applicant has at most
one application per call.

What the data looks like (the programmes' shapes, the status mixes, the words of names, tax ids)
is in `applications.demo.volume_shapes`, re-exported here; this module writes the rows.
"""

import math
import random
import re
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from applications.demo import data as demo_data
from applications.demo.volume_shapes import (
    ACTIONS,
    BRAND_ENDS,
    BRANDS,
    CALL_TARGET,
    CIF_PROVINCES,
    CITIES,
    DECIDED_MIX,
    IT_OFFICES,
    LINE_NOTES,
    MARKETS,
    MEMBER_SIZES,
    NAME_SUFFIX,
    OLD_MIX,
    OPEN_MIX,
    PIMEX_SIZES,
    PT_PRODUCTS,
    RECENT_MIX,
    REGION_SECTORS,
    SECTOR_NACE,
    SECTOR_WORDS,
    SHAPES,
    SIZES,
    SLUG_PREFIX,
    SURNAMES,
    VOLUME_DECISION,
    YEARS,
    ZERO,
    Shape,
    TaxIds,
    VolumeRefused,
    apportion,
    max_grant_for,
    rate_of,
    status_mix,
)
from applications.models import Application, BudgetLine, Status, StatusChange
from consortia.models import Consortium, Membership, Organisation
from consortia.services import consortium_stage
from portal.figures import counted_data_changed
from portal.money import to_cents
from programmes.models import Agency, AidAward, Call, CallRule, CostCategory, Programme, ReviewCriterion
from programmes.services import de_minimis_ceiling, split_amount

__all__ = [
    "ACTIONS",
    "BRANDS",
    "BRAND_ENDS",
    "CALL_TARGET",
    "CIF_PROVINCES",
    "CITIES",
    "DECIDED_MIX",
    "IT_OFFICES",
    "LINE_NOTES",
    "MARKETS",
    "MEMBER_SIZES",
    "NAME_SUFFIX",
    "OLD_MIX",
    "OPEN_MIX",
    "PIMEX_SIZES",
    "PT_PRODUCTS",
    "RECENT_MIX",
    "REGION_SECTORS",
    "SECTOR_NACE",
    "SECTOR_WORDS",
    "SHAPES",
    "SIZES",
    "SLUG_PREFIX",
    "SURNAMES",
    "VOLUME_DECISION",
    "YEARS",
    "ZERO",
    "Generator",
    "Shape",
    "TaxIds",
    "VolumeRefused",
    "apportion",
    "max_grant_for",
    "rate_of",
    "status_mix",
    "volume_generate",
]


class Generator:
    def __init__(self, *, applications: int, seed: int, now: datetime, batch_size: int, log):
        self.total = applications
        self.rng = random.Random(seed)
        # The day, not the second: the same seed gives the same data all day long.
        self.now = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.batch_size = batch_size
        self.log = log
        today = timezone.localdate(now)
        # Calls of the current year need a few months behind them to hold applications.
        last_year = today.year if today >= date(today.year, 3, 15) else today.year - 1
        self.years = list(range(last_year - YEARS + 1, last_year + 1))
        self.counts = Counter()
        self.statuses = Counter()
        self.aid_used: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.ceiling = de_minimis_ceiling()
        self.pending_calls: list[Call] = []
        self.pending: list[tuple[Application, tuple]] = []

    # --- agencies, programmes, cost categories ----------------------------------------------

    def agencies(self) -> dict:
        agencies = {}
        for row in demo_data.AGENCIES:
            fields = {k: v for k, v in row.items() if k not in ("slug", "name")}
            agencies[row["slug"]], _ = Agency.objects.get_or_create(
                slug=SLUG_PREFIX + row["slug"], defaults={"name": row["name"] + NAME_SUFFIX, **fields}
            )
        return agencies

    def programmes(self, agencies) -> list[tuple[Programme, dict, dict]]:
        skip = {"agency", "slug", "name", "categories", "calls"}
        result = []
        for row in demo_data.PROGRAMMES:
            programme, _ = Programme.objects.get_or_create(
                slug=SLUG_PREFIX + row["slug"],
                defaults={
                    "agency": agencies[row["agency"]],
                    "name": row["name"] + NAME_SUFFIX,
                    **{k: v for k, v in row.items() if k not in skip},
                },
            )
            result.append((programme, row, {}))
        existing = {
            (c.programme_id, c.code): c for c in CostCategory.objects.filter(programme__in=[p for p, *_ in result])
        }
        missing = [
            CostCategory(programme=programme, code=code, name=name, description=description, position=position)
            for programme, row, _ in result
            for position, (code, name, description) in enumerate(row["categories"], start=1)
            if (programme.pk, code) not in existing
        ]
        for category in CostCategory.objects.bulk_create(missing):
            existing[(category.programme_id, category.code)] = category
        for programme, row, categories in result:
            categories.update({code: existing[(programme.pk, code)] for code, _n, _d in row["categories"]})
        return result

    def next_batch(self, programmes) -> int:
        slugs = Call.objects.filter(programme__in=[p for p, *_ in programmes]).values_list("slug", flat=True)
        numbers = [int(m.group(1)) for s in slugs if (m := re.match(r"v(\d+)-", s))]
        return max(numbers, default=0) + 1

    # --- calls ---------------------------------------------------------------------------------

    def call_windows(self, programme: Programme, row: dict, shape: Shape, index: int, per_year: int):
        """(year, opens_at, closes_at) of each call of the programme, in the agency's zone."""
        zone = programme.agency.tzinfo
        today = timezone.localdate(self.now)
        windows = []
        for year in self.years:
            current = year == today.year
            if shape.days is None:
                end = min(today, date(year, 12, 31)) if current else date(year, 12, 31)
                step = (end - date(year, 1, 1)).days / per_year
                starts = [date(year, 1, 1) + timedelta(days=round(i * step)) for i in range(per_year)]
                for i, start in enumerate(starts):
                    opens = datetime.combine(start, clock(0, 0), tzinfo=zone)
                    if i + 1 < per_year:
                        closes = datetime.combine(starts[i + 1], clock(0, 0), tzinfo=zone) - timedelta(seconds=1)
                    else:
                        closes = datetime.combine(date(year, 12, 31), clock(23, 59, 59), tzinfo=zone)
                    windows.append((year, opens, closes))
                continue
            start = date(year, 1, 20) + timedelta(days=5 * index)
            end = date(year, 12, 1) - timedelta(days=shape.days)
            if current:
                # This year's last call opened a few weeks ago: some are still open, some just closed.
                end = max(start, min(end, today - timedelta(days=20 + 25 * index)))
            step = (end - start).days / (per_year - 1) if per_year > 1 else 0
            for i in range(per_year):
                first = start if per_year > 1 or not current else end
                opens = datetime.combine(first + timedelta(days=round(i * step)), clock(9, 0), tzinfo=zone)
                closes = datetime.combine(opens.date() + timedelta(days=shape.days), clock(14, 0), tzinfo=zone)
                windows.append((year, opens, closes))
        return windows

    def new_call(self, programme, row, year, opens, closes, number, per_year, batch) -> Call:
        spec = row["calls"][number % len(row["calls"])]
        suffix = f" ({number + 1}/{per_year})" if per_year > 1 else ""
        prefix = spec["reference_prefix"] + (str(number + 1) if per_year > 1 else "")
        return Call(
            programme=programme,
            title=spec["title"].format(year=year) + suffix,
            slug=f"v{batch}-{year}-{number + 1}",
            reference_prefix=prefix[:10],
            year=year,
            budget_year=year,
            description=spec.get("description", ""),
            opens_at=opens,
            closes_at=closes,
            budget=spec["budget"],
        )

    # --- organisations and consortia ------------------------------------------------------------

    def brand(self) -> str:
        return self.rng.choice(BRANDS) + self.rng.choice(BRAND_ENDS)

    def figures(self, size: str) -> dict:
        (staff_low, staff_high), turnover, balance = SIZES[size]
        staff = Decimal(self.rng.randint(staff_low, staff_high)) + (Decimal("0.5") if self.rng.random() < 0.2 else 0)
        return {
            "employees": staff,
            "turnover": to_cents(Decimal(self.rng.randint(*turnover))),
            "balance_sheet": to_cents(Decimal(self.rng.randint(*balance))),
        }

    def founded(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange((last - first).days))

    def company(self, region: str, sector: str, sizes: dict, founded_by: int) -> Organisation:
        rng = self.rng
        size = rng.choices(list(sizes), weights=list(sizes.values()))[0]
        country = region[:2]
        spanish, italian = SECTOR_WORDS[sector]
        city = rng.choice(CITIES[region])
        if country == "IT":
            legal_form = " S.p.A." if size == "large" else " S.r.l."
            noun = rng.choice(italian)
            name = rng.choice([f"{noun} {rng.choice(SURNAMES['IT'])}", f"{noun} {self.brand()}", f"{noun} {city}"])
        else:
            legal_form = " S.A." if size == "large" else " S.L."
            noun = rng.choice(spanish)
            name = rng.choice([f"{noun} {rng.choice(SURNAMES['ES'])}", f"{self.brand()} {noun}", f"{noun} de {city}"])
        company = Organisation(
            kind=Organisation.Kind.COMPANY,
            legal_name=name + legal_form,
            country=country,
            tax_id=self.tax_ids.new(country, region, "company", size),
            region=region,
            city=city,
            nace_code=rng.choice(SECTOR_NACE[sector]),
            founded_on=self.founded(date(1960, 1, 1), date(founded_by, 12, 31)),
            **self.figures(size),
        )
        company.size = size  # not stored: the SME size follows from the figures
        return company

    def association(self, region: str) -> Organisation:
        rng = self.rng
        city = rng.choice(CITIES[region])
        if rng.random() < 0.2:
            kind = Organisation.Kind.PUBLIC_BODY
            name = rng.choice([f"Município de {city}", f"Agência de Desenvolvimento de {city}"])
            nace, staff = rng.choice(["84.11", "84.13"]), rng.randint(20, 400)
        else:
            kind = Organisation.Kind.NON_PROFIT
            product = rng.choice(PT_PRODUCTS)
            name = rng.choice(
                [
                    f"Associação de Produtores de {product} de {city}",
                    f"Associação Empresarial de {city}",
                    f"Rota do {product} do Alentejo",
                    f"Núcleo Empresarial de {city}",
                ]
            )
            nace, staff = rng.choice(["94.11", "94.12", "94.99"]), rng.randint(2, 40)
        return Organisation(
            kind=kind,
            legal_name=name,
            country="PT",
            tax_id=self.tax_ids.new("PT", region, kind),
            region=region,
            city=city,
            nace_code=nace,
            founded_on=self.founded(date(1950, 1, 1), date(self.years[0] - 2, 12, 31)),
            employees=Decimal(staff),
            turnover=to_cents(Decimal(rng.randint(150_000, 3_000_000))),
            balance_sheet=to_cents(Decimal(rng.randint(100_000, 2_000_000))),
        )

    def consortium_pool(self, region: str, size: int, members: list, memberships: list, companies: list) -> list:
        """`size` consortia of 3 to 8 companies of the region; about one in eight shares a member with another."""
        rng = self.rng
        first_year = self.years[0]
        pool, shared = [], set()
        for number in range(size):
            sector = rng.choice(REGION_SECTORS[region])
            established = self.founded(date(first_year - 15, 1, 1), date(first_year - 1, 9, 30))
            count = rng.randint(3, 8)
            chosen = [self.company(region, sector, MEMBER_SIZES, first_year - 16) for _ in range(count)]
            companies.extend(chosen)
            if number and (number == 1 or rng.random() < 0.12):
                # A company of another consortium of the region joins this one too (never a third).
                candidates = [m for m in rng.choice(pool).members if id(m) not in shared]
                if candidates:
                    chosen[-1] = rng.choice(candidates)
                    shared.add(id(chosen[-1]))
                    companies.pop()
            spanish, italian = SECTOR_WORDS[sector]
            if region.startswith("IT"):
                name = f"Consorzio {self.brand()} {rng.choice(italian)} Export"
            else:
                name = f"Consorcio {self.brand()} {rng.choice(spanish)} {rng.choice(CITIES[region])}"
            consortium = Consortium(
                name=name,
                sector=sector,
                established_on=established,
                # Four in five have their first joint action on record, three months after the establishment.
                **(
                    {
                        "has_joint_actions": True,
                        "first_joint_action_on": established + timedelta(days=90),
                        "first_joint_action": "Joint stand at a trade fair",
                    }
                    if rng.random() < 0.8
                    else {"has_joint_actions": False}
                ),
                description="Companies of one sector that promote themselves abroad together.",
                target_markets=", ".join(rng.sample(MARKETS, 3)),
                lead=chosen[0],
            )
            consortium.members = chosen
            pool.append(consortium)
            for company in chosen:
                joined = established + timedelta(days=rng.randint(0, 60))
                memberships.append((consortium, company, joined))
        members.extend(pool)
        return pool

    # --- one application ------------------------------------------------------------------------

    def moment(self, low: datetime, high: datetime) -> datetime:
        seconds = max((high - low).total_seconds(), 60)
        return (low + timedelta(seconds=self.rng.uniform(0, seconds))).replace(microsecond=0)

    def timeline(self, status: str, opens: datetime, closes: datetime) -> tuple[datetime, list]:
        """When the application was created and each move after it: [(status, at), ...]."""
        rng, day = self.rng, timedelta(days=1)
        latest = min(closes, self.now - timedelta(hours=2))
        if status == Status.DRAFT:
            return self.moment(opens, latest), []
        submitted = self.moment(opens + timedelta(hours=1), latest)
        created = max(opens, submitted - timedelta(hours=rng.uniform(1, 360))).replace(microsecond=0)
        steps = [(Status.SUBMITTED, submitted)]
        at = submitted
        if status == Status.WITHDRAWN and rng.random() < 0.5:
            steps.append((Status.WITHDRAWN, at + day * rng.uniform(1, 20)))
        elif status != Status.SUBMITTED:
            # Review starts once the call has closed; on a call still open, soon after submission.
            at = (max(submitted, closes) if closes < self.now else submitted) + day * rng.uniform(1, 15)
            steps.append((Status.UNDER_REVIEW, at))
            decided = status in (Status.APPROVED, Status.RESERVE, Status.REJECTED, Status.CLOSED)
            if status == Status.CLARIFICATION_REQUESTED or (decided and rng.random() < 0.2):
                at += day * rng.uniform(2, 12)
                steps.append((Status.CLARIFICATION_REQUESTED, at))
                if status != Status.CLARIFICATION_REQUESTED:
                    at += day * rng.uniform(3, 10)
                    steps.append((Status.UNDER_REVIEW, at))
            if status == Status.WITHDRAWN:
                steps.append((Status.WITHDRAWN, at + day * rng.uniform(1, 20)))
            elif decided:
                at += day * rng.uniform(10, 60)
                steps.append((Status.APPROVED if status == Status.CLOSED else status, at))
                if status == Status.CLOSED:
                    steps.append((Status.CLOSED, at + day * rng.uniform(200, 330)))
        # A move that would fall in the future happens instead between the one before and now.
        ceiling, previous, kept = self.now - timedelta(hours=1), submitted, []
        for step, at in steps:
            if at > ceiling:
                at = previous + (ceiling - previous) * rng.uniform(0.3, 0.9)
            kept.append((step, at.replace(microsecond=0)))
            previous = at
        return created, kept

    def plan_call(self, call, programme, row, categories, pool, count) -> Decimal:
        """Build the call's applications (kept in self.pending); returns the money committed."""
        rng = self.rng
        shape = SHAPES[row["slug"]]
        spec = row["calls"][0]
        rules = [(code, params) for code, params in spec.get("rules", [])]
        declarations = [d for c, p in rules if c == "declarations" for d in p["choices"].split(",")]
        zone = programme.agency.tzinfo
        mix = status_mix((self.now - call.closes_at).total_seconds() / 86400)
        statuses = [status for status, n in apportion(count, mix).items() for _ in range(n)]
        rng.shuffle(statuses)
        applicants = rng.sample(pool, count)
        weights = {code: (3 if i == 0 else 1) for i, code in enumerate(categories)}
        if programme.kind == Programme.Kind.PIMEX:
            # Training and tutorials are given by the agency; the company's costs are its actions.
            weights = {"promotion-actions": 5, "consultancy": 1}
        committed = ZERO
        planned = []
        for status, applicant in zip(statuses, applicants, strict=True):
            is_consortium = isinstance(applicant, Consortium)
            if status in (Status.APPROVED, Status.CLOSED, Status.RESERVE) and getattr(applicant, "size", "") == "large":
                status = Status.REJECTED  # the programme is for SMEs only
            created, steps = self.timeline(status, call.opens_at, call.closes_at)
            eligible = to_cents(Decimal(rng.uniform(*shape.costs)))
            parts = split_amount(
                amount=eligible, weights=[Decimal(rng.randint(2, 9)) for _ in range(rng.randint(2, 5))]
            )
            codes = rng.choices(list(weights), weights=list(weights.values()), k=len(parts))
            markets = rng.sample(MARKETS, rng.randint(1, 3))
            lines = [
                (categories[code].pk, f"{categories[code].name}: {LINE_NOTES[n]}, {rng.choice(markets)}", amount)
                for n, (code, amount) in enumerate(zip(codes, parts, strict=True))
            ]
            submitted_at = steps[0][1] if steps else None
            max_grant = granted = None
            stage = None
            awards = []
            if submitted_at:
                stage = consortium_stage(applicant, submitted_at.astimezone(zone).date()) if is_consortium else None
                max_grant = max_grant_for(rules, eligible, stage)
            if status in (Status.APPROVED, Status.CLOSED):
                granted = to_cents(max_grant * Decimal(rng.choice(["1", "1", "1", "0.95", "0.9", "0.8"])))
                decided_on = next(t for s, t in steps if s == Status.APPROVED).astimezone(zone).date()
                awards = self.aid_shares(applicant, granted, programme) if granted > 0 else None
                if awards is None:
                    # Nothing left to grant (de minimis ceiling or no grant): the application waits in reserve.
                    status, granted = Status.RESERVE, None
                    cut = next(i for i, (s, _t) in enumerate(steps) if s == Status.APPROVED)
                    steps = [*steps[:cut], (Status.RESERVE, steps[cut][1])]
                    awards = []
                else:
                    for organisation_id, amount in awards:
                        self.aid_used[organisation_id] += amount
                    awards = [(organisation_id, amount, decided_on) for organisation_id, amount in awards]
                    committed += granted
            due = None
            if status == Status.CLARIFICATION_REQUESTED:
                due = (steps[-1][1] + timedelta(days=10)).astimezone(zone).date()
            application = Application(
                call=call,
                consortium=applicant if is_consortium else None,
                organisation=None if is_consortium else applicant,
                status=status,
                title=rng.choice(ACTIONS).format(m=markets[0]),
                summary="Promotion abroad: " + ", ".join(sorted({line[1] for line in lines})) + ".",
                target_markets=", ".join(markets),
                declarations=declarations if submitted_at else declarations[:1],
                submitted_at=submitted_at,
                eligible_costs=eligible if submitted_at else None,
                max_grant=max_grant,
                granted_amount=granted,
                # The decision's frozen facts (applications.decision_facts): its stage and rate.
                decided_stage=(stage or "") if granted is not None else "",
                decided_rate=rate_of(rules) if granted is not None else None,
                clarification_due_on=due,
                # Volume decisions are generated without reviews: each says so, as an approval against them would.
                decision_override_reason=VOLUME_DECISION if granted is not None else "",
            )
            planned.append((application, (created, steps, lines, awards)))
            self.statuses[status] += 1
        # References in the order of submission: PREFIX-YEAR-NNNN, gapless.
        submitted = sorted((a for a, _ in planned if a.submitted_at), key=lambda a: (a.submitted_at, id(a)))
        for number, application in enumerate(submitted, start=1):
            application.reference = f"{call.reference_prefix}-{call.year}-{number:04d}"
        call.last_reference_number = len(submitted)
        self.pending.extend(planned)
        return committed

    def aid_shares(self, applicant, amount: Decimal, programme) -> list | None:
        """Who receives how much of a grant, or None when a share would pass the de minimis ceiling."""
        if isinstance(applicant, Consortium):
            members = sorted(applicant.members, key=lambda o: (o.legal_name, o.pk))
            parts = split_amount(amount=amount, weights=[Decimal(1)] * len(members))
            shares = [(member.pk, part) for member, part in zip(members, parts, strict=True)]
        else:
            shares = [(applicant.pk, amount)]
        # Every grant of the run counts: a stricter test than the rolling three years.
        de_minimis = programme.legal_basis == AidAward.LegalBasis.DE_MINIMIS
        if de_minimis and any(self.aid_used[pk] + part > self.ceiling for pk, part in shares):
            return None
        return shares

    # --- writing ------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the calls and applications planned so far, then their lines, moves and aid."""
        if self.pending_calls:
            Call.objects.bulk_create(self.pending_calls, batch_size=self.batch_size)
            self.pending_calls = []
        if not self.pending:
            return
        applications = Application.objects.bulk_create([a for a, _ in self.pending], batch_size=self.batch_size)
        lines, changes, awards = [], [], []
        for application, (_a, (created, steps, planned_lines, planned_awards)) in zip(
            applications, self.pending, strict=True
        ):
            pk = application.pk
            lines.extend(
                BudgetLine(application_id=pk, category_id=category_id, description=text, amount=amount, position=n)
                for n, (category_id, text, amount) in enumerate(planned_lines, start=1)
            )
            changes.append(StatusChange(application_id=pk, from_status="", to_status=Status.DRAFT, changed_at=created))
            previous = Status.DRAFT
            for status, at in steps:
                changes.append(StatusChange(application_id=pk, from_status=previous, to_status=status, changed_at=at))
                previous = status
            programme = application.call.programme
            awards.extend(
                AidAward(
                    organisation_id=organisation_id,
                    programme=programme,
                    application_id=pk,
                    amount=amount,
                    awarded_on=awarded_on,
                    legal_basis=programme.legal_basis,
                )
                for organisation_id, amount, awarded_on in planned_awards
            )
        BudgetLine.objects.bulk_create(lines, batch_size=self.batch_size)
        StatusChange.objects.bulk_create(changes, batch_size=self.batch_size)
        AidAward.objects.bulk_create(awards, batch_size=self.batch_size)
        self.counts.update(
            applications=len(applications), budget_lines=len(lines), status_changes=len(changes), aid_awards=len(awards)
        )
        self.pending = []
        self.log(f"  {self.counts['applications']:,} applications written")

    def run(self) -> dict:
        agencies = self.agencies()
        programmes = self.programmes(agencies)
        batch = self.next_batch(programmes)
        taken = set(
            Organisation.objects.filter(country__in=["ES", "IT", "PT"]).values_list("country", "tax_id").iterator()
        )
        self.tax_ids = TaxIds(self.rng, taken)
        per_programme = apportion(self.total, {p.slug: SHAPES[row["slug"]].share for p, row, _ in programmes})

        # How many applications each call gets, and how many applicants each programme needs.
        plans = []
        for index, (programme, row, categories) in enumerate(programmes):
            shape = SHAPES[row["slug"]]
            per_year = max(1, math.ceil(self.total / (len(programmes) * YEARS * CALL_TARGET)))
            windows = self.call_windows(programme, row, shape, index, per_year)
            jitter = {n: self.rng.uniform(0.7, 1.3) for n in range(len(windows))}
            counts = apportion(per_programme[programme.slug], jitter)
            plans.append((programme, row, categories, per_year, windows, counts))

        # Applicants: consortia (of companies of the agency's region), companies, associations.
        organisations, consortia, memberships, companies_by_region = [], [], [], defaultdict(list)
        pools = {}
        for programme, _r, _c, _p, _w, counts in sorted(plans, key=lambda p: p[0].kind == Programme.Kind.PIMEX):
            size = math.ceil(max(counts.values(), default=0) * 1.2) + 2
            region = programme.agency.region
            if programme.applicant_type == Programme.ApplicantType.CONSORTIUM:
                pools[programme.pk] = self.consortium_pool(
                    region, size, consortia, memberships, companies_by_region[region]
                )
            elif programme.applicant_type == Programme.ApplicantType.COMPANY:
                # Some members of the region's consortia also apply on their own.
                members = companies_by_region[region]
                reused = self.rng.sample(members, min(len(members), size // 6))
                # One in twenty is large (and refused: the programme is for SMEs); at least one always is.
                fresh = [
                    self.company(region, self.rng.choice(REGION_SECTORS[region]), sizes, self.years[0] - 1)
                    for sizes in [{"large": 1}] + [PIMEX_SIZES] * (size - len(reused) - 1)
                ]
                organisations.extend(fresh)
                pools[programme.pk] = reused + fresh
            else:
                fresh = [self.association(region) for _ in range(size)]
                organisations.extend(fresh)
                pools[programme.pk] = fresh
        for region_companies in companies_by_region.values():
            organisations.extend(region_companies)
        Organisation.objects.bulk_create(organisations, batch_size=self.batch_size)
        Consortium.objects.bulk_create(consortia, batch_size=self.batch_size)
        Membership.objects.bulk_create(
            (
                Membership(consortium=c, organisation=o, status=Membership.Status.ACTIVE, joined_on=joined)
                for c, o, joined in memberships
            ),
            batch_size=self.batch_size,
        )
        self.counts.update(organisations=len(organisations), consortia=len(consortia), memberships=len(memberships))
        self.log(f"  {len(organisations):,} organisations and {len(consortia):,} consortia written")

        # Calls and their applications, written in batches.
        calls = []
        for programme, row, categories, per_year, windows, counts in plans:
            per_year_number = Counter()
            for window_index, (year, opens, closes) in enumerate(windows):
                number = per_year_number[year]
                per_year_number[year] += 1
                call = self.new_call(programme, row, year, opens, closes, number, per_year, batch)
                committed = self.plan_call(call, programme, row, categories, pools[programme.pk], counts[window_index])
                # The budget is a round figure the grants fit in, never below the seed's.
                fill = Decimal(str(round(self.rng.uniform(0.82, 0.97), 2)))
                needed = Decimal(math.ceil(committed / fill / 1000) * 1000)
                call.budget = to_cents(max(call.budget, needed))
                if committed > call.budget:
                    raise RuntimeError(f"{call.title}: {committed} granted over a budget of {call.budget}")
                self.pending_calls.append(call)
                calls.append((call, row))
                if len(self.pending) >= self.batch_size:
                    self.flush()
        self.flush()
        self.call_extras(calls, programmes)
        self.counts["calls"] = len(calls)

        # Creation and last-change times from the status history (bulk inserts stamp "now").
        changes = StatusChange.objects.filter(application=OuterRef("pk"))
        Application.objects.filter(call__in=[c for c, _ in calls]).update(
            created_at=Subquery(changes.order_by("changed_at", "pk").values("changed_at")[:1]),
            updated_at=Subquery(changes.order_by("-changed_at", "-pk").values("changed_at")[:1]),
        )
        self.counts.update(agencies=len(agencies), programmes=len(programmes), batch=batch)
        return dict(self.counts, statuses=dict(self.statuses), years=self.years)

    def call_extras(self, calls, programmes) -> None:
        """The rules and review criteria of each new call, as the demo configures them."""
        categories = {p.pk: c for p, _r, c in programmes}
        rules, criteria = [], []
        for call, row in calls:
            spec = row["calls"][0]
            for position, code, params in demo_data.rule_positions(spec.get("rules", [])):
                if "category" in params:
                    params["category"] = categories[call.programme_id][params["category"]]
                rules.append(CallRule(call=call, position=position, code=code, **params))
            criteria.extend(
                ReviewCriterion(
                    call=call,
                    position=position,
                    name=name,
                    description=description,
                    weight=Decimal(weight),
                    max_score=maximum,
                    min_score=minimum,
                )
                for position, (name, description, weight, maximum, minimum) in enumerate(demo_data.CRITERIA, start=1)
            )
        CallRule.objects.bulk_create(rules, batch_size=self.batch_size)
        ReviewCriterion.objects.bulk_create(criteria, batch_size=self.batch_size)


def volume_generate(
    *, applications: int, seed: int = 2026, now: datetime | None = None, batch_size: int = 5000, log=None
) -> dict:
    """Create volume data with `applications` applications; returns what was created and the seconds taken.

    Deterministic for a seed, a day and a database state. Runs in one transaction. Refused
    under production settings. `log` receives progress lines (default: none).
    """
    if getattr(settings, "PORTAL_ENVIRONMENT", "") == "production":
        raise VolumeRefused("Volume data is refused under production settings: it invents organisations and grants.")
    if applications < 1:
        raise ValueError("Ask for at least one application.")
    started = time.perf_counter()
    generator = Generator(
        applications=applications,
        seed=seed,
        now=now or timezone.now(),
        batch_size=batch_size,
        log=log or (lambda line: None),
    )
    with transaction.atomic():
        result = generator.run()
        # The dashboard's cached figures are stale once this commits.
        counted_data_changed()
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner knows the tables grew.
        tables = [m._meta.db_table for m in (Organisation, Consortium, Membership, Call, Application)]
        tables += [m._meta.db_table for m in (BudgetLine, StatusChange, AidAward)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result

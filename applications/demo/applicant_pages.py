"""The applicant's pages on volume data: their queries and how PostgreSQL plans them.

Volume data (applications.demo.volume) has organisations but nobody acting for them.
`volume_representatives()` gives every organisation without one an active representative, so the
representations table grows with the portal as it does in use. `volume_applicant()` then picks a
representative applicant: one person acting for the lead of a consortium with a draft application,
for a member of another consortium, and for a company with a draft application of its own.

`applicant_pages()` lists the pages such a person opens (home, application detail, every edit step,
the receipt, the organisation and consortium pages); `page_plans()` requests each one, captures its
queries and EXPLAINs them, so a test (and anyone measuring) sees which ones scan a whole table.
"""

import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.models import Application, Status
from consortia.models import Consortium, Membership, Organisation, Representation
from portal.models import User

APPLICANT_EMAIL = "applicant@volume.example"
HOST = "127.0.0.1"

# The tables that grow with the portal: reading them whole is what makes a page slower as it grows.
GROWING_TABLES = (
    Application._meta.db_table,
    Membership._meta.db_table,
    "applications_budgetline",
    Representation._meta.db_table,
)


def volume_representatives(*, batch_size: int = 5000) -> int:
    """One active representative (a user without a usable password) for every organisation that has none."""
    alone = Organisation.objects.exclude(
        Exists(Representation.objects.filter(organisation=OuterRef("pk"), status=Representation.Status.ACTIVE))
    ).values_list("pk", flat=True)
    ids = list(alone)
    users = [User(email=f"representative-{pk}@volume.example", full_name=f"Representative {pk}") for pk in ids]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=batch_size)
    Representation.objects.bulk_create(
        (
            Representation(user=user, organisation_id=pk, status=Representation.Status.ACTIVE)
            for user, pk in zip(users, ids, strict=True)
        ),
        batch_size=batch_size,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {User._meta.db_table}, {Representation._meta.db_table}")
    return len(ids)


@dataclass
class Applicant:
    user: User
    organisation: Organisation  # a company with a draft application of its own
    consortium: Consortium  # led by one of the user's organisations, with a draft application
    draft: Application  # the consortium's draft
    own_draft: Application  # the company's draft
    other: Application  # an application the user sees as a member only


def volume_applicant() -> Applicant:
    """The representative applicant (created on the first call): acts for three organisations of the volume data."""
    drafts = Application.objects.filter(status=Status.DRAFT).order_by("pk")
    draft = drafts.filter(consortium__isnull=False).select_related("consortium").first()
    own_draft = drafts.filter(organisation__isnull=False).select_related("organisation").first()
    # An application of another consortium, seen through an active membership only.
    other = (
        Application.objects.filter(consortium__isnull=False)
        .exclude(consortium=draft.consortium)
        .exclude(consortium__memberships__organisation=draft.consortium.lead_id)
        .order_by("pk")
        .first()
    )
    member = (
        Membership.objects.filter(consortium=other.consortium_id, status=Membership.Status.ACTIVE)
        .exclude(organisation=other.consortium.lead_id)
        .order_by("pk")
        .first()
    )
    user = User.objects.filter(email=APPLICANT_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=APPLICANT_EMAIL, full_name="Volume Applicant")
        for organisation_id in sorted({draft.consortium.lead_id, member.organisation_id, own_draft.organisation_id}):
            Representation.objects.create(
                user=user, organisation_id=organisation_id, status=Representation.Status.ACTIVE
            )
    return Applicant(
        user=user,
        organisation=own_draft.organisation,
        consortium=draft.consortium,
        draft=draft,
        own_draft=own_draft,
        other=other,
    )


def applicant_pages(applicant: Applicant) -> list[tuple[str, str]]:
    """(label, address) of each page the applicant opens."""
    with translation.override("en"):
        pages = [
            ("home", reverse("my_portal")),
            ("detail, consortium draft", reverse("applications:detail", args=[applicant.draft.pk])),
            ("detail, as a member", reverse("applications:detail", args=[applicant.other.pk])),
            ("detail, own draft", reverse("applications:detail", args=[applicant.own_draft.pk])),
        ]
        for step in ("project", "questions", "budget", "documents", "declarations", "review"):
            pages.append(
                (f"edit, {step}", reverse("applications:edit", kwargs={"pk": applicant.own_draft.pk, "step": step}))
            )
        pages += [
            (
                "edit, consortium budget",
                reverse("applications:edit", kwargs={"pk": applicant.draft.pk, "step": "budget"}),
            ),
            ("receipt", reverse("applications:receipt", args=[applicant.other.pk])),
            ("organisation", reverse("consortia:organisation", args=[applicant.organisation.pk])),
            ("consortium", reverse("consortia:consortium", args=[applicant.consortium.pk])),
        ]
    return pages


@dataclass
class PagePlan:
    label: str
    url: str
    status: int
    queries: list[str]
    plans: list[dict] = field(default_factory=list)

    def scans(self, tables=GROWING_TABLES) -> list[tuple[str, str]]:
        """(table, query) for every sequential scan of one of these tables."""
        found = []
        for sql, plan in zip(self.queries, self.plans, strict=True):
            found += [(table, sql) for table in _seq_scanned(plan) if table in tables]
        return found


def _seq_scanned(node) -> list[str]:
    tables = [node["Relation Name"]] if node.get("Node Type") == "Seq Scan" else []
    for child in node.get("Plans", []):
        tables += _seq_scanned(child)
    return tables


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def explain(sql: str, *, analyze: bool = False) -> dict:
    """The plan of one captured query (its parameters already inlined by the capture)."""
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        result = cursor.fetchone()[0]
    result = json.loads(result) if isinstance(result, str) else result
    return result[0]


def page_plans(applicant: Applicant, *, client: Client | None = None) -> list[PagePlan]:
    """Request each page as the applicant; each page's queries (reads only) with their plans."""
    if client is None:
        client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(applicant.user)
    results = []
    for label, url in applicant_pages(applicant):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = [q["sql"] for q in captured.captured_queries if _is_read(q["sql"])]
        page = PagePlan(label=label, url=url, status=response.status_code, queries=queries)
        page.plans = [explain(sql)["Plan"] for sql in queries]
        results.append(page)
    return results


def page_timings(applicant: Applicant, label: str = "home", *, runs: int = 5) -> list[tuple[str, float, list[str]]]:
    """EXPLAIN ANALYZE each read of one page `runs` times: (query's first table, median ms, tables read whole)."""
    page = next(p for p in page_plans(applicant) if p.label == label)
    rows = []
    for sql, plan in zip(page.queries, page.plans, strict=True):
        times = sorted(explain(sql, analyze=True)["Execution Time"] for _ in range(runs))
        table = sql.split(" FROM ", 1)[1].split()[0].strip('"')
        rows.append((table, times[len(times) // 2], _seq_scanned(plan)))
    return rows

"""The applicant's pages cost the same however large the portal grows.

On volume data, every page a representative applicant opens (home, application detail, each edit
step, the receipt, the organisation and consortium pages) reads the tables that grow with the
portal (applications, memberships, budget lines, representations) through indexes, never whole,
and runs as many queries on a small portal as on one sixteen times larger.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.demo.applicant_pages import (
    GROWING_TABLES,
    applicant_pages,
    page_plans,
    volume_applicant,
    volume_representatives,
)
from applications.demo.volume import volume_generate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SMALL = 200
# Large enough that PostgreSQL prefers an index to reading a table whole, wherever one serves.
LARGE = 3000

# Queries per page, the same on both portals: with the session's and the user's, and the savepoint
# and its release of the request's transaction. The edit steps read the documents the call asks for
# (one query: the documents step lists them, the rules panel checks the required ones), and the
# call's rules (one query: the panel evaluates them, the task list reads the declarations rule).
QUERIES = {
    "home": 10,
    "detail, consortium draft": 11,
    "detail, as a member": 11,
    "detail, own draft": 11,
    "edit, project": 13,
    "edit, questions": 13,
    "edit, budget": 15,
    "edit, documents": 13,
    "edit, declarations": 13,
    "edit, review": 13,
    "edit, consortium budget": 16,
    "receipt": 9,
    "organisation": 10,
    "consortium": 17,
}


def _query_counts(client, applicant) -> dict[str, int]:
    counts = {}
    for label, url in applicant_pages(applicant):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(captured)
    return counts


@pytest.fixture(scope="module")
def portal(django_db_setup, django_db_blocker):
    """A small portal, its applicant's query counts, then the same portal grown sixteen times larger.

    Built once for the module inside a transaction rolled back at its end.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            volume_generate(applications=SMALL, seed=11)
            volume_representatives()
            applicant = volume_applicant()
            applicant.other.receipt.save("receipt.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
            client = Client()
            client.force_login(applicant.user)
            small_counts = _query_counts(client, applicant)
            volume_generate(applications=LARGE, seed=12)
            volume_representatives()
            yield applicant, client, small_counts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_the_applicant_opens_every_page(portal):
    applicant, _client, small_counts = portal

    assert {label for label, _url in applicant_pages(applicant)} == set(QUERIES) == set(small_counts)


def test_no_page_reads_a_growing_table_whole(portal):
    applicant, client, _counts = portal

    scans = [(page.label, table, sql) for page in page_plans(applicant, client=client) for table, sql in page.scans()]

    assert not scans, "\n\n".join(f"{label}: {table}\n{sql}" for label, table, sql in scans)
    assert set(GROWING_TABLES) >= {"applications_application", "consortia_membership", "applications_budgetline"}


@pytest.mark.parametrize("label", list(QUERIES))
def test_each_page_runs_as_many_queries_on_a_larger_portal(portal, label, django_assert_num_queries):
    applicant, client, small_counts = portal
    url = dict(applicant_pages(applicant))[label]

    with django_assert_num_queries(QUERIES[label]):
        response = client.get(url)

    assert response.status_code == 200
    assert small_counts[label] == QUERIES[label]

"""The named actors of the tests, shared by every app: who acts, in which agency, for which company.

Each fixture is built from the apps' factories (`<app>/tests/factories.py`); every person named
here has a verified address and logs in with `portal.tests.factories.PASSWORD` (through the login
page too, see `portal.tests.browser.log_in`). A test module that needs another shape defines a
fixture of the same name, which overrides this one (and may take it as an argument to adjust it).
The platform fixtures (browser, Celery worker, the resets after each test) are in portal/testing.py.

| fixture | who or what |
|---|---|
| agency, programme, call | Extremadura Avante (ES43, Europe/Madrid), its Export Consortiums programme, an open call |
| other_agency | SODERCAN (ES13): the agency whose objects the first one's staff must not reach |
| company, applicant | Conservas del Guadiana SL (ES43), and Lucía, verified, who represents it |
| consortium, member | the consortium the company leads, and Pedro, who represents another active member |
| outsider | a verified user with no organisation |
| staff, manager | Agency staff and a Programme manager of `agency` |
| other_staff | Agency staff of `other_agency` |
| superuser | an administrator of every agency |
"""

import pytest
from django.core.cache import cache

from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory, representative
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER
from portal.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

# --- agencies and what they offer ---------------------------------------------------------------


@pytest.fixture
def agency(db):
    """Extremadura Avante: the agency most tests act in (NUTS ES43, Europe/Madrid)."""
    return AgencyFactory(name="Extremadura Avante", region="ES43", timezone="Europe/Madrid")


@pytest.fixture
def programme(agency):
    """The agency's Export Consortiums programme (seed 000): consortia apply."""
    return ProgrammeFactory(agency=agency, name="Export Consortiums")


@pytest.fixture
def call(programme):
    """An open call of the programme: opened 30 days ago, closes in 30, budget 58,000 EUR."""
    return CallFactory(programme=programme)


@pytest.fixture
def other_agency(db):
    """SODERCAN (Cantabria, ES13): another agency, out of reach of `agency`'s staff."""
    return AgencyFactory(name="SODERCAN", short_name="SODERCAN", region="ES13", timezone="Europe/Madrid")


# --- who applies --------------------------------------------------------------------------------


@pytest.fixture
def company(db):
    """An SME of Extremadura: Conservas del Guadiana SL (the applicant's company)."""
    return OrganisationFactory(legal_name="Conservas del Guadiana SL")


@pytest.fixture
def applicant(company):
    """Lucía (lucia@example.org), verified, who represents `company`."""
    return representative(company, "lucia@example.org", verified=True)


@pytest.fixture
def consortium(company):
    """The applicant's consortium: `company` leads it and is an active member."""
    consortium = ConsortiumFactory(name="Sabores de Extremadura", lead=company)
    MembershipFactory(consortium=consortium, organisation=company)
    return consortium


@pytest.fixture
def member(consortium):
    """Pedro (pedro@example.org), verified, who represents another active member of the applicant's consortium."""
    organisation = OrganisationFactory(legal_name="Quesos de la Serena SL")
    MembershipFactory(consortium=consortium, organisation=organisation)
    return representative(organisation, "pedro@example.org", verified=True)


@pytest.fixture
def outsider(db):
    """A verified user (outsider@example.org) who represents no organisation."""
    return UserFactory(email="outsider@example.org", verified=True)


# --- who reviews and administers ----------------------------------------------------------------


@pytest.fixture
def staff(agency):
    """Javier, Agency staff of `agency`."""
    return StaffFactory(agency=agency, email="javier@agency.example", verified=True)


@pytest.fixture
def manager(agency):
    """Marta, Programme manager of `agency`."""
    return StaffFactory(agency=agency, email="marta@agency.example", role=PROGRAMME_MANAGER, verified=True)


@pytest.fixture
def other_staff(other_agency):
    """Ana, Agency staff of `other_agency`."""
    return StaffFactory(agency=other_agency, email="ana@sodercan.example", verified=True)


@pytest.fixture
def staff_of(db):
    """Makes more staff: `staff_of(agency, role=AGENCY_STAFF, **user_fields)` returns a new user.

    The e-mail address is made up unless given (`email=`); pass `verified=True` to log in through the page.
    """

    def make(agency, role=AGENCY_STAFF, **user_fields):
        return StaffFactory(agency=agency, role=role, **user_fields)

    return make


@pytest.fixture
def superuser(db):
    """An administrator (root@example.org) who sees every agency."""
    return SuperuserFactory(email="root@example.org", verified=True)


@pytest.fixture
def superuser_client(client, superuser):
    """The test client logged in as `superuser`."""
    client.force_login(superuser)
    return client


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def fresh_rate_limits():
    """An empty cache before and after the test: allauth counts attempts (and keeps used codes) there.

    Modules of account tests use it with `pytest.mark.usefixtures("fresh_rate_limits")`.
    """
    cache.clear()
    yield
    cache.clear()

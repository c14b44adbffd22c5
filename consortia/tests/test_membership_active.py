"""A membership active on a day: the row's answer and the filter's are one rule."""

from datetime import date, timedelta
from itertools import product

import pytest
from django.db import IntegrityError, transaction

from consortia.models import Membership
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory

DAY = date(2026, 3, 15)
AROUND = [None, DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)]


@pytest.mark.django_db
def test_the_row_and_the_filter_agree_on_every_status_and_date_around_the_day():
    consortium = ConsortiumFactory()
    rows = []
    for status, joined_on, left_on in product(Membership.Status.values, AROUND, AROUND):
        try:
            with transaction.atomic():
                rows.append(
                    Membership.objects.create(
                        consortium=consortium,
                        organisation=OrganisationFactory(),
                        status=status,
                        joined_on=joined_on,
                        left_on=left_on,
                    )
                )
        except IntegrityError:
            continue  # not a membership the database accepts
    for day in AROUND[1:]:
        by_filter = set(Membership.objects.filter(Membership.active_on_filter(day)).values_list("pk", flat=True))
        by_row = {membership.pk for membership in rows if membership.is_active_on(day)}
        assert by_filter == by_row, day
    assert by_row, "some memberships are active"


@pytest.mark.django_db
def test_the_filter_follows_a_relation():
    membership = Membership.objects.create(
        consortium=ConsortiumFactory(),
        organisation=OrganisationFactory(),
        status=Membership.Status.ACTIVE,
        joined_on=DAY,
    )
    organisations = membership.organisation._meta.model.objects.filter(
        Membership.active_on_filter(DAY, prefix="memberships__")
    )
    assert list(organisations) == [membership.organisation]

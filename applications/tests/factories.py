from decimal import Decimal

import factory

from applications.models import Application, BudgetLine
from consortia.tests.factories import ConsortiumFactory
from programmes.tests.factories import CallFactory, CostCategoryFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application of a consortium (pass organisation=..., consortium=None for a company)."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    consortium = factory.SubFactory(ConsortiumFactory)
    organisation = None
    title = factory.Sequence(lambda n: f"Promotion project {n}")
    status = Application.Status.DRAFT


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    category = factory.LazyAttribute(lambda o: CostCategoryFactory(programme=o.application.call.programme))
    description = "Trade fair stand"
    amount = Decimal("2500.00")

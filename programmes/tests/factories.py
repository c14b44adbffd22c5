from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from programmes.models import Agency, Call, CostCategory, Programme, Question, QuestionChoice


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Regional Agency {n}")
    short_name = factory.Sequence(lambda n: f"RA{n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    country = "ES"
    region = "ES43"
    timezone = "Europe/Madrid"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    agency = factory.SubFactory(AgencyFactory)
    kind = Programme.Kind.EXPORT_CONSORTIA
    applicant_type = Programme.ApplicantType.CONSORTIUM
    # Agency texts are written in their English column (portal.translated); name= sets the active language.
    name_en = factory.Sequence(lambda n: f"Export Consortiums {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary_en = "Support for consortia of SMEs that promote themselves abroad together."


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    title_en = factory.Sequence(lambda n: f"Call {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    reference_prefix = "EXP"
    year = factory.LazyFunction(lambda: timezone.now().year)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    budget = Decimal("58000.00")


class CostCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostCategory

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Cost category {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"question-{n}")
    kind = Question.Kind.SHORT_TEXT
    label_en = factory.Sequence(lambda n: f"Question {n}")


class QuestionChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionChoice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE_CHOICE)
    code = factory.Sequence(lambda n: f"choice-{n}")
    label_en = factory.Sequence(lambda n: f"Choice {n}")

"""Test data of the portal: people with an account, and agency staff with a role.

Every user made here can log in with PASSWORD. The named actors built from these factories
(applicant, staff, manager, superuser...) are the fixtures of the root conftest.py.
"""

import factory
from allauth.account.models import EmailAddress

from portal.models import User
from portal.roles import AGENCY_STAFF, ensure_groups

PASSWORD = "plover-tangerine-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A person with an account (no role, no organisation), made like sign-up does: e-mail in lower case.

    `verified=True` also records the address as verified, as after following the e-mail's link
    (allauth lets only such users log in through the login page).
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


class StaffFactory(UserFactory):
    """Agency staff: `is_staff`, their agency (pass `agency=`), and a role group (portal.roles).

    The role is AGENCY_STAFF unless `role=PROGRAMME_MANAGER`. Staff with permissions of their own
    and no group are `UserFactory(is_staff=True, agency=...)`.
    """

    email = factory.Sequence(lambda n: f"staff{n}@agency.example")
    is_staff = True
    agency = None

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            user.groups.set([ensure_groups()[extracted or AGENCY_STAFF]])


class SuperuserFactory(UserFactory):
    """An administrator of the whole portal (every agency)."""

    email = factory.Sequence(lambda n: f"root{n}@example.org")
    is_staff = True
    is_superuser = True

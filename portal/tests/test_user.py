import pytest
from django.db import IntegrityError, transaction

from portal.models import User


@pytest.mark.django_db
def test_a_user_logs_in_with_an_email_address_in_any_case(client):
    User.objects.create_user("Lucia@Example.org", password="a-long-password-1")

    assert client.login(email="lucia@example.org", password="a-long-password-1")
    client.logout()
    assert client.login(email="LUCIA@example.ORG", password="a-long-password-1")


@pytest.mark.django_db
def test_two_users_cannot_share_an_email_address_whatever_the_case():
    User.objects.create_user("ana@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="ANA@example.org")


@pytest.mark.django_db
def test_a_superuser_is_staff():
    admin = User.objects.create_superuser("root@example.org", password="a-long-password-1")

    assert admin.is_staff and admin.is_superuser
    assert str(admin) == "root@example.org"

"""Subscribers hear about a programme's new call once, in their language."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification, User
from programmes.models import CallOpeningNotice, ProgrammeSubscription
from programmes.subscriptions import announce_open_calls
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lucia(client):
    user = User.objects.create_user("lucia@example.org", language="es")
    client.force_login(user)
    return user


def test_a_user_subscribes_and_unsubscribes_from_the_programme_page(client, lucia):
    programme = ProgrammeFactory()
    url = reverse("programmes:subscribe", args=[programme.slug])

    client.post(url)
    assert ProgrammeSubscription.objects.filter(user=lucia, programme=programme).exists()
    assert "Stop e-mails about new calls" in client.get(programme.get_absolute_url()).content.decode()

    client.post(url)
    assert not ProgrammeSubscription.objects.exists()


def test_subscribing_needs_a_login(client):
    programme = ProgrammeFactory()

    response = client.post(reverse("programmes:subscribe", args=[programme.slug]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_subscribers_are_told_once_when_a_call_opens(lucia, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(name="PIMEX")
    ProgrammeSubscription.objects.create(user=lucia, programme=programme)
    other = ProgrammeFactory()
    ProgrammeSubscription.objects.create(user=User.objects.create_user("ana@example.org"), programme=other)
    now = timezone.now()
    CallFactory(programme=programme, title="PIMEX 2026", opens_at=now - timedelta(hours=2))
    CallFactory(
        programme=programme, title="PIMEX 2027", opens_at=now + timedelta(days=30), closes_at=now + timedelta(days=90)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert announce_open_calls() == 1
        assert announce_open_calls() == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lucia@example.org"]
    assert "PIMEX 2026" in message.subject and "convocatoria" in message.subject.lower()


def test_an_old_call_is_not_announced_to_a_new_subscriber(lucia):
    programme = ProgrammeFactory()
    ProgrammeSubscription.objects.create(user=lucia, programme=programme)
    CallFactory(programme=programme, opens_at=timezone.now() - timedelta(days=40))

    assert announce_open_calls() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_announce_each_call_once():
    programme = ProgrammeFactory()
    for index in range(6):
        ProgrammeSubscription.objects.create(
            user=User.objects.create_user(f"s{index}@example.org"), programme=programme
        )
    CallFactory(programme=programme, opens_at=timezone.now() - timedelta(hours=1))
    counts = []

    def run():
        try:
            counts.append(announce_open_calls())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 6
    assert CallOpeningNotice.objects.count() == 6
    assert Notification.objects.filter(kind="call_opened").count() == 6

"""The version of the counted data: bumped once the write's transaction commits, never at the write's expense."""

import pytest
from django.db import transaction

from portal.figures import counted_data_bumped, counted_data_changed, counted_data_version
from portal.models import User


@pytest.mark.django_db
def test_the_version_moves_once_the_transaction_commits(django_capture_on_commit_callbacks):
    version = counted_data_version()

    with django_capture_on_commit_callbacks(execute=True):
        counted_data_changed()
        assert counted_data_version() == version  # not before the commit: others would cache the old data anew

    assert counted_data_version() > version


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_is_down_costs_the_write_nothing(settings, caplog):
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    after = []

    with transaction.atomic():
        user = User.objects.create_user("ana@example.org")
        counted_data_changed()
        transaction.on_commit(lambda: after.append("notification sent"))

    assert User.objects.filter(pk=user.pk).exists()
    assert after == ["notification sent"]  # the other after-commit work still runs
    assert "Error calling _bump in on_commit()" in caplog.text


@pytest.mark.django_db
def test_the_bump_says_so_and_a_receiver_that_fails_costs_nothing(django_capture_on_commit_callbacks, caplog):
    heard = []

    def broken(sender, version, **kwargs):
        raise RuntimeError("no broker")

    counted_data_bumped.connect(broken, dispatch_uid="test-broken")
    counted_data_bumped.connect(lambda sender, version, **kwargs: heard.append(version), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            counted_data_changed()
    finally:
        counted_data_bumped.disconnect(dispatch_uid="test-broken")
        counted_data_bumped.disconnect(dispatch_uid="t")

    assert heard == [counted_data_version()]
    assert "broken failed: RuntimeError('no broker')" in caplog.text

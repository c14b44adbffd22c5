import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.utils.functional import empty

from portal.settings.base import redis_cache


@pytest.mark.django_db
def test_health_reports_the_database_the_cache_and_the_static_files(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "static": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
@pytest.mark.django_db
def test_health_works_with_the_redis_cache(client, settings):
    settings.CACHES = redis_cache(settings.REDIS_URL)

    response = client.get("/health/")

    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_with_redis_down_the_portal_is_still_ready_and_says_the_cache_is_degraded(client, settings, own_redis):
    """A load balancer must not take every web process out because the cache is down: pages still work."""
    settings.CACHES = redis_cache(own_redis.url)
    own_redis.stop()

    ready = client.get("/health/ready/")

    assert ready.status_code == 200
    assert ready.json()["cache"] == "degraded"
    assert client.get("/health/").json() == ready.json()


def test_liveness_answers_without_the_database(client, settings):
    """The process answers: nothing else is asked (no database access is allowed in this test)."""
    response = client.get("/health/live/")

    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """Production's static storage, new (it has read no manifest yet), on an empty static root."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # The project's files are enough to write a manifest; the apps' (the admin's) only slow the test.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    return settings.STATIC_ROOT


def a_new_process():
    """The storage reads the manifest once, when first used: forget it, as a process that starts now."""
    staticfiles_storage._wrapped = empty


@pytest.mark.django_db
def test_health_answers_503_when_the_static_manifest_is_missing(client, manifest_storage):
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["static"] == "error"
    assert "staticfiles.json is missing" in body["reasons"]["static"]
    assert body["database"] == body["cache"] == "ok"


@pytest.mark.django_db
def test_health_answers_503_when_the_static_manifest_cannot_be_read(client, manifest_storage):
    (manifest_storage / "staticfiles.json").write_text("{truncated")

    response = client.get("/health/")

    assert response.status_code == 503
    assert "cannot be read" in response.json()["reasons"]["static"]


@pytest.mark.django_db
def test_health_answers_200_and_pages_name_hashed_files_once_collectstatic_has_run(client, manifest_storage):
    call_command("collectstatic", "--noinput", verbosity=0)
    a_new_process()

    response = client.get("/health/")
    home = client.get("/en/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "static": "ok"}
    assert home.status_code == 200
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/portal\.[0-9a-f]{12}\.css)">', home.text)
    assert stylesheet, "the home page does not link the hashed portal.css"
    assert (manifest_storage / stylesheet.group(1).removeprefix("/static/")).is_file()

import pytest


@pytest.mark.django_db
def test_health_reports_the_database_and_the_cache(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
@pytest.mark.django_db
def test_health_works_with_the_redis_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "portal-test-health",
        }
    }

    response = client.get("/health/")

    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_health_says_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["cache"] == "error"

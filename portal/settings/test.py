"""The test suite: fast hashing, e-mail kept in memory, files in a temporary folder."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker started by a fault test sends to that test's own SMTP server (portal.testing.worker_on).
if os.environ.get("PORTAL_TEST_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["PORTAL_TEST_SMTP_PORT"])
    EMAIL_TIMEOUT = 5
# A worker started by a test is given the test process's folders (portal.testing.worker_on).
MEDIA_ROOT = os.environ.get("PORTAL_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="portal-test-media-")
PORTAL_ENVIRONMENT = "test"

# Tests get a cache of their own; the Redis cache of a running portal is never cleared by them.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Unit tests run tasks eagerly; tests about the worker switch this off for
# themselves (portal.testing.celery_worker_process).
CELERY_TASK_ALWAYS_EAGER = True
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-test-static-")
PRIVATE_MEDIA_ROOT = os.environ.get("PORTAL_TEST_PRIVATE_MEDIA_ROOT") or tempfile.mkdtemp(prefix="portal-test-private-")

# Tests log staff into the admin with client.force_login(); the tests of the
# second factor turn it on with the `settings` fixture (portal/tests/test_two_factor.py).
ADMIN_REQUIRE_TWO_FACTOR = False

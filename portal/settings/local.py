"""A developer's machine and the demo: debug on, console e-mail."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Static files straight from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# The demo's staff reach the admin without setting up an authenticator app,
# unless DJANGO_DEMO_ADMIN_WITHOUT_2FA=false (README). Never in production:
# production.py forces the second factor on.
ADMIN_REQUIRE_TWO_FACTOR = not env.bool("DJANGO_DEMO_ADMIN_WITHOUT_2FA", default=True)

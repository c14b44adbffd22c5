# Italian deadlines read "22 dicembre 2026, 18:00" rather than Django's
# "Martedì 22 Dicembre 2026 18:00" with the weekday.
from django.conf.locale.it.formats import *  # noqa: F403

DATETIME_FORMAT = "j F Y, H:i"
DATE_FORMAT = "j F Y"

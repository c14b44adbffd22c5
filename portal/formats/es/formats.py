# Spanish public administration writes amounts as 2.000.000,00 € (BOE, grant
# resolutions); Django's default for "es" groups thousands with a space.
from django.conf.locale.es.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "."

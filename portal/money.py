"""Money: Decimal amounts, rounded half-up to cents in one place, shown with the euro sign."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.formats import number_format

CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    """Round an amount half-up to cents. Every computed amount passes through here."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_eur(value) -> str:
    """An amount with the euro sign, in the active language's number format."""
    if value is None:
        return "—"
    # A no-break space keeps the sign on the same line as the amount.
    return f"{number_format(to_cents(value), decimal_pos=2, force_grouping=True)}\xa0€"


class MoneyField(models.DecimalField):
    """EUR amount: up to 999,999,999,999.99 with cents."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # Migrations see a plain DecimalField, so they never depend on this module.
        return name, "django.db.models.DecimalField", args, kwargs

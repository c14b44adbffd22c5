"""Money: Decimal amounts, rounded half-up to cents in one place, shown with the euro sign."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

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


def split_amount(amount, weights) -> list[Decimal]:
    """Split an amount over parts, in cents, so that the parts add up exactly.

    `weights` has one entry per part: percentages that sum to 100, or None for
    equal parts (if any entry is None, all parts are equal). Parts are rounded
    down to the cent and the last part takes the remainder, so none is negative.
    """
    amount = to_cents(amount)
    count = len(weights)
    if count == 0:
        return []
    if all(w is not None for w in weights):
        total = sum(Decimal(w) for w in weights)
        if total != 100:
            raise ValueError(f"Shares must add up to 100, not {total}.")
        parts = [_cents_down(amount * Decimal(w) / 100) for w in weights[:-1]]
    else:
        parts = [_cents_down(amount / count)] * (count - 1)
    parts.append(amount - sum(parts, Decimal("0.00")))
    return parts


def _cents_down(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_DOWN)

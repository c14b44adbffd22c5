from django import template

from portal.money import format_eur
from portal.regions import region_name

register = template.Library()


@register.filter
def eur(value):
    """An amount with the euro sign: {{ call.budget|eur }} -> 58,000.00 €."""
    return format_eur(value)


@register.filter
def nuts_name(code):
    return region_name(code)

from django import template

from portal.money import format_eur
from portal.regions import region_name
from portal.timezones import format_in_zone

register = template.Library()


@register.filter
def eur(value):
    """An amount with the euro sign: {{ call.budget|eur }} -> 58,000.00 €."""
    return format_eur(value)


@register.filter
def nuts_name(code):
    return region_name(code)


@register.filter(expects_localtime=False)
def in_zone(moment, zone=None):
    """A moment in a zone, labelled: {{ application.submitted_at|in_zone:agency.timezone }}
    -> Dec. 2, 2026, 5:31 p.m. (Europe/Madrid). Without a zone, the current one (the staff's agency)."""
    return format_in_zone(moment, zone)


@register.simple_tag
def field_input(bound_field, css_class="form-control"):
    """A field drawn by its own widget (for a number: a text input showing it the local way) with
    Bootstrap's classes; in error, marked invalid and pointing at its message, whose id is
    "<id>-error": {% field_input line.amount "form-control text-end" %}."""
    attrs = {"class": css_class}
    if bound_field.errors:
        attrs["class"] = f"{css_class} is-invalid"
        attrs["aria-describedby"] = f"{bound_field.id_for_label}-error"
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def agency_text(context, part):
    """The agency's own `part` ("subject", "opening", "closing") of the e-mail being written, or "".

    The wording is in the context as `agency_wording` when the agency wrote one
    (programmes.models.emails); placeholders are filled in from the e-mail's context.
    """
    wording = context.get("agency_wording")
    if wording is None:
        return ""
    return wording.text(part, context.flatten())

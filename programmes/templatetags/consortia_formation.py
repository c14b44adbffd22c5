"""Template glue for the consortium formation parts shown on pages other apps own (My portal).

The library keeps the name it had when the formation belonged to consortia: templates load
`consortia_formation`."""

from django import template

from programmes import selectors

register = template.Library()


@register.simple_tag
def formation_invitations_of(user):
    """The user's invitations to decide on joining a consortium being formed (one query)."""
    if not user.is_authenticated:
        return []
    return list(selectors.formation_invitations_of(user))

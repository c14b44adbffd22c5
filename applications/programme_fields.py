"""What each programme asks in the project step beyond the common form.

- Co-financing of consortia promotion projects (Emilia-Romagna): the target markets of the
  project, from the programme's list, and the types of activity.
- Collective actions (Alentejo): the group of SMEs the action serves (sector, region, estimated
  number: a collective action serves several SMEs, not one company) and its objectives.

Codes are stored (JSON lists of codes, never money); labels are translated when shown.
"""

from django.utils.translation import gettext_lazy as _

MARKETS = [
    ("europe", _("Europe")),
    ("eastern_area", _("Eastern area")),
    ("north_america", _("North America")),
    ("south_america", _("South America")),
    ("japan", _("Japan")),
    ("china", _("China")),
    ("india", _("India")),
    ("south_africa", _("South Africa")),
]
ACTIVITY_TYPES = [
    ("b2b", _("B2B meetings")),
    ("outgoing_mission", _("Outgoing missions")),
    ("incoming_mission", _("Incoming missions")),
    ("exhibition", _("Exhibitions and trade fairs")),
    ("international_event", _("International events")),
]
OBJECTIVES = [
    ("international_recognition", _("International recognition of the sector")),
    ("market_research", _("Market research")),
    ("cooperation", _("Cooperation between enterprises")),
]
# A collective action serves a group: at least this many SMEs.
MIN_SMES = 2

# Programme kind -> the fields its project step asks, all required before submission.
FIELDS_BY_KIND = {
    "cofinancing": ["markets", "activity_types"],
    "collective_actions": ["sme_group_sector", "sme_group_region", "estimated_smes", "objectives"],
}


def labels(codes, choices) -> list[str]:
    names = dict(choices)
    return [str(names.get(code, code)) for code in codes or []]


def missing_fields(application) -> list[str]:
    """The programme's questions still unanswered, as messages for the submission."""
    messages = {
        "markets": _("Choose the target markets of the project."),
        "activity_types": _("Choose the types of activity of the project."),
        "sme_group_sector": _("Say which sector the SMEs served by the action belong to."),
        "sme_group_region": _("Say which region the SMEs served by the action are in."),
        "estimated_smes": _("Estimate how many SMEs the action will serve."),
        "objectives": _("Choose the objectives of the collective action."),
    }
    fields = FIELDS_BY_KIND.get(application.call.programme.kind, [])
    return [str(messages[name]) for name in fields if getattr(application, name) in (None, "", [])]


def answers(application) -> list[tuple[str, str]]:
    """(question, answer) pairs of the programme's fields, for the pages that show an application."""

    choices = {"markets": MARKETS, "activity_types": ACTIVITY_TYPES, "objectives": OBJECTIVES}
    rows = []
    for name in FIELDS_BY_KIND.get(application.call.programme.kind, []):
        text = _answer(getattr(application, name), choices.get(name))
        rows.append((str(application._meta.get_field(name).verbose_name).capitalize(), text or "—"))
    return rows


def _answer(value, choices) -> str:
    if choices is not None:
        return ", ".join(labels(value, choices))
    return "" if value in (None, "") else str(value)

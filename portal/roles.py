"""The staff roles: groups and the permissions each one carries."""

from django.contrib.auth.models import Group, Permission

AGENCY_STAFF = "Agency staff"
PROGRAMME_MANAGER = "Programme manager"

_VIEW_ALL = [
    (
        "programmes",
        ["agency", "programme", "call", "costcategory", "callrule", "aidaward", "reviewcriterion", "report"],
    ),
    ("consortia", ["organisation", "consortium", "membership", "ownershiplink"]),
    ("applications", ["application", "budgetline", "attachment", "statuschange", "review", "score", "projectreport"]),
]

# Both roles review: they declare conflicts of interest and score (applications.reviews).
_REVIEWING = ("applications", ["review", "score"])

ROLE_PERMISSIONS = {
    # Staff review: they read everything of their agency and work on applications.
    AGENCY_STAFF: {
        "view": _VIEW_ALL,
        "add": [_REVIEWING, ("programmes", ["report"])],
        "change": [("applications", ["application", "review", "score", "projectreport"])],
    },
    # Managers also configure programmes, calls, cost categories and review criteria.
    PROGRAMME_MANAGER: {
        "view": _VIEW_ALL,
        "add": [("programmes", ["call", "costcategory", "callrule", "reviewcriterion", "report"]), _REVIEWING],
        "change": [
            ("programmes", ["programme", "call", "costcategory", "callrule", "reviewcriterion"]),
            ("applications", ["application", "review", "score", "projectreport"]),
        ],
        "delete": [("programmes", ["costcategory", "callrule", "reviewcriterion"])],
    },
}


def ensure_groups() -> dict[str, Group]:
    """Create or update the role groups so each has exactly its permissions."""
    groups = {}
    for name, actions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            (app_label, f"{action}_{model}")
            for action, entries in actions.items()
            for app_label, models in entries
            for model in models
        ]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)
        groups[name] = group
    return groups

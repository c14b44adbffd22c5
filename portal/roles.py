"""The staff roles: groups and the permissions each one carries."""

import logging

from django.contrib.auth.models import Group, Permission

logger = logging.getLogger(__name__)

AGENCY_STAFF = "Agency staff"
PROGRAMME_MANAGER = "Programme manager"

_VIEW_ALL = [
    (
        "programmes",
        [
            "agency",
            "programme",
            "call",
            "costcategory",
            "callrule",
            "aidaward",
            "reviewcriterion",
            "report",
            "formsection",
            "question",
            "questionchoice",
            "calldocument",
            "emailwording",
        ],
    ),
    ("consortia", ["organisation", "consortium", "membership", "ownershiplink"]),
    (
        "applications",
        [
            "application",
            "budgetline",
            "attachment",
            "statuschange",
            "review",
            "score",
            "projectreport",
            "expense",
            "contractwon",
            "reportactivity",
            "payment",
        ],
    ),
]

# Both roles review: they declare conflicts of interest and score (applications.reviews).
_REVIEWING = ("applications", ["review", "score"])

# Both roles run the formation of export consortia (seed 002: programmes.formation), with its
# candidates, meetings and attendance, and follow the consortia formed: the manager, fees and
# payments, bids and contracts won (consortia).
_FORMING = ("programmes", ["formation", "formationcandidate", "formationmeeting", "formationattendance"])
_FOLLOWING = ("consortia", ["consortiummanager", "membershipfee", "feepayment", "consortiumbid"])
# Only what is recorded by mistake: a candidate never invited, a meeting, an attendance line.
_FORMING_DELETE = ("programmes", ["formationcandidate", "formationmeeting", "formationattendance"])

# PIMEX coaching (applications.pimex): staff record attendance and tutorials and write the
# deliverables with the participants; managers also set up the sessions and each call's commitments.
_PIMEX_VIEW = (
    "applications",
    [
        "pimexcallsettings",
        "pimexsession",
        "pimexattendance",
        "pimextutorial",
        "pimexswot",
        "pimexactionplan",
        "pimexplannedaction",
        "pimexsurvey",
        "pimexparticipant",
    ],
)
_PIMEX_RECORDING = (
    "applications",
    ["pimexattendance", "pimextutorial", "pimexswot", "pimexactionplan", "pimexplannedaction"],
)
_PIMEX_CONFIGURING = ("applications", ["pimexcallsettings", "pimexsession"])
# The participant's page saves its tutorials and deliverables; the application on it stays read-only.
_PIMEX_PARTICIPANT = ("applications", ["pimexparticipant"])

# A call's form and documents (programmes.models.questions, .documents) and the agency's wording of its
# e-mails (.emails): managers set them up; the models refuse changes to a form applications answered.
_CALL_SETUP = ("programmes", ["formsection", "question", "questionchoice", "calldocument", "emailwording"])

# Programme-year budgets and their lines (applications/budgets.py): staff read them, managers set them
# and record the agency's own spending against them.
_BUDGETS = ("programmes", ["programmebudget", "programmebudgetline", "agencyspending"])
_BUDGETS_SETTING = ("programmes", ["programmebudget", "programmebudgetline"])

ROLE_PERMISSIONS = {
    # Staff review: they read everything of their agency and work on applications.
    AGENCY_STAFF: {
        "view": [*_VIEW_ALL, _PIMEX_VIEW, _FORMING, _FOLLOWING, _BUDGETS],
        "add": [_REVIEWING, ("programmes", ["report"]), _PIMEX_RECORDING, _FORMING, _FOLLOWING],
        "change": [
            ("applications", ["application", "review", "score", "projectreport", "expense"]),
            _PIMEX_RECORDING,
            _PIMEX_PARTICIPANT,
            _FORMING,
            _FOLLOWING,
        ],
        "delete": [_PIMEX_RECORDING, _FORMING_DELETE],
    },
    # Managers also configure programmes, calls, cost categories and review criteria.
    PROGRAMME_MANAGER: {
        "view": [*_VIEW_ALL, _PIMEX_VIEW, _FORMING, _FOLLOWING, _BUDGETS],
        "add": [
            ("programmes", ["call", "costcategory", "callrule", "reviewcriterion", "report"]),
            _CALL_SETUP,
            _BUDGETS,
            _REVIEWING,
            _PIMEX_CONFIGURING,
            _PIMEX_RECORDING,
            _FORMING,
            _FOLLOWING,
        ],
        "change": [
            ("programmes", ["programme", "call", "costcategory", "callrule", "reviewcriterion"]),
            _CALL_SETUP,
            ("applications", ["application", "review", "score", "projectreport", "expense"]),
            _BUDGETS,
            _PIMEX_CONFIGURING,
            _PIMEX_RECORDING,
            _PIMEX_PARTICIPANT,
            _FORMING,
            _FOLLOWING,
        ],
        "delete": [
            ("programmes", ["costcategory", "callrule", "reviewcriterion"]),
            _CALL_SETUP,
            _BUDGETS_SETTING,
            _PIMEX_CONFIGURING,
            _PIMEX_RECORDING,
            _FORMING_DELETE,
        ],
    },
}


def is_programme_manager(user) -> bool:
    """A staff member in the programme managers' role (superusers count as managers)."""
    if user is None or not getattr(user, "is_staff", False):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=PROGRAMME_MANAGER).exists()


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
        found = {
            (permission.content_type.app_label, permission.codename): permission
            for permission in Permission.objects.filter(
                codename__in=[codename for _, codename in codenames]
            ).select_related("content_type")
        }
        missing = [f"{app_label}.{codename}" for app_label, codename in codenames if (app_label, codename) not in found]
        if missing:
            # The database is at an older migration than this code (a rollback in progress): leave
            # the group as it is rather than strip it of rights the older state names otherwise.
            logger.warning("Group %s left unchanged: permissions not in the database: %s", name, ", ".join(missing))
        else:
            group.permissions.set([found[key] for key in codenames])
        groups[name] = group
    return groups


def sync_staff_groups(sender, app_config=None, using="default", **kwargs):
    """post_migrate: after the last app's migrations every permission exists, so bring the role
    groups up to date with ROLE_PERMISSIONS (a migration created them first)."""
    if app_config is None or app_config.label != "applications":
        return
    ensure_groups()

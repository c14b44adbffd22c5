"""The status pipeline of an application: one table of the moves that are allowed, and who makes them.

Services move applications only along this table; an illegal move raises
IllegalTransition. Who may make a move is said here too: the applicant (its
representatives, on the portal) makes only the moves of BY_APPLICANT; the
agency's staff (in the administration) make every move of the table. Pages ask
`may_move` to show a button, and the service that makes the move asks the same,
so a button is shown exactly when the move would be accepted. Guards that depend
on data (deadlines, amounts, budget) live in the services that perform the move.
"""

from django.utils.translation import gettext_lazy as _

from portal.refusals import Refused

from .models import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.UNDER_REVIEW, Status.WITHDRAWN}),
    Status.UNDER_REVIEW: frozenset(
        {Status.CLARIFICATION_REQUESTED, Status.APPROVED, Status.RESERVE, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.CLARIFICATION_REQUESTED: frozenset({Status.UNDER_REVIEW, Status.WITHDRAWN, Status.REJECTED}),
    Status.RESERVE: frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.CLOSED, Status.WITHDRAWN}),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.CLOSED: frozenset(),
}

# Statuses in which the applicant can no longer change anything.
FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)

# Who makes a move.
APPLICANT = "applicant"
STAFF = "staff"

# The moves the applicant makes itself: submit a draft, answer a clarification, and withdraw before a
# decision. Once the agency has decided (reserve list, approved), only staff record a withdrawal, e.g.
# when a beneficiary renounces its grant.
BY_APPLICANT: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.WITHDRAWN}),
    Status.UNDER_REVIEW: frozenset({Status.WITHDRAWN}),
    Status.CLARIFICATION_REQUESTED: frozenset({Status.UNDER_REVIEW, Status.WITHDRAWN}),
}


class IllegalTransition(Refused):
    def __init__(self, from_status, to_status):
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(
            _("An application that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def may_move(from_status: str, to_status: str, *, actor: str) -> bool:
    """Whether `actor` (APPLICANT or STAFF) may move an application from one status to another."""
    if not can_move(from_status, to_status):
        return False
    if actor == STAFF:
        return True
    if actor == APPLICANT:
        return to_status in BY_APPLICANT.get(from_status, frozenset())
    raise ValueError(f"Unknown actor: {actor!r}")


def may_withdraw(status: str, *, actor: str) -> bool:
    """Whether `actor` may withdraw an application in this status."""
    return may_move(status, Status.WITHDRAWN, actor=actor)


def check_move(from_status: str, to_status: str) -> None:
    if not can_move(from_status, to_status):
        raise IllegalTransition(from_status, to_status)

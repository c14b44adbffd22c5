"""The status pipeline of an application: one table of the moves that are allowed.

Services move applications only along this table; an illegal move raises
IllegalTransition. Guards that depend on data (deadlines, amounts, budget) live
in the services that perform the move.
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


def check_move(from_status: str, to_status: str) -> None:
    if not can_move(from_status, to_status):
        raise IllegalTransition(from_status, to_status)

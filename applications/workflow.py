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
# decision. After an approval the application ends only by renunciation or revocation (`ENDINGS`).
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


# --- how an application ends early, and who ends it -----------------------------------------------
#
# Three ways, one rule, asked by the pages (to show the door) and by the services (to open it):
# - withdraw: the applicant, before a decision (staff too, recording it, and for the reserve list);
# - renounce: the beneficiary, after the approval and before the closing, the whole grant or a part
#   (staff may record a renunciation the beneficiary sent them);
# - revoke: the agency's staff, after the approval, with a reason.
# Whole renunciation and revocation end in "withdrawn" (the status history says which and why);
# a partial renunciation keeps the grant "approved" with a smaller amount.
WITHDRAW, RENOUNCE, REVOKE = "withdraw", "renounce", "revoke"
BEFORE_DECISION = frozenset({Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CLARIFICATION_REQUESTED})
ENDINGS: dict[str, dict[str, frozenset[str]]] = {
    WITHDRAW: {APPLICANT: BEFORE_DECISION, STAFF: BEFORE_DECISION | {Status.RESERVE}},
    RENOUNCE: {APPLICANT: frozenset({Status.APPROVED}), STAFF: frozenset({Status.APPROVED})},
    REVOKE: {STAFF: frozenset({Status.APPROVED})},
}


class EndingRefused(Refused):
    """The application cannot be withdrawn, renounced or revoked by this actor now; the message says why."""


def may_end(way: str, status: str, *, actor: str) -> bool:
    """Whether `actor` (APPLICANT or STAFF) may `way` (WITHDRAW, RENOUNCE, REVOKE) an application in `status`."""
    if actor not in (APPLICANT, STAFF):
        raise ValueError(f"Unknown actor: {actor!r}")
    return status in ENDINGS[way].get(actor, frozenset())


def check_end(way: str, status: str, *, actor: str) -> None:
    """Raise EndingRefused, saying why in plain words, unless `may_end`."""
    if may_end(way, status, actor=actor):
        return
    if way == REVOKE and actor != STAFF:
        message = _("Only the agency can revoke a grant.")
    elif way == WITHDRAW and status == Status.APPROVED:
        message = _("An approved grant is not withdrawn: it is renounced by the beneficiary or revoked by the agency.")
    elif way == WITHDRAW:
        message = _("An application can be withdrawn only before a decision.")
    elif way == RENOUNCE:
        message = _("Only an approved grant, not yet closed, can be renounced; this application is “%(status)s”.") % {
            "status": Status(status).label
        }
    else:
        message = _("Only an approved grant, not yet closed, can be revoked; this application is “%(status)s”.") % {
            "status": Status(status).label
        }
    raise EndingRefused(message, code=f"{way}_refused")


def may_withdraw(status: str, *, actor: str) -> bool:
    """Whether `actor` may withdraw an application in this status (before a decision; `ENDINGS`)."""
    return may_end(WITHDRAW, status, actor=actor)


def check_move(from_status: str, to_status: str) -> None:
    if not can_move(from_status, to_status):
        raise IllegalTransition(from_status, to_status)

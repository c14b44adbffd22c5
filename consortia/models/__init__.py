"""Organisations (companies, non-profits, public bodies), consortia and their members.

A package whose modules are re-exported here, so `consortia.models.X` is the one import point
(the migrations also name `validate_nace` here): `organisation` (NACE codes, SME size,
organisations, ownership links, representatives), `consortium` (consortia, memberships,
invitations) and `follow_up` (what follows a consortium's formation: its manager, fees and bids).
"""

from consortia.stages import Stage  # the vocabulary of who applies is read from here, with SmeSize

from .consortium import Consortium, ConsortiumQuerySet, Invitation, Membership
from .follow_up import ConsortiumBid, ConsortiumManager, FeePayment, MembershipFee
from .organisation import (
    NACE_PATTERN,
    NACE_SECTIONS,
    Organisation,
    OwnershipLink,
    Representation,
    SmeSize,
    nace_section,
    validate_nace,
)

__all__ = [
    "NACE_PATTERN",
    "NACE_SECTIONS",
    "Consortium",
    "ConsortiumBid",
    "ConsortiumManager",
    "ConsortiumQuerySet",
    "FeePayment",
    "Invitation",
    "Membership",
    "MembershipFee",
    "Organisation",
    "OwnershipLink",
    "Representation",
    "SmeSize",
    "Stage",
    "nace_section",
    "validate_nace",
]

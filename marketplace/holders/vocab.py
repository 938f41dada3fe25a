"""Words for a budget holder's record: how others are linked to them, what they ask of PAs."""

from __future__ import annotations

REPRESENTATIVE_RELATIONSHIPS = (
    ("family", "Family member"),
    ("friend", "Friend"),
    ("suitable_person", "Suitable person (the holder lacks capacity)"),
    ("deputy", "Deputy or attorney"),
    ("advocate", "Advocate"),
)

BROKER_LINK_STATUSES = (
    ("invited", "Invited"),
    ("active", "Working with you"),
    ("declined", "Declined"),
    ("ended", "Ended"),
)

PREFERRED_GENDERS = (
    ("", "No preference"),
    ("female", "Female"),
    ("male", "Male"),
)

"""The vocabulary shared by every module: domains, schemes, protocols, and the states of
needs and cases.

Kept in one small module at the bottom of the layers so that configuration, geography,
the agents, the processes, the event log and the metrics all speak of the same things by
the same names (and the same integer codes in the event log). Codes that only the event
log uses (report types, admin reasons, border flags, ...) live with the log, in
`model/records/events.py`.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum

# Task columns of the social domain. The order fixes the integer codes in the event log.
DOMAINS: tuple[str, ...] = ("wijkteam", "youth", "vt", "shelter", "wmo", "income")
WIJKTEAM, YOUTH, VT, SHELTER, WMO, INCOME = range(len(DOMAINS))
DOMAIN_CODE: dict[str, int] = {name: i for i, name in enumerate(DOMAINS)}

DOMAIN_LABELS: dict[str, str] = {
    "wijkteam": "neighbourhood team (wijkteam): local access and general support",
    "youth": "youth care (jeugdhulp)",
    "vt": "Veilig Thuis: reports of domestic violence and child abuse",
    "shelter": "shelter and sheltered housing (opvang, beschermd wonen)",
    "wmo": "social support for adults (Wmo: begeleiding, household help)",
    "income": "work and income (Participatiewet: benefits, debt counselling)",
}

# The municipality's own columns (seed 003: Jeugd, Wmo, Werk en Inkomen), a structure
# across the regional scheme: separate teams with their own intake, rule book and budget,
# or one social team (`Scenario.columns`). The wijkteam is the front door of the youth
# column; Veilig Thuis and shelter are regional and belong to no column team.
COLUMN_DOMAINS: dict[str, tuple[int, ...]] = {
    "jeugd": (WIJKTEAM, YOUTH),
    "wmo": (WMO,),
    "work_income": (INCOME,),
}
COLUMN_TEAMS: tuple[int, ...] = (WIJKTEAM, WMO, INCOME)  # each column's local front door
COLUMN_ARRANGEMENTS: tuple[str, ...] = ("separate", "integrated")


def merged_domains(columns: str) -> frozenset[int]:
    """The columns whose teams the wijkteam absorbs: none when separate; Wmo and Work &
    Income when integrated (one social team, no organisations of their own)."""
    if columns == "integrated":
        return frozenset(d for d in COLUMN_TEAMS if d != WIJKTEAM)
    return frozenset()


# Which organisation serves which municipality in each domain.
SCHEMES: tuple[str, ...] = ("patchwork", "centralised", "decentralised", "aligned", "cooperating")

# How a case moves between organisations.
PROTOCOLS: tuple[str, ...] = ("referral", "warm", "integrated")

SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")

# Who gives a signal. The order fixes the integer codes in the event log.
SOURCES: tuple[str, ...] = (
    "family",
    "police",
    "school",
    "neighbours",
    "professional",
    "gp",
    "recurrence",
)
SOURCE_CODE: dict[str, int] = {s: i for i, s in enumerate(SOURCES)}

# The maps a scenario may play on (`geography`); `model.world.build` has a builder for each.
GEOGRAPHIES: tuple[str, ...] = ("synthetic", "nl-2023", "csv")


def labels(codes: type[Enum]) -> tuple[str, ...]:
    """The lower-case names of an enum's members, in code order: the labels outputs show."""
    return tuple(member.name.lower() for member in codes)


# States of the model's agents. IntEnums, so that the values stay plain integer codes (the
# event log stores case phases; metrics count need states) while the names keep a need's
# state, a case's phase and a log record's kind apart (`CasePhase.QUEUED` is not
# `Kind.QUEUED`).
class NeedState(IntEnum):
    """Where a need is: waiting for care, in care, or done (it may come back as a new need)."""

    WAITING = 0
    IN_CARE = 1
    DONE = 2


class NeedOutcome(IntEnum):
    """How a need ended: OPEN until it is done."""

    OPEN = 0
    RESOLVED = 1
    UNRESOLVED = 2
    DROPPED = 3  # the family no longer showed up


class CasePhase(IntEnum):
    """Where a case is in its stay at one organisation; ordered, so `phase <= INTAKE` means
    'not triaged yet' (new needs may still join it)."""

    TRANSIT = 0  # a handover on its way to the organisation's queue
    QUEUED = 1
    INTAKE = 2
    CARE = 3
    WRAPUP = 4  # care ended; the professional finishes the handovers' paperwork
    CLOSED = 5


CASE_PHASES: tuple[str, ...] = labels(CasePhase)


class IntakeKind(StrEnum):
    """The intake a case gets: only a full one means the family tells its story again.

    A StrEnum, so it equals the strings a protocol's `receiver_intake` is configured with.
    """

    FULL = "full"
    SHORT = "short"
    NONE = "none"

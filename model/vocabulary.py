"""The vocabulary shared by every module: domains, schemes, protocols.

Kept in one small module so that configuration, geography, the engine and the metrics
all speak of the same things by the same names (and the same integer codes in the
event log).
"""

from __future__ import annotations

# Task columns of the social domain. The order fixes the integer codes in the event log.
DOMAINS: tuple[str, ...] = ("wijkteam", "youth", "vt", "shelter")
WIJKTEAM, YOUTH, VT, SHELTER = range(len(DOMAINS))
DOMAIN_CODE: dict[str, int] = {name: i for i, name in enumerate(DOMAINS)}

DOMAIN_LABELS: dict[str, str] = {
    "wijkteam": "neighbourhood team (wijkteam): local access and general support",
    "youth": "youth care (jeugdhulp)",
    "vt": "Veilig Thuis: reports of domestic violence and child abuse",
    "shelter": "shelter and sheltered housing (opvang, beschermd wonen)",
}

# Which organisation serves which municipality in each domain.
SCHEMES: tuple[str, ...] = ("patchwork", "centralised", "decentralised", "aligned")

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

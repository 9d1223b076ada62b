"""Schemes: which region serves each municipality, per domain (the catchments that
organisations are built on), whose rule books apply where, and which regional bodies
govern them.

A scheme is more than its borders (DESIGN.md, How a scheme acts): the same catchments
under municipal or regional rule books, and with or without a body per region, give an
organisation other forms to fill in and its municipalities other meetings to attend.
Everything here is a pure function of the map and the scheme, so a test can count rule
books and bodies on a constructed country.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.scenario import ScenarioError
from model.vocabulary import DOMAINS, INCOME, SHELTER, VT, WIJKTEAM, WMO, YOUTH
from model.world.geography import (
    Geography,
    RegionSet,
    municipal_regions,
    national_region,
    province_regions,
)

if TYPE_CHECKING:
    from model.scenario import SchemeOptions, SchemeRules


def catchments(
    geo: Geography, scheme: str, options: SchemeOptions, columns: str = "separate"
) -> dict[str, RegionSet]:
    """Which region serves each municipality, per domain, under a scheme.

    The wijkteam is local access and stays with the municipality under every scheme. Wmo
    support and work and income are municipal today (the map's patchwork has no regions
    for them) and follow the scheme like the other domains; with integrated columns they
    are the one social team's, so they stay with the municipality as the wijkteam does.
    """
    local = municipal_regions(geo)
    today = {**geo.patchwork, "wmo": local, "income": local}
    if scheme in ("patchwork", "cooperating"):  # cooperating shares today's regions
        wider = today
    elif scheme == "centralised":
        central = (
            province_regions(geo)
            if options.centralised_level == "province"
            else national_region(geo)
        )
        wider = {d: central for d in today}
    elif scheme == "decentralised":
        wider = {d: local for d in today}
    elif scheme == "aligned":
        common = geo.patchwork.get(options.aligned_to) or geo.alternatives.get(options.aligned_to)
        if common is None:
            allowed = ", ".join([*geo.patchwork, *geo.alternatives])
            raise ScenarioError(
                f"schemes.aligned_to: the {geo.label} geography has no {options.aligned_to!r} "
                f"regions (allowed: {allowed})"
            )
        wider = {d: common for d in today}
    else:
        raise ValueError(f"unknown scheme {scheme!r}")
    if columns == "integrated":
        wider.update(wmo=local, income=local)
    return {"wijkteam": local, **wider}


def rule_books(
    regions: dict[str, RegionSet], rules: SchemeRules, columns: str = "separate"
) -> list[np.ndarray]:
    """Per domain (in DOMAINS order), the rule book each municipality's families fall under.

    Veilig Thuis and shelter follow their region's rules. Youth care and the wijkteam follow
    the municipality's own rules, or, when the scheme's rule books are regional, those of
    the youth-care region that commissions for it. A region of one municipality is that
    municipality's rule book, so ids compare across domains: equal ids, the same forms.

    Wmo and work and income follow the municipality's (or, with regional rule books, their
    own region's) rules, as columns of their own when the columns are separate (own forms,
    own product codes, own budget: a handover between columns crosses rule books) and as
    the wijkteam's when one social team serves them all.
    """
    ids: dict[tuple, int] = {}

    def book(rs: RegionSet, m: int, column: tuple[str, ...] = ()) -> int:
        r = int(rs.member[m])
        members = rs.municipalities_of(r)
        key = ("municipality", m) if len(members) == 1 else ("region", id(rs), r)
        return ids.setdefault(key + column, len(ids))

    n = len(regions["wijkteam"].member)
    out: list[np.ndarray] = []
    for d, domain in enumerate(DOMAINS):
        column: tuple[str, ...] = ()
        if d in (WIJKTEAM, YOUTH):
            rs = regions["youth"] if rules.rule_books == "region" else regions["wijkteam"]
        elif d in (WMO, INCOME):
            if columns == "integrated":
                out.append(out[WIJKTEAM])
                continue
            rs = regions[domain] if rules.rule_books == "region" else regions["wijkteam"]
            column = (domain,)
        else:
            assert d in (VT, SHELTER)
            rs = regions[domain]
        out.append(np.array([book(rs, m, column) for m in range(n)], dtype=np.int64))
    return out


@dataclass(frozen=True)
class Body:
    """A regional body: the municipalities of one region, governing the organisations of
    every domain that shares that region."""

    domains: tuple[str, ...]
    region: str
    members: np.ndarray


def governance_bodies(regions: dict[str, RegionSet]) -> list[Body]:
    """One body per region of more than one municipality; domains that share a set of
    regions (aligned, centralised) share its bodies."""
    bodies: dict[tuple[int, int], Body] = {}
    for domain, rs in regions.items():
        if domain == "wijkteam":
            continue
        for r in range(len(rs)):
            members = rs.municipalities_of(r)
            if len(members) < 2:
                continue
            key = (id(rs), r)
            old = bodies.get(key)
            names = (old.domains if old else ()) + (domain,)
            bodies[key] = Body(names, rs.codes[r], members)
    return list(bodies.values())

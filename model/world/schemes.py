"""Schemes: which region serves each municipality, per domain (the catchments that
organisations are built on)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.scenario import ScenarioError
from model.world.geography import (
    Geography,
    RegionSet,
    municipal_regions,
    national_region,
    province_regions,
)

if TYPE_CHECKING:
    from model.scenario import SchemeOptions


def catchments(geo: Geography, scheme: str, options: SchemeOptions) -> dict[str, RegionSet]:
    """Which region serves each municipality, per domain, under a scheme.

    The wijkteam is local access and stays with the municipality under every scheme.
    """
    local = municipal_regions(geo)
    if scheme == "patchwork":
        wider = dict(geo.patchwork)
    elif scheme == "centralised":
        central = (
            province_regions(geo)
            if options.centralised_level == "province"
            else national_region(geo)
        )
        wider = {d: central for d in geo.patchwork}
    elif scheme == "decentralised":
        wider = {d: local for d in geo.patchwork}
    elif scheme == "aligned":
        common = geo.patchwork.get(options.aligned_to) or geo.alternatives.get(options.aligned_to)
        if common is None:
            allowed = ", ".join([*geo.patchwork, *geo.alternatives])
            raise ScenarioError(
                f"schemes.aligned_to: the {geo.label} geography has no {options.aligned_to!r} "
                f"regions (allowed: {allowed})"
            )
        wider = {d: common for d in geo.patchwork}
    else:
        raise ValueError(f"unknown scheme {scheme!r}")
    return {"wijkteam": local, **wider}

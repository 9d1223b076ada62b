"""Families, their needs, and the stream in which they arise.

Families arrive in proportion to population. Their needs across domains are correlated
through one shared latent factor (a Gaussian copula), which gives multi-problem
families while keeping each domain's incidence exactly as configured.

Families are drawn in bulk with numpy, chunk by chunk, from a stream of their own that
`model.rng` spawns: every scheme and protocol of one seed therefore meets the same
families with the same luck (care length, success, dropout and incident draws are made
per need here), so differences between scenarios are paired, not noise.

Families are plain slotted objects rather than Mesa Agents: they arrive by the million
at national scale and a Mesa Agent costs ~8 us to create and remove against ~1 us for a
slotted object (measured, docs/performance.md). Organisations and professionals, a few
tens of thousands, are Mesa Agents.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import NamedTuple

import numpy as np
from scipy.special import ndtr, ndtri

from model.scenario import Scenario
from model.vocabulary import DOMAINS, SOURCE_CODE, VT, NeedOutcome, NeedState

N_DOMAINS = len(DOMAINS)
CHUNK_DAYS = 30.0  # arrivals are drawn a month at a time; fixed so chunking never changes the draws


class Need:
    """One problem of one family in one domain, from the signal until it is done."""

    __slots__ = (
        "id",
        "family",
        "domain",
        "severity",
        "arose",
        "episode",
        "state",
        "outcome",
        "luck",
        "care_start",
        "preventive",
        "stories",
        "faces",
    )

    def __init__(
        self,
        id: int,
        family: Family,
        domain: int,
        severity: int,
        arose: float,
        episode: int,
        luck: Sequence[float],
    ) -> None:
        self.id = id
        self.family = family
        self.domain = domain
        self.severity = severity
        self.arose = arose  # the triggering incident; the motivation window runs from here
        self.episode = episode
        self.state = NeedState.WAITING
        self.outcome = NeedOutcome.OPEN
        # Its Luck, read by name (`need.success_uniform`, below). Seven doubles in one array
        # take 128 bytes; as seven float objects they took 280 (docs/performance.md).
        self.luck = array("d", luck)
        self.care_start = -1.0
        self.preventive = False
        self.stories = 0  # full intakes at which the family told its story for this need
        self.faces = 0  # professionals who took it on (a handover or a reorganisation adds one)

    # Its Luck by name (the fields of `Luck`, in its order).
    @property
    def care_length_quantile(self) -> float:
        return self.luck[0]

    @property
    def care_length_normal_score(self) -> float:
        return self.luck[1]

    @property
    def success_uniform(self) -> float:
        return self.luck[2]

    @property
    def dropout_uniform(self) -> float:
        return self.luck[3]

    @property
    def incident_unit_exponential(self) -> float:
        return self.luck[4]

    @property
    def recurrence_uniform(self) -> float:
        return self.luck[5]

    @property
    def recurrence_unit_exponential(self) -> float:
        return self.luck[6]


class Family:
    """A household in a municipality, with members, needs and a case history.

    When it arrived and at which door (its entry uniform) are used once, on arrival, and
    kept in the log (its first signal), not here: a family can stay for years."""

    __slots__ = (
        "id",
        "municipality",
        "adults",
        "children",
        "open_cases",
        "known_to_vt",
        "safety",
        "placement_uniform",
        "needs",
        "clock",
    )

    def __init__(
        self,
        id: int,
        municipality: int,
        adults: int,
        children: int,
        placement_uniform: float,
    ) -> None:
        self.id = id
        self.municipality = municipality
        self.adults = adults
        self.children = children
        # Its open cases, in the order each came to its organisation (a case a reorganisation
        # moves goes to the end). One list, not a dict of lists per organisation: families
        # have one or two, and a dict with its lists took 330 bytes a family.
        self.open_cases: list = []  # Cases (organisations.py imports this module)
        self.known_to_vt = False  # Veilig Thuis had a case before: the next report is a repeat
        self.safety = False  # ever had a safety need: incidents become reports
        self.placement_uniform = placement_uniform  # < its share: a shelter outside the region
        self.needs: list[Need] = []  # needs not yet done
        self.clock = 0  # the family's incident clock: only the latest scheduled incident counts


def open_at(family: Family, org: object) -> list:
    """The family's open cases at one organisation, in the order they came there."""
    return [c for c in family.open_cases if c.org is org]


def most_severe(needs: list[Need]) -> int:
    """The highest severity among the needs (at least one). A loop, not `max` over a
    generator: the compiled build makes a generator object for the latter, at every case."""
    worst = 0
    for n in needs:
        if n.severity > worst:
            worst = n.severity
    return worst


@dataclass
class ArrivalChunk:
    """A month of arrivals, drawn in one go: rows per family, and per need."""

    time: np.ndarray
    municipality: np.ndarray
    adults: np.ndarray
    children: np.ndarray
    entry_uniform: np.ndarray  # < vt_entry_share: a safety need comes up at Veilig Thuis
    source_quantile: np.ndarray  # picks who gave the signal, once the entry is known
    placement_uniform: np.ndarray  # see Family
    known_to_vt_uniform: np.ndarray  # < vt_known_before_share: VT knew the family before
    safety: np.ndarray  # the family has a Veilig Thuis need
    need_start: np.ndarray  # family i has needs need_start[i]:need_start[i + 1]
    need_domain: np.ndarray
    need_severity: np.ndarray
    luck: np.ndarray  # (needs, len(Luck._fields)): each row a need's Luck


class Luck(NamedTuple):
    """A need's own luck, drawn once when it arises, in this order (a Need reads its fields
    by these names).

    Drawn ahead, the same need has the same luck under every scheme and protocol. A
    `_uniform` is compared with a probability (below it, the event happens); a `_quantile`
    picks a value by its distribution's inverse; a unit exponential is scaled by a mean
    (or divided by a rate).
    """

    care_length_quantile: float  # where its care length lies in the (exponential) distribution
    care_length_normal_score: float  # the same as a standard normal quantile (lognormal)
    success_uniform: float  # < p: care resolves the need
    dropout_uniform: float  # < p: the family no longer shows up
    incident_unit_exponential: float  # time to the first incident, times 1 / rate
    recurrence_uniform: float  # < p: the need comes back once it is done
    recurrence_unit_exponential: float  # when it comes back, times its mean


def draw_luck(rng: np.random.Generator, n: int) -> np.ndarray:
    """n needs' Luck as rows: six uniforms a need, in one call, whose order must never
    change (it would change every run); the normal score and the exponentials are computed
    here in bulk."""
    u = rng.random((n, 6))
    care, success, dropout, incident, recurrence, recurrence_delay = u.T
    return np.column_stack(
        [
            care,  # care_length_quantile
            ndtri(care),  # care_length_normal_score
            success,  # success_uniform
            dropout,  # dropout_uniform
            -np.log1p(-incident),  # incident_unit_exponential
            recurrence,  # recurrence_uniform
            -np.log1p(-recurrence_delay),  # recurrence_unit_exponential
        ]
    )


def draw_one_luck(rng: np.random.Generator) -> tuple[float, ...]:
    """One need's Luck as a plain tuple: the same draws and the same numbers as
    `draw_luck(rng, 1)` (tests/engine/test_determinism.py holds them equal) in under half
    its time, for the needs that arise one at a time during the run (a recurrence, a new
    report to Veilig Thuis)."""
    u = rng.random(6)
    care, success, dropout, _, recurrence, _ = u.tolist()
    # numpy's log1p, as draw_luck's (math.log1p may differ in the last bit where numpy
    # has vector code for it), of the two uniforms at once (a slice, not a fancy index).
    incident, delay = np.log1p(-u[3::2]).tolist()
    return (care, float(ndtri(care)), success, dropout, -incident, recurrence, -delay)


def choice_cdf(p: np.ndarray) -> np.ndarray:
    """The cumulative shares that `rng.choice(len(p), p=p)` searches (numpy's own recipe)."""
    cdf = np.asarray(p, dtype=float).cumsum()
    cdf /= cdf[-1]
    return cdf


def choose(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    """n indices drawn as `rng.choice(len(p), size=n, p=p)` draws them, from
    `choice_cdf(p)`: the same uniforms, the same numbers, without choice's checks of p at
    every call (two thirds of a small chunk's time; tests/engine/test_determinism.py holds
    the two equal)."""
    return cdf.searchsorted(rng.random(n), side="right")


def need_pattern_probabilities(
    p_marginal: np.ndarray, correlation: float, nodes: int = 96
) -> np.ndarray:
    """P(each of the 2^D need patterns) for one household-year under a one-factor copula.

    Need d is present when sqrt(r) Z + sqrt(1 - r) E_d > Phi^-1(1 - p_d), with Z shared.
    Integrated over Z by Gauss-Hermite quadrature: deterministic and exact to ~1e-12.
    """
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / np.sqrt(2 * np.pi)
    a = np.sqrt(correlation)
    threshold = ndtri(1 - np.clip(p_marginal, 1e-15, 1 - 1e-15))
    q = 1 - ndtr((threshold[None, :] - a * z[:, None]) / np.sqrt(1 - a * a))  # (nodes, D)
    q = np.where(p_marginal[None, :] <= 0, 0.0, q)
    patterns = np.array(list(product((0, 1), repeat=len(p_marginal))), dtype=bool)
    probs = np.empty(len(patterns))
    for k, pat in enumerate(patterns):
        probs[k] = np.sum(w * np.prod(np.where(pat[None, :], q, 1 - q), axis=1))
    return probs


class FamilyStream:
    """Families arriving over [0, end_day), one chunk at a time."""

    def __init__(
        self, scenario: Scenario, population: np.ndarray, rng: np.random.Generator, end_day: float
    ) -> None:
        fam = scenario.families
        self.rng = rng
        self.end_day = end_day
        self.pop_share = population / population.sum()
        households = float(population.sum()) * fam.households_per_inhabitant
        incidence = (
            np.array([scenario.domains[d].incidence_per_1000_per_year for d in DOMAINS]) / 1000.0
        )
        p_marginal = incidence / fam.households_per_inhabitant
        if (p_marginal >= 1).any():
            raise ValueError("incidence_per_1000_per_year exceeds households per 1000 inhabitants")
        probs = need_pattern_probabilities(p_marginal, fam.need_correlation)
        patterns = np.array(list(product((0, 1), repeat=N_DOMAINS)), dtype=bool)
        self.patterns = patterns[1:]
        p_any = 1.0 - probs[0]
        self.pattern_p = (
            probs[1:] / p_any if p_any > 0 else np.full(len(self.patterns), 1 / len(self.patterns))
        )
        self.families_per_day = households * p_any / 365.0
        self.municipality_cdf = choice_cdf(self.pop_share)
        self.pattern_cdf = choice_cdf(self.pattern_p)
        self.severity_cdf = np.cumsum(
            [scenario.domains[d].severity_shares for d in DOMAINS], axis=1
        )
        self.single_parent_share = fam.single_parent_share
        self.children_extra_mean = fam.children_mean - 1.0
        # Cumulative shares as lists of floats: `source_of` runs at every signal, and a
        # bisect on a list costs a seventh of np.searchsorted on an array (the same doubles).
        self.vt_sources = [SOURCE_CODE[s] for s in fam.vt_source_shares]
        self.vt_source_cdf = np.cumsum(list(fam.vt_source_shares.values())).tolist()
        self.wijkteam_sources = [SOURCE_CODE[s] for s in fam.wijkteam_source_shares]
        self.wijkteam_source_cdf = np.cumsum(list(fam.wijkteam_source_shares.values())).tolist()
        self.next_start = 0.0

    def __iter__(self):
        while self.next_start < self.end_day:
            chunk = self._draw(self.next_start, min(self.next_start + CHUNK_DAYS, self.end_day))
            self.next_start += CHUNK_DAYS
            yield chunk

    def _draw(self, start: float, stop: float) -> ArrivalChunk:
        rng = self.rng
        n = int(rng.poisson(self.families_per_day * (stop - start)))
        time = np.sort(start + rng.random(n) * (stop - start))
        municipality = choose(rng, self.municipality_cdf, n)
        pattern = self.patterns[choose(rng, self.pattern_cdf, n)]
        adults = np.where(rng.random(n) < self.single_parent_share, 1, 2)
        children = 1 + rng.poisson(self.children_extra_mean, n)
        entry_uniform = rng.random(n)
        source_quantile = rng.random(n)
        placement_uniform = rng.random(n)
        known_to_vt_uniform = rng.random(n)
        fam_idx, need_domain = np.nonzero(pattern)  # row-major: each family's needs together
        need_start = np.concatenate([[0], np.cumsum(pattern.sum(axis=1))])
        severity_quantile = rng.random(len(need_domain))
        cdf = self.severity_cdf[need_domain]
        need_severity = 1 + (severity_quantile[:, None] > cdf[:, :-1]).sum(axis=1)
        luck = draw_luck(rng, len(need_domain))
        return ArrivalChunk(
            time,
            municipality,
            adults,
            children,
            entry_uniform,
            source_quantile,
            placement_uniform,
            known_to_vt_uniform,
            pattern[:, VT],
            need_start,
            need_domain,
            need_severity,
            luck,
        )

    def source_of(self, quantile: float, via_vt: bool) -> int:
        """Who gave the signal (a SOURCES code), by the share of each source at its entry."""
        if via_vt:
            sources, cdf = self.vt_sources, self.vt_source_cdf
        else:
            sources, cdf = self.wijkteam_sources, self.wijkteam_source_cdf
        return sources[min(bisect_right(cdf, quantile), len(sources) - 1)]

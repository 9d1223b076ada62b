"""Every outcome a run reports, declared once.

`metrics.summarise` and the reorganisation figures (`runs/counterfactual.py`) compute
these from the event log; the CLI's tables, `docs/outcomes.md`, the per-area means
behind the maps and the sweeps' list of known metrics read them from here, so that a name,
its unit and whether lower is better are stated in one place and cannot drift apart. A
test runs the model and fails when a computed key is not declared or a declared one is
not computed; another checks each definition against a small log worked out by hand.

The order of `OUTCOMES` is the order of the keys in `summary.json` (and so of the
columns of runs.csv); `summarise` itself fixes that order, and the test checks that both
agree.

A name with a placeholder declares a family of outcomes, one for each value:
`<domain>` (DOMAINS), `<item>` (TRANSITION_ITEMS) and `<reason>` (LOSS_REASONS); a
nested key is written with dots, as `sdsim sweep` flattens it
(`by_domain.youth.signal_to_care_days_mean`). The `computed` sentences name the event
kinds in backquotes (`handover_sent`); "in the window" means at or after the end of the
warm-up, and "measured families" are those whose first signal falls in the window.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

from model.records.events import HOURS_KINDS, LOSS_REASONS, TRANSITION_ITEMS
from model.vocabulary import DOMAINS


class Direction(StrEnum):
    """Which way is better, all else equal: for colouring differences, never for the model."""

    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"  # a volume, an input or a check: more is neither better nor worse


class When(StrEnum):
    """Where an outcome appears, so that each test and table asks for the right set."""

    ALWAYS = "always"  # every summary.json (the reorganisation figures are zero without one)
    REORGANISING = "reorganising"  # only a reorganising run's summary.json (the breakdown)
    AREA = "area"  # only per municipality or region (municipalities.csv, maps)
    MACHINE = "machine"  # sdsim run's summary.json, but varies with the machine: no outcome


class AreaMean(NamedTuple):
    """A mean per area as numerator / denominator x factor of the counts that
    `metrics.by_municipality` returns: summing counts before dividing gives any grouping of
    municipalities (a region, a province) the same definition."""

    numerator: str
    denominator: str
    factor: float = 1.0


GROUPS: dict[str, str] = {
    "volume": "How much happened",
    "delay": "Waiting",
    "intakes": "Intakes and stories told",
    "organisations": "Organisations, regions and borders",
    "time": "Professional time",
    "escalation": "Escalation and Veilig Thuis reports",
    "care": "Care received",
    "cost": "Cost",
    "scheme": "How the scheme acts: pooling, rule books, familiarity, specialised care, governance",
    "check": "Checks of the run",
    "by_domain": "Per domain",
    "reorganisation": "Reorganisation",
    "machine": "Machine-dependent (not outcomes)",
}


@dataclass(frozen=True)
class Outcome:
    name: str  # key in summary.json; dotted when nested; may hold a placeholder
    label: str  # a short phrase for axes, map legends and tables (without the unit)
    unit: str
    direction: Direction
    group: str
    meaning: str
    computed: str  # from the log, in one sentence naming the event kinds
    key_table: bool = False  # a row of the table `sdsim run` and `sdsim compare` print
    area: AreaMean | None = None  # also computed per municipality and region
    reorganisation_figure: bool = False  # one of the figures a reorganisation adds
    when: When = When.ALWAYS
    scalar: bool = True  # False: a list in summary.json (not a sweep metric)

    def names(self) -> tuple[str, ...]:
        """The flat names this declaration stands for (its family, expanded)."""
        for placeholder, values in PLACEHOLDERS.items():
            if placeholder in self.name:
                return tuple(self.name.replace(placeholder, v) for v in values)
        return (self.name,)


PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "<domain>": DOMAINS,
    "<item>": TRANSITION_ITEMS,
    "<reason>": LOSS_REASONS,
}

_LOWER, _HIGHER, _NEITHER = Direction.LOWER, Direction.HIGHER, Direction.NEITHER
_HOURS_KINDS = ", ".join(f"`{k.name.lower()}`" for k in HOURS_KINDS)


def _spread(
    stem: str, label: str, group: str, meaning: str, computed: str, key: tuple[str, ...]
) -> list[Outcome]:
    """Mean, median and 90th percentile of one delay (the three share every word else)."""
    return [
        Outcome(
            f"{stem}_{suffix}",
            f"{label}, {what}",
            "days",
            _LOWER,
            group,
            meaning,
            computed.replace("STATISTIC", what),
            key_table=suffix in key,
        )
        for suffix, what in (("mean", "mean"), ("p50", "median"), ("p90", "90th percentile"))
    ]


_HANDOVER_DELAY = _spread(
    "handover_delay_days",
    "handover delay",
    "delay",
    "Days from a handover being sent to the first contact at the receiving organisation, "
    "over the handovers sent in the window that were answered by the end (0 when the needs "
    "joined a case that already had a professional).",
    "For each `handover_sent` in the window, the earliest `assigned` of its (receiving) case "
    "minus its time, at least 0; the STATISTIC over those with an `assigned`.",
    key=("mean", "p90"),
)
_SIGNAL_TO_CARE = _spread(
    "signal_to_care_days",
    "signal to care",
    "delay",
    "Days from a need coming to light to the start of its care, over the needs that arose "
    "in the window and had care by the end (the others are in `unmet_need_share`).",
    "For each `need` in the window, the earliest `care_start` of that need minus its time; "
    "the STATISTIC over the needs with a `care_start`.",
    key=("mean", "p90"),
)
_SIGNAL_TO_CARE[0] = replace(
    _SIGNAL_TO_CARE[0], area=AreaMean("signal_to_care_days_sum", "needs_cared")
)

# What each activity of events.HOURS_KINDS is (a new activity fails here, to be described).
_ACTIVITY = {
    "intake": "intakes",
    "administration": "administration",
    "care": "direct care (planned hours, counted when care starts)",
    "coordination": "coordination with a family's other organisations",
    "travel": "travel for home visits",
}
_HOURS = [
    Outcome(
        f"hours_{activity}",
        f"{activity} hours",
        "hours",
        _NEITHER,
        "time",
        f"Professional hours spent on {_ACTIVITY[activity]} in the window, of every family.",
        f"Sum of the value of `{kind.name.lower()}` records in the window.",
    )
    for kind, activity in HOURS_KINDS.items()
]

_BY_DOMAIN = "by_domain.<domain>."
_REORG = "reorganisation."

OUTCOMES: tuple[Outcome, ...] = (
    # ------------------------------------------------------------------- volume
    Outcome(
        "families",
        "families measured",
        "families",
        _NEITHER,
        "volume",
        "Families whose first signal fell in the window; the per-family means divide by them "
        "and follow them to the end of the run.",
        "Families whose earliest `signal` is in the window.",
        key_table=True,
    ),
    Outcome(
        "needs",
        "needs arisen",
        "needs",
        _NEITHER,
        "volume",
        "Needs that arose in the window, of every family; delays to care, dropouts and the "
        "unmet-need share are about these.",
        "`need` records in the window.",
    ),
    Outcome(
        "signals",
        "signals",
        "signals",
        _NEITHER,
        "volume",
        "Signals that reached an organisation in the window, of every family.",
        "`signal` records in the window.",
    ),
    Outcome(
        "handovers",
        "handovers",
        "handovers",
        _NEITHER,
        "volume",
        "Cases sent on to another organisation in the window, of every family.",
        "`handover_sent` records in the window.",
        key_table=True,
    ),
    # ------------------------------------------------------------------- delay
    Outcome(
        "handovers_unanswered",
        "handovers unanswered",
        "handovers",
        _LOWER,
        "delay",
        "Handovers sent in the window whose receiving case had no first contact by the end; "
        "left out of the handover delays.",
        "`handover_sent` records in the window whose (receiving) case has no `assigned`.",
    ),
    *_HANDOVER_DELAY,
    *_SIGNAL_TO_CARE,
    # ------------------------------------------------------------------- intakes
    Outcome(
        "intakes_per_family_mean",
        "intakes per family",
        "intakes per family",
        _LOWER,
        "intakes",
        "Intakes, full or short, a measured family went through until the end of the run.",
        "`intake` records of measured families, divided by `families`.",
    ),
    Outcome(
        "stories_told_per_family_mean",
        "stories told per family",
        "stories per family",
        _LOWER,
        "intakes",
        "Times a measured family told its story (full intakes) until the end of the run.",
        "`intake` records with detail = 1 of measured families, divided by `families`.",
        key_table=True,
        area=AreaMean("stories_told", "families"),
    ),
    Outcome(
        "redundant_intakes",
        "redundant intakes",
        "intakes",
        _LOWER,
        "intakes",
        "Full intakes of measured families beyond the first in an episode (a signal and the "
        "handovers that follow from it): the story told again.",
        "For each episode, its `intake` records with detail = 1 of measured families less "
        "one, summed over the episodes that have any.",
    ),
    Outcome(
        "redundant_intakes_per_family_mean",
        "redundant intakes per family",
        "intakes per family",
        _LOWER,
        "intakes",
        "Full intakes beyond the first in an episode, per measured family.",
        "`redundant_intakes` (from `intake` records) divided by `families`.",
        key_table=True,
    ),
    # ------------------------------------------------------------------- organisations
    Outcome(
        "organisations_per_family_mean",
        "organisations per family",
        "organisations per family",
        _LOWER,
        "organisations",
        "Organisations at which a measured family had a professional, until the end of the run.",
        "Distinct (family, org) pairs of the `assigned` records of measured families, "
        "divided by `families`.",
        key_table=True,
    ),
    Outcome(
        "regions_per_family_mean",
        "regions per family",
        "regions per family",
        _LOWER,
        "organisations",
        "Regions of those organisations, per measured family; organisations whose regions "
        "have the same code (e.g. aligned ones) count as one region.",
        "Distinct (family, region code of the org) pairs of the `assigned` records of "
        "measured families, divided by `families`.",
        key_table=True,
    ),
    Outcome(
        "border_crossings",
        "handovers across a region border",
        "handovers",
        _LOWER,
        "organisations",
        "Handovers received in the window between organisations whose catchments do not "
        "nest, of every family; deliberate placements outside the home region apart.",
        "`handover_received` records in the window with flag 1 (region border) in aux and "
        "without flag 4 (placed elsewhere).",
        key_table=True,
    ),
    Outcome(
        "border_crossings_per_100_families",
        "handovers across a region border",
        "per 100 families",
        _LOWER,
        "organisations",
        "`border_crossings` of the families living in an area, per 100 measured families "
        "living there.",
        "`handover_received` records in the window with flag 1 and without flag 4 in aux, "
        "by the family's municipality, x 100 / measured families by home municipality.",
        area=AreaMean("border_crossings", "families", 100.0),
        when=When.AREA,
    ),
    Outcome(
        "province_crossings",
        "handovers across a province border",
        "handovers",
        _LOWER,
        "organisations",
        "Handovers received in the window between organisations in different provinces, "
        "of every family; deliberate placements outside the home region apart.",
        "`handover_received` records in the window with flag 2 (province border) in aux and "
        "without flag 4 (placed elsewhere).",
    ),
    Outcome(
        "province_crossings_per_100_families",
        "handovers across a province border",
        "per 100 families",
        _LOWER,
        "organisations",
        "`province_crossings` of the families living in an area, per 100 measured families "
        "living there.",
        "`handover_received` records in the window with flag 2 and without flag 4 in aux, "
        "by the family's municipality, x 100 / measured families by home municipality.",
        area=AreaMean("province_crossings", "families", 100.0),
        when=When.AREA,
    ),
    Outcome(
        "placements_elsewhere",
        "placements outside the home region",
        "handovers",
        _NEITHER,
        "organisations",
        "Handovers received in the window that place a family outside its home region on "
        "purpose (shelter, for safety); not border crossings.",
        "`handover_received` records in the window with flag 4 in aux.",
    ),
    Outcome(
        "information_lost",
        "intakes with information lost",
        "intakes",
        _LOWER,
        "intakes",
        "Intakes in the window at which information was lost on the way, of every family.",
        "`intake` records in the window with aux = 1.",
    ),
    # ------------------------------------------------------------------- time
    Outcome(
        "coordination_hours",
        "coordination hours",
        "hours",
        _NEITHER,
        "time",
        "Professional hours spent in the window coordinating with a family's other "
        "organisations (the same figure as `hours_coordination`).",
        "Sum of the value of `coordination` records in the window.",
        key_table=True,
    ),
    Outcome(
        "admin_hours_share",
        "administration share of hours",
        "share of hours",
        _LOWER,
        "time",
        "Share of the professional hours in the window spent on administration.",
        "Sum of the value of `admin` records in the window, divided by `hours_total`.",
        key_table=True,
    ),
    Outcome(
        "hours_total",
        "professional hours",
        "hours",
        _NEITHER,
        "time",
        "Professional hours in the window: intakes, administration, direct care (planned), "
        "coordination and travel, of every family.",
        f"Sum of the value of {_HOURS_KINDS} records in the window.",
    ),
    *_HOURS,
    # ------------------------------------------------------------------- escalation
    Outcome(
        "escalations",
        "escalations",
        "escalations",
        _LOWER,
        "escalation",
        "Needs that became more severe in the window (while waiting, or on recurrence), "
        "of every family.",
        "`escalation` records in the window.",
        key_table=True,
    ),
    Outcome(
        "vt_reports",
        "Veilig Thuis reports",
        "reports",
        _NEITHER,
        "escalation",
        "Reports to Veilig Thuis in the window: first, repeat and follow-up reports.",
        "`signal` records in the window with aux (report type) first, repeat or follow_up.",
    ),
    Outcome(
        "repeat_report_share",
        "repeat reports",
        "share of VT reports",
        _LOWER,
        "escalation",
        "Share of the Veilig Thuis reports in the window about a family Veilig Thuis had "
        "known before (an earlier case, closed).",
        "`signal` records in the window with aux = repeat, divided by `vt_reports`.",
        key_table=True,
    ),
    Outcome(
        "follow_up_report_share",
        "follow-up reports",
        "share of VT reports",
        _NEITHER,
        "escalation",
        "Share of the Veilig Thuis reports in the window about a family with a case open at "
        "Veilig Thuis at the time.",
        "`signal` records in the window with aux = follow_up, divided by `vt_reports`.",
    ),
    # ------------------------------------------------------------------- care
    Outcome(
        "dropouts",
        "dropouts",
        "needs",
        _LOWER,
        "care",
        "Needs that arose in the window whose family stopped showing up, by the end of the "
        "run; they are left without care.",
        "`need` records in the window whose need has a `dropout`.",
    ),
    Outcome(
        "unmet_need_share",
        "needs without care",
        "share of needs",
        _LOWER,
        "care",
        "Share of the needs that arose in the window without care by the end: dropped out, "
        "or still waiting when the run ended.",
        "`need` records in the window whose need has no `care_start`, divided by `needs`.",
        key_table=True,
        area=AreaMean("needs_uncared", "needs"),
    ),
    Outcome(
        "care_success_share",
        "care that resolved the need",
        "share of care ended",
        _HIGHER,
        "care",
        "Share of the care that ended in the window with the need resolved, of every family.",
        "Mean of the detail (1 resolved, 0 not) of `care_end` records in the window.",
    ),
    # ------------------------------------------------------------------- cost
    Outcome(
        "cost_eur_total",
        "cost of care",
        "EUR",
        _LOWER,
        "cost",
        "What the professional hours and planned shelter days of the window cost, of every "
        "family: hours at the hourly cost of the organisation's domain, days at its day "
        "cost; the reorganisation's costs apart.",
        f"Sum over {_HOURS_KINDS} records in the window of value x the domain's hourly cost, "
        "plus aux (care days) x the domain's day cost of `care_start` records.",
    ),
    Outcome(
        "cost_eur_per_family",
        "cost per family",
        "EUR per family",
        _LOWER,
        "cost",
        "`cost_eur_total` per measured family (the total also holds the window's care of "
        "families known before it).",
        "`cost_eur_total` (from hours records and `care_start`) divided by `families`.",
        key_table=True,
    ),
    Outcome(
        "fte_total",
        "professionals",
        "FTE",
        _NEITHER,
        "cost",
        "Professionals at all organisations, in full-time equivalents: an input, to read "
        "hours and cost against.",
        "Not from the log: the organisations' staff (RunInfo.fte_total), no event kind.",
    ),
    Outcome(
        "paid_hours_casework",
        "paid hours of case-carrying staff",
        "hours",
        _NEITHER,
        "cost",
        "Hours paid to case-carrying professionals in the window, busy or not.",
        "Sum over `staffing` records (role casework) of value (FTE) x weekly hours / 7 x the "
        "days of the window after the record.",
    ),
    Outcome(
        "idle_hours_share",
        "paid time not spent on a family",
        "share",
        _NEITHER,
        "cost",
        "Share of case-carrying staff's paid hours booked to no family: the slack that "
        "keeps queues short, largest in small teams sized for their peaks.",
        "1 - `hours_total` (hours records) / `paid_hours_casework` (`staffing` records).",
        key_table=True,
    ),
    Outcome(
        "paid_hours_overhead",
        "paid hours of management and back office",
        "hours",
        _LOWER,
        "cost",
        "Hours paid to overhead staff (management, back office) in the window: a fixed part "
        "per organisation and a part that grows with it.",
        "As `paid_hours_casework`, over `staffing` records of role overhead.",
    ),
    Outcome(
        "hours_governance",
        "governance hours",
        "hours",
        _LOWER,
        "cost",
        "Hours of officials and managers in regional bodies in the window.",
        "Sum of the value of `governance` records in the window.",
    ),
    Outcome(
        "cost_eur_full",
        "full cost",
        "EUR",
        _LOWER,
        "cost",
        "What the window costs in full: every paid hour of case-carrying and overhead "
        "staff (idle or not) at its domain's hourly cost, planned shelter days at the day "
        "cost, and governance hours; the reorganisation's one-off costs apart.",
        "Paid hours from `staffing` records x the domain's hourly cost, plus aux x day cost "
        "of `care_start` records in the window, plus `governance` hours x their hourly cost.",
        key_table=True,
    ),
    Outcome(
        "cost_eur_governance",
        "cost of governance",
        "EUR",
        _LOWER,
        "cost",
        "`hours_governance` at the hourly cost of officials and managers (borne by the "
        "municipalities).",
        "Sum of the value of `governance` records in the window x governance.hourly_cost_eur.",
    ),
    # ------------------------------------------------------------------- scheme
    Outcome(
        "sister_team_share",
        "first contacts by a sister team",
        "share",
        _NEITHER,
        "scheme",
        "Share of first contacts made by another team of the same organisation than the "
        "family's own (pooling at work).",
        "Mean of the aux of `assigned` records in the window.",
    ),
    Outcome(
        "familiarity_at_handover_mean",
        "familiarity at handover",
        "0..1",
        _HIGHER,
        "scheme",
        "How well senders knew the organisation they handed over to, on average.",
        "Mean of the value of `handover_received` records in the window.",
    ),
    Outcome(
        "rule_book_crossing_share",
        "handovers into another rule book",
        "share",
        _LOWER,
        "scheme",
        "Share of handovers where sender and receiver work under different rule books for "
        "the family (other forms and codes: more paperwork, more information lost).",
        "Share of `handover_received` records in the window whose aux has the rule_book flag.",
    ),
    Outcome(
        "rule_books_per_organisation_mean",
        "rule books per organisation",
        "count",
        _LOWER,
        "scheme",
        "Rule books an organisation's professionals work under, on average over the "
        "organisations paid at the end of the run.",
        "Per organisation the aux of its last `staffing` record (casework); mean over those "
        "whose staffing records sum to more than zero FTE.",
    ),
    Outcome(
        "specialised_handovers",
        "handovers to a supra-regional provider",
        "count",
        _NEITHER,
        "scheme",
        "Handovers of specialised needs to a supra-regional provider, by organisations "
        "below the minimum scale.",
        "`handover_received` records in the window whose aux has the specialist flag.",
    ),
    Outcome(
        "governance_bodies",
        "regional bodies",
        "count",
        _NEITHER,
        "scheme",
        "Regional bodies governing the organisations (a region of more than one "
        "municipality; shared by domains with the same regions).",
        "Distinct aux of the `governance` records of the last month booked.",
    ),
    # ------------------------------------------------------------------- check
    Outcome(
        "littles_law_max_rel_error",
        "Little's law error in the window, largest",
        "share of L",
        _NEITHER,
        "check",
        "The largest |L - lambda W| / L over the organisations with a case present in the "
        "window, in Little's law's finite-window form, which holds exactly on a consistent "
        "log: zero up to rounding, so anything larger is a bookkeeping error (an arrival or "
        "departure missing or recorded twice). organisations.csv has L, lambda, W per "
        "organisation; NaN when no organisation had a case.",
        "Per organisation, a case is there from its `queued` (or a `transfer` that moved it "
        "there while it waited) to its `closed` (or the `transfer` that moved it away). L "
        "is the area under the number present in the window, counted from those records "
        "alone, divided by the window; lambda every case present at some moment of the "
        "window, per day; W the mean time each of them spent inside the window.",
        key_table=True,
    ),
    Outcome(
        "littles_law_organisations",
        "organisations checked",
        "organisations",
        _NEITHER,
        "check",
        "Organisations with a case present in the window, over which "
        "`littles_law_max_rel_error` is taken.",
        "Organisations with a stay (from `queued`, or a `transfer` there, to `closed`, or a "
        "`transfer` away) that overlaps the window.",
    ),
    Outcome(
        "littles_law_steady_state_max_rel_error",
        "Little's law error in steady state, largest",
        "share of L",
        _NEITHER,
        "check",
        "The largest |L - lambda W| / L over the organisations with at least "
        "LITTLE_MIN_CLOSED closed cases in the window, with lambda the cases that closed "
        "in the window per day and W their whole stay: small in steady state, large when "
        "queues grow or stays are long for the window; NaN when no organisation qualifies.",
        "Stays as for `littles_law_max_rel_error`: L is the time-average number present in "
        "the window, lambda the stays that ended (`closed`, or a `transfer` away) in it per "
        "day, W their mean length, time before the window included.",
    ),
    Outcome(
        "littles_law_steady_state_organisations",
        "organisations checked in steady state",
        "organisations",
        _NEITHER,
        "check",
        "Organisations with at least LITTLE_MIN_CLOSED closed cases in the window, over "
        "which `littles_law_steady_state_max_rel_error` is taken.",
        "Organisations with at least LITTLE_MIN_CLOSED stays that ended (`closed`, or a "
        "`transfer` away) in the window.",
    ),
    # ------------------------------------------------------------------- by domain
    Outcome(
        _BY_DOMAIN + "handovers_in",
        "handovers in",
        "handovers",
        _NEITHER,
        "by_domain",
        "Handovers sent in the window to an organisation of the domain.",
        "`handover_sent` records in the window whose receiving org (detail) is of the domain.",
    ),
    Outcome(
        _BY_DOMAIN + "handover_delay_days_mean",
        "handover delay, mean",
        "days",
        _LOWER,
        "by_domain",
        "`handover_delay_days_mean` over the handovers to an organisation of the domain.",
        "As `handover_delay_days_mean` (`handover_sent`, `assigned`), for handovers whose "
        "receiving org is of the domain.",
    ),
    Outcome(
        _BY_DOMAIN + "needs",
        "needs arisen",
        "needs",
        _NEITHER,
        "by_domain",
        "Needs of the domain that arose in the window.",
        "`need` records in the window with the domain.",
    ),
    Outcome(
        _BY_DOMAIN + "signal_to_care_days_mean",
        "signal to care, mean",
        "days",
        _LOWER,
        "by_domain",
        "`signal_to_care_days_mean` over the needs of the domain.",
        "As `signal_to_care_days_mean` (`need`, `care_start`), for needs of the domain.",
    ),
    Outcome(
        _BY_DOMAIN + "signal_to_care_days_p90",
        "signal to care, 90th percentile",
        "days",
        _LOWER,
        "by_domain",
        "`signal_to_care_days_p90` over the needs of the domain.",
        "As `signal_to_care_days_p90` (`need`, `care_start`), for needs of the domain.",
    ),
    Outcome(
        _BY_DOMAIN + "unmet_need_share",
        "needs without care",
        "share of needs",
        _LOWER,
        "by_domain",
        "`unmet_need_share` of the needs of the domain.",
        "As `unmet_need_share` (`need`, `care_start`), for needs of the domain.",
    ),
    Outcome(
        _BY_DOMAIN + "cost_eur_total",
        "cost of care",
        "EUR",
        _LOWER,
        "by_domain",
        "The domain's part of `cost_eur_total`: what its organisations' professional hours "
        "and planned days of the window cost. The four parts add up to `cost_eur_total`, so "
        "that the cost-benefit account can price Veilig Thuis apart.",
        f"As `cost_eur_total` ({_HOURS_KINDS}), over the records of organisations of the domain.",
    ),
    Outcome(
        _BY_DOMAIN + "cost_eur_full",
        "full cost",
        "EUR",
        _LOWER,
        "by_domain",
        "The domain's part of `cost_eur_full`: every paid hour of its organisations' staff, "
        "idle or not, and its planned days. Governance belongs to no domain: the four parts "
        "add up to `cost_eur_full` minus `cost_eur_governance`.",
        "As `cost_eur_full` (`staffing`, `care_start`), over the records of organisations "
        "of the domain, without `governance` records.",
    ),
    # ------------------------------------------------------------------- reorganisation
    Outcome(
        "reorganisation_cost_eur",
        "reorganisation cost",
        "EUR",
        _LOWER,
        "reorganisation",
        "One-off costs of the run's reorganisations plus the paid hours they take "
        "(contracting gap, learning, training, transfer work) at the domain's hourly cost; "
        "vacant posts lose hours but cost nothing. 0 without a reorganisation.",
        "Sum of the value of `transition_cost` records, plus value x the domain's hourly "
        "cost of `transition_hours` records with aux = 1 (paid), over the whole run.",
        reorganisation_figure=True,
    ),
    Outcome(
        "reorganisation_hours_lost",
        "hours lost to the reorganisation",
        "hours",
        _LOWER,
        "reorganisation",
        "Professional hours the reorganisations take from families, paid or not (vacant "
        "posts included). 0 without a reorganisation.",
        "Sum of the value of `transition_hours` records over the whole run.",
        reorganisation_figure=True,
    ),
    Outcome(
        "reorganisation_cases_transferred",
        "cases transferred",
        "cases",
        _LOWER,
        "reorganisation",
        "Cases a reorganisation moved to the newly responsible organisation. 0 without a "
        "reorganisation.",
        "Distinct case ids before the move (the value) of `transfer` records.",
        reorganisation_figure=True,
    ),
    Outcome(
        "reorganisation_extra_intakes",
        "extra intakes",
        "intakes",
        _LOWER,
        "reorganisation",
        "Intakes from the first reorganisation to the end of the run, minus those of the "
        "counterfactual (the same scenario and seed without reorganisations). 0 without a "
        "reorganisation.",
        "`intake` records from the day of the first reorganisation on, this run's minus the "
        "counterfactual run's.",
        reorganisation_figure=True,
    ),
    Outcome(
        "reorganisation_extra_wait_days",
        "extra waiting",
        "need-days",
        _LOWER,
        "reorganisation",
        "Need-days of waiting from the first reorganisation to the end, minus the "
        "counterfactual's: a need waits from when it arises until its care starts or the "
        "family drops out, and care interrupted by a transfer until it resumes. 0 without a "
        "reorganisation.",
        "Time between a `need` and its first `care_start` or `dropout` (or the end), and "
        "between a `transfer` in care (aux = care) and its `care_resumed` (or the end), "
        "from the day of the first reorganisation on; this run's minus the counterfactual's.",
        reorganisation_figure=True,
    ),
    Outcome(
        "recovery_days",
        "recovery time",
        "days",
        _LOWER,
        "reorganisation",
        "Days from the first reorganisation until the rolling signal-to-care delay (needs "
        "that came to light in the last recovery.window_days) is at most "
        "1 + recovery.tolerance_share times the counterfactual's for recovery.confirm_days "
        "in a row; the run's last window is not judged. Null (NaN) when it never is; 0 "
        "without a reorganisation.",
        "Per day, the mean of the earliest `care_start` minus the `need` time over the "
        "needs that came to light in the trailing window (with care by the end), this run's "
        "against the counterfactual's.",
        reorganisation_figure=True,
    ),
    Outcome(
        "reorganisation_recovered",
        "recovered",
        "0 or 1",
        _HIGHER,
        "reorganisation",
        "1 when the delay came back within tolerance (`recovery_days` is a number), 0 when "
        "it never did; 1 without a reorganisation.",
        "From the comparison of `recovery_days` (`need`, `care_start`).",
        reorganisation_figure=True,
    ),
    Outcome(
        "cost_eur_incl_reorganisation",
        "cost including the reorganisation",
        "EUR",
        _LOWER,
        "cost",
        "The cost of care plus the reorganisation's: `cost_eur_total` + `reorganisation_cost_eur`.",
        "`cost_eur_total` (hours records, `care_start`) plus `reorganisation_cost_eur` "
        "(`transition_cost`, `transition_hours`).",
    ),
    Outcome(
        _REORG + "days",
        "reorganisation days",
        "days after the warm-up",
        _NEITHER,
        "reorganisation",
        "The day of each reorganisation, counted from the end of the warm-up (a list).",
        "Not from the log: the scenario's [[reorganisation]] tables, no event kind.",
        when=When.REORGANISING,
        scalar=False,
    ),
    *(
        Outcome(
            _REORG + what,
            what.replace("_", " "),
            unit,
            _NEITHER,
            "reorganisation",
            meaning,
            f"Sum of the aux (how many) of `transition_cost` records with detail = {item}.",
            when=When.REORGANISING,
        )
        for what, item, unit, meaning in (
            (
                "organisations_created",
                "organisation_created",
                "organisations",
                "Organisations the reorganisations set up.",
            ),
            (
                "organisations_dissolved",
                "organisation_dissolved",
                "organisations",
                "Organisations they dissolved.",
            ),
            (
                "professionals_moved",
                "professionals_moved",
                "professionals",
                "Professionals who moved to another organisation.",
            ),
            ("leavers", "leavers", "professionals", "Professionals who left rather than move."),
        )
    ),
    Outcome(
        _REORG + "cases_transferred_in_care",
        "cases transferred in care",
        "cases",
        _NEITHER,
        "reorganisation",
        "Of `reorganisation_cases_transferred`, the cases moved while in care (their care "
        "is interrupted until it resumes).",
        "Distinct case ids before the move (the value) of `transfer` records with aux = care.",
        when=When.REORGANISING,
    ),
    Outcome(
        _REORG + "cost_eur_by_item.<item>",
        "one-off cost",
        "EUR",
        _NEITHER,
        "reorganisation",
        "One-off euros of the reorganisations, by item (TRANSITION_ITEMS).",
        "Sum of the value of `transition_cost` records with detail = the item.",
        when=When.REORGANISING,
    ),
    Outcome(
        _REORG + "hours_lost_by_reason.<reason>",
        "hours lost",
        "hours",
        _NEITHER,
        "reorganisation",
        "Hours lost to the reorganisations, paid or not, by reason (LOSS_REASONS).",
        "Sum of the value of `transition_hours` records with detail = the reason.",
        when=When.REORGANISING,
    ),
    # ------------------------------------------------------------------- machine
    Outcome(
        "wall_seconds",
        "wall time",
        "seconds",
        _NEITHER,
        "machine",
        "How long `sdsim run` took (also in manifest.json); varies with the machine, so it "
        "is no outcome and stays out of every table.",
        "Not from the log: timed around the run, no event kind.",
        when=When.MACHINE,
    ),
    Outcome(
        "events_processed",
        "events processed",
        "events",
        _NEITHER,
        "machine",
        "Events the engine handled in `sdsim run` (also in manifest.json); a measure of "
        "work, no outcome.",
        "Not from the log: counted by the engine, no event kind.",
        when=When.MACHINE,
    ),
)

_BY_NAME: dict[str, Outcome] = {n: o for o in OUTCOMES for n in (o.name, *o.names())}


def outcome(name: str) -> Outcome:
    """The declaration of a name, also of one member of a family
    (`by_domain.youth.needs` gives `by_domain.<domain>.needs`)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name!r} is no declared outcome (model/records/outcomes.py)") from None


def flat_names(reorganising: bool = False, lists: bool = False) -> tuple[str, ...]:
    """Every key of a run's summary.json, nested ones by dotted name, in the summary's order
    (a family's members grouped by the placeholder's value, as they are nested): what
    `sdsim sweep` records for each run. With `reorganising`, also the breakdown a
    reorganising run adds; with `lists`, also its non-scalar entries."""
    allowed = {When.ALWAYS, *((When.REORGANISING,) if reorganising else ())}
    chosen = [o for o in OUTCOMES if o.when in allowed and (o.scalar or lists)]
    out: list[str] = []
    i = 0
    while i < len(chosen):
        head = chosen[i].name
        placeholder = next((p for p in PLACEHOLDERS if p in head), None)
        if placeholder is None:
            out.append(head)
            i += 1
            continue
        stem = head[: head.index(placeholder) + len(placeholder)]
        j = i
        while j < len(chosen) and chosen[j].name.startswith(stem):
            j += 1
        family = chosen[i:j]
        out += [o.name.replace(placeholder, v) for v in PLACEHOLDERS[placeholder] for o in family]
        i = j
    return tuple(out)


def in_group(group: str) -> tuple[Outcome, ...]:
    return tuple(o for o in OUTCOMES if o.group == group)


# The rows of `sdsim run` and `sdsim compare` (in summary order).
KEY_TABLE: tuple[str, ...] = tuple(o.name for o in OUTCOMES if o.key_table)
# Means per municipality and region (municipalities.csv, maps, `sdsim map --metric`).
AREA_MEANS: dict[str, AreaMean] = {o.name: o.area for o in OUTCOMES if o.area is not None}
AREA_MEAN_NAMES: tuple[str, ...] = tuple(AREA_MEANS)
# The figures a reorganisation adds to summary.json (all zero without one).
REORGANISATION: tuple[str, ...] = tuple(o.name for o in OUTCOMES if o.reorganisation_figure)
# The extra rows printed when a scenario reorganises: its figures, then care cost beside
# the cost including the reorganisation.
REORGANISATION_ROWS: tuple[str, ...] = (
    *REORGANISATION,
    "cost_eur_total",
    "cost_eur_incl_reorganisation",
)
# In sdsim run's summary.json, but not outcomes: they vary with the machine.
MACHINE: tuple[str, ...] = tuple(o.name for o in OUTCOMES if o.when is When.MACHINE)


def _check() -> None:
    """Declarations that could not be right, caught at import rather than in a report."""
    names = [n for o in OUTCOMES for n in o.names()]
    if len(names) != len(set(names)):
        raise ValueError("an outcome is declared twice")
    for o in OUTCOMES:
        if o.group not in GROUPS or not (o.unit and o.label and o.meaning and o.computed):
            raise ValueError(f"{o.name}: unknown group or an empty field")
    for n in REORGANISATION_ROWS:
        if outcome(n).when is not When.ALWAYS:
            raise ValueError(f"{n}: a table row must be in every summary")


_check()

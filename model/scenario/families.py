"""Families and their needs: how they arrive, how motivation fades while they wait, and
how needs escalate and come back."""

from __future__ import annotations

from pydantic import (
    model_validator,
)

from model.scenario.base import (
    ASSUMPTION,
    SRC_CAO_HOURS,
    SRC_CBS_HOUSEHOLDS,
    SRC_VT_POLICE,
    P,
    Strict,
)
from model.scenario.domains import Triple


# ----------------------------------------------------------------------------- families
class FamilyConfig(Strict):
    households_per_inhabitant: float = P(
        0.46,
        unit="households/inhabitant",
        source=SRC_CBS_HOUSEHOLDS,
        gt=0,
        le=1,
        doc="households at risk of a need each year",
    )
    need_correlation: float = P(
        0.5,
        unit="0..1",
        source="assumption; NJi 2016-17: 26-70 thousand multi-problem families",
        ge=0,
        lt=1,
        doc="shared latent factor between domains' needs (multi-problem families)",
    )
    single_parent_share: float = P(
        0.3, unit="share", source=ASSUMPTION, ge=0, le=1, doc="families with one adult"
    )
    children_mean: float = P(
        1.9,
        unit="children",
        source=ASSUMPTION,
        ge=1,
        le=10,
        doc="children per family (at least one)",
    )
    vt_entry_share: float = P(
        0.8,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="families with a safety need whose first signal is a report to Veilig Thuis",
    )
    vt_source_shares: dict[str, float] = P(
        {"police": 0.70, "school": 0.08, "neighbours": 0.07, "family": 0.05, "professional": 0.10},
        unit="shares",
        source=SRC_VT_POLICE,
        doc="who reports to Veilig Thuis",
    )
    wijkteam_source_shares: dict[str, float] = P(
        {"family": 0.5, "school": 0.2, "gp": 0.2, "neighbours": 0.1},
        unit="shares",
        source=ASSUMPTION,
        doc="who brings a family to the wijkteam",
    )
    vt_known_before_share: float = P(
        0.35,
        unit="share",
        source="history before the simulated period; calibrated to CBS 85361NED 2023: 38.1 % of "
        "Veilig Thuis reports are repeat reports (docs/calibration.md)",
        ge=0,
        le=1,
        doc="families the simulation meets for the first time whom Veilig Thuis knew already",
    )
    motivation_decay_days: float = P(
        60.0,
        unit="days",
        source="assumption; seed 004: motivation fades when help comes late",
        gt=0,
        le=10_000,
        doc="e-folding time of a family's motivation after an incident",
    )
    motivation_floor: float = P(
        0.4,
        unit="factor",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="care success multiplier when motivation has faded entirely",
    )
    retelling_motivation_loss: float = P(
        0.1,
        unit="share per story told again",
        source="assumption (to sweep); seed 004: a family that must tell a serious story again "
        "and again before anything happens loses heart",
        ge=0,
        le=1,
        doc="each full intake beyond a need's first multiplies the family's motivation for it "
        "by (1 - this): lower success, more dropout",
    )
    continuity_success_bonus: float = P(
        0.1,
        unit="share",
        source="assumption (to sweep); seed 004: one face a family keeps ('het gezicht')",
        ge=0,
        le=1,
        doc="care by the professional who first met the family for the need raises its chance "
        "of success by this share; a handover or a reorganisation changes the professional, "
        "and the professional may leave during care (workforce.turnover_per_year)",
    )
    dropout_max_share: float = P(
        0.25,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="share of families who no longer show up once motivation has faded entirely",
    )

    @model_validator(mode="after")
    def _shares(self) -> FamilyConfig:
        for field in ("vt_source_shares", "wijkteam_source_shares"):
            shares = getattr(self, field)
            if not shares or min(shares.values()) < 0 or abs(sum(shares.values()) - 1) > 1e-6:
                raise ValueError(f"{field} must be non-negative shares summing to 1")
        return self


class HandoverConfig(Strict):
    """What crossing a border does to a handover, and how familiarity softens it."""

    latency_shape: float = P(
        2.0,
        unit="gamma shape",
        source=ASSUMPTION,
        gt=0,
        le=1000,
        doc="spread of handover latency (large: nearly fixed)",
    )
    region_border_latency_days: float = P(
        7.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=365,
        doc="extra latency when sender's and receiver's regions do not nest",
    )
    province_border_latency_days: float = P(
        7.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=365,
        doc="further latency when the organisations sit in different provinces",
    )
    region_border_info_loss_prob: float = P(
        0.25,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="chance information is lost across a region border",
    )
    province_border_info_loss_prob: float = P(
        0.15,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="further chance of loss across a province border",
    )
    familiarity_cases_scale: float = P(
        5.0,
        unit="joint cases",
        source=ASSUMPTION,
        gt=0,
        le=10_000,
        doc="joint cases after which a professional knows an organisation (1 - 1/e)",
    )
    boundary_spanner_familiarity: float = P(
        0.8,
        unit="0..1",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="how well a boundary spanner knows every neighbouring organisation",
    )
    familiarity_latency_effect: float = P(
        0.5,
        unit="share",
        source="assumption (DESIGN.md: no Dutch figure for the effect size; to sweep)",
        ge=0,
        le=1,
        doc="share of the transfer latency a sender who fully knows the receiver saves (border "
        "latency: all of it); familiarity acts on every handover",
    )
    info_loss_prob: float = P(
        0.05,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="chance information is lost on any handover between strangers (familiarity lowers it)",
    )
    rule_book_info_loss_prob: float = P(
        0.1,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="further chance of loss when sender and receiver work under different rule books "
        "for the family (other forms, other product codes)",
    )
    rule_book_crossing_admin_hours: float = P(
        0.5,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=100,
        doc="sender's extra time translating a case into another rule book's forms and codes",
    )
    crisis_latency_factor: float = P(
        0.5,
        unit="factor",
        source="assumption (to sweep); seed 004: in a crisis organisations act together at "
        "once, below it a case is pushed along the chain",
        ge=0,
        le=1,
        doc="multiplies the latency of a handover of a need at the highest severity (a crisis)",
    )
    specialised_latency_days: float = P(
        14.0,
        unit="days",
        source="assumption; DESIGN.md: functions bought supra-regionally or nationally "
        "(Landelijk Transitiearrangement) come with longer latency",
        ge=0,
        le=365,
        doc="extra latency of a handover to a supra-regional provider of specialised care",
    )


class EscalationConfig(Strict):
    incident_rate_while_waiting_per_year: Triple = P(
        (0.3, 0.85, 2.2),
        unit="incidents/year (mild, moderate, severe)",
        source="calibrated to CBS 85361NED 2023: 28.5 % of reports are follow-ups during an "
        "open case (docs/calibration.md)",
        doc="incidents in a family while a need waits for care or Veilig Thuis investigates",
    )
    recurrence_after_success: float = P(
        0.1, unit="probability", source=ASSUMPTION, ge=0, le=1, doc="a resolved need comes back"
    )
    recurrence_after_failure: float = P(
        0.5,
        unit="probability",
        source="Verwey-Jonker 2020: > 50 % still severe 1.5 years after the report",
        ge=0,
        le=1,
        doc="an unresolved need comes back",
    )
    recurrence_after_dropout: float = P(
        0.6,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="a need left without care comes back",
    )
    recurrence_mean_days: float = P(
        240.0,
        unit="days",
        source=ASSUMPTION,
        gt=0,
        le=10_000,
        doc="mean time until a need comes back",
    )
    preventive_support: bool = P(
        False,
        unit="-",
        source="seed 003: low-threshold services (voorliggend veld)",
        doc="mild needs get preventive support at the wijkteam",
    )
    preventive_effect: float = P(
        0.5,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="reduction of the recurrence of mild needs that had preventive support",
    )
    preventive_hours: float = P(
        4.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=200,
        doc="wijkteam time of one preventive trajectory",
    )


class WorkforceConfig(Strict):
    weekly_hours_per_fte: float = P(
        36.0, unit="hours/week", source=SRC_CAO_HOURS, gt=0, le=80, doc="contract hours of one FTE"
    )
    staffing_factor: float = P(
        1.0,
        unit="factor",
        source="-",
        gt=0,
        le=10,
        doc="multiplies every domain's fte_per_100k: below 1 the queues saturate, above 1 "
        "they empty (to cross utilisation with the scheme)",
    )
    min_fte_per_organisation: float = P(
        0.0,
        unit="FTE",
        source="assumption: none; capacity follows population (every organisation and team "
        "keeps at least one case slot), so small organisations are not padded with staff",
        ge=0,
        le=1000,
        doc="smallest case-carrying staff an organisation can run on",
    )
    overhead_fte_per_organisation: float = P(
        1.0,
        unit="FTE",
        source="assumption; DESIGN.md: every organisation carries management and back office, "
        "whatever its size (management 5.3 % of FTE in small, 4.0 % in large organisations)",
        ge=0,
        le=1000,
        doc="management and back office every organisation carries (paid, carries no cases)",
    )
    overhead_share: float = P(
        0.12,
        unit="share of case-carrying FTE",
        source="Berenschot; Zorgvisie 2016: overhead 13-21 % of FTE in Dutch care (with the "
        "fixed part above)",
        ge=0,
        le=2,
        doc="overhead that grows with the organisation",
    )
    overflow_max_km: float = P(
        20.0,
        unit="km",
        source=ASSUMPTION,
        ge=0,
        le=1000,
        doc="with pooling 'overflow', a sister team this close (seat to seat, straight line) "
        "may take a family its own team has no place for",
    )
    turnover_per_year: float = P(
        0.11,
        unit="share/year",
        source="CBS: ~11 % a year in health and welfare (2023); jeugdbescherming ~20 %",
        ge=0,
        lt=1,
        doc="professionals who leave a year; what they knew of partner organisations leaves with "
        "them, so familiarity erodes at this rate",
    )
    rule_book_admin_growth: float = P(
        0.1,
        unit="share per ln(rule books)",
        source="assumption: 8 rule books give +21 %, about the gap between youth care (38 % of "
        "time on administration) and health and welfare (30-31 %), CBS AZW 2021-25",
        ge=0,
        le=5,
        doc="registration and reporting time grow by this factor times ln(rule books the "
        "organisation works under)",
    )
    travel_speed_kmh: float = P(
        40.0, unit="km/h", source=ASSUMPTION, gt=0, le=200, doc="average speed of a home visit"
    )
    local_travel_km: float = P(
        4.0,
        unit="km",
        source=ASSUMPTION,
        ge=0,
        le=500,
        doc="one-way distance of a visit inside the organisation's own municipality",
    )
    road_factor: float = P(
        1.3,
        unit="factor",
        source=ASSUMPTION,
        ge=1,
        le=5,
        doc="road distance over straight-line distance",
    )
    coordination_hours_per_org_week: float = P(
        0.5,
        unit="hours/week",
        source="assumption; NH Nieuws 2021: one family had 28 professionals",
        ge=0,
        le=40,
        doc="each professional's meeting time per other organisation on the family",
    )
    coordination_border_factor: float = P(
        1.5,
        unit="factor",
        source=ASSUMPTION,
        ge=1,
        le=10,
        doc="coordination is costlier when the organisations' regions do not nest",
    )


class GovernanceConfig(Strict):
    """What regional bodies cost: every region of more than one municipality is a body that
    its members' officials and managers attend (DESIGN.md, governance)."""

    hours_per_body_year: float = P(
        500.0,
        unit="hours/year",
        source="assumption: a board and its secretariat, about ten meetings a year",
        ge=0,
        le=1e6,
        doc="fixed hours a regional body costs a year",
    )
    hours_per_member_year: float = P(
        100.0,
        unit="hours/year",
        source="assumption: an alderman and an official preparing and attending; BZK 2020: 1,284 "
        "bodies, 33 per municipality on average",
        ge=0,
        le=1e5,
        doc="hours per member municipality a year, in every body it sits in",
    )
    hourly_cost_eur: float = P(
        80.0,
        unit="EUR/hour",
        source="assumption: municipal officials' and managers' hourly cost",
        ge=0,
        le=1000,
        doc="cost of an hour of governance",
    )

"""How a case moves between organisations: the referral, warm and integrated protocols."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    model_validator,
)

from model.scenario.base import ASSUMPTION, P, Strict, merge_named_defaults


# ----------------------------------------------------------------------------- protocols
class ProtocolConfig(Strict):
    """What a handover costs and carries under one way of cooperating."""

    receiver_intake: Literal["full", "short", "none"] = P(
        "full",
        unit="-",
        source="DESIGN.md",
        doc="intake at the receiving organisation; only 'full' means telling the story again",
    )
    transfer_latency_days: float = P(
        10.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=365,
        doc="mean time a handover takes to reach the receiver's queue",
    )
    sender_admin_hours: float = P(
        2.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=100,
        doc="sender's time re-typing the case into the receiver's form",
    )
    joint_contact_hours: float = P(
        0.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=100,
        doc="sender's time at a joint first contact with the receiver",
    )
    municipal_decision: bool = P(
        True,
        unit="-",
        source="Jeugdwet: access to specialised youth care needs a municipal decision "
        "(beschikking); so do Wmo support (Wmo 2015) and income support (Participatiewet)",
        doc="handovers to youth care, Wmo and work and income wait for the municipality's "
        "decision (each domain's decision_latency_days)",
    )
    direct_referral: bool = P(
        False,
        unit="-",
        source="seed 004: cases are pushed through the chain",
        doc="Veilig Thuis sends needs straight to the responsible organisation instead of via the wijkteam",
    )
    handover_after_intake: bool = P(
        False,
        unit="-",
        source="DESIGN.md, integrated: one family, one plan",
        doc="all handovers leave right after the first intake, not after Veilig Thuis's investigation",
    )
    boundary_spanner_share: float = P(
        0.0,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="share of professionals who work across organisational borders (Williams 2002, seed 000)",
    )
    coordination_factor: float = P(
        1.0,
        unit="factor",
        source=ASSUMPTION,
        ge=0,
        le=10,
        doc="multiplies coordination hours; one coordinator and one plan need fewer meetings",
    )


def _protocol(**values: Any) -> dict[str, Any]:
    return values


PROTOCOL_DEFAULTS: dict[str, dict[str, Any]] = {
    "referral": _protocol(
        receiver_intake="full",
        transfer_latency_days=10.0,
        sender_admin_hours=2.0,
        joint_contact_hours=0.0,
        municipal_decision=True,
        direct_referral=False,
        handover_after_intake=False,
        boundary_spanner_share=0.0,
        coordination_factor=1.0,
    ),
    "warm": _protocol(
        receiver_intake="short",
        transfer_latency_days=4.0,
        sender_admin_hours=0.5,
        joint_contact_hours=1.5,
        municipal_decision=True,
        direct_referral=False,
        handover_after_intake=False,
        boundary_spanner_share=0.1,
        coordination_factor=1.0,
    ),
    "integrated": _protocol(
        receiver_intake="none",
        transfer_latency_days=2.0,
        sender_admin_hours=0.25,
        joint_contact_hours=1.0,
        municipal_decision=False,
        direct_referral=True,
        handover_after_intake=True,
        boundary_spanner_share=0.5,
        coordination_factor=0.6,
    ),
}


class Protocols(Strict):
    referral: ProtocolConfig
    warm: ProtocolConfig
    integrated: ProtocolConfig

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: Any) -> Any:
        return merge_named_defaults(data, PROTOCOL_DEFAULTS)

"""The validated scenario: every parameter of the model, with its unit and its source.

A scenario file (TOML) only states what differs from the defaults; it is deep-merged onto
them and validated here. Each field says its unit (in its name or its `unit`) and where
its default comes from (`source`: a publication, or the word "assumption"), so that an
advisor can defend a figure or change it. `docs/parameters.md` is generated from this
schema (`sdsim params`).

The sections live in modules of their own (geography, protocols, domains, families,
journey, reorganisation); `scenario.py` joins them and loads files. This package is the
bottom layer above the vocabulary: it imports nothing else of the model.
"""

from model.scenario.base import (
    ASSUMPTION,
    P,
    ScenarioError,
    Strict,
    apply_overrides,
    format_validation_error,
    read_toml,
)
from model.scenario.domains import DomainConfig, Domains
from model.scenario.families import (
    EscalationConfig,
    FamilyConfig,
    GovernanceConfig,
    HandoverConfig,
    WorkforceConfig,
)
from model.scenario.geography import MapConfig, SchemeOptions, SchemeRules, SyntheticGeography
from model.scenario.journey import JourneyConfig, ScriptedNeed, ScriptedSignal
from model.scenario.protocols import PROTOCOL_DEFAULTS, ProtocolConfig, Protocols
from model.scenario.reorganisation import RecoveryConfig, ReorganisationConfig
from model.scenario.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = [
    "ASSUMPTION",
    "P",
    "Strict",
    "PROTOCOL_DEFAULTS",
    "DomainConfig",
    "Domains",
    "EscalationConfig",
    "FamilyConfig",
    "HandoverConfig",
    "JourneyConfig",
    "MapConfig",
    "ProtocolConfig",
    "Protocols",
    "RecoveryConfig",
    "ReorganisationConfig",
    "Scenario",
    "ScenarioError",
    "SchemeOptions",
    "SchemeRules",
    "ScriptedNeed",
    "ScriptedSignal",
    "SyntheticGeography",
    "GovernanceConfig",
    "WorkforceConfig",
    "apply_overrides",
    "format_validation_error",
    "load_scenario",
    "read_toml",
    "scenario_from_dict",
]

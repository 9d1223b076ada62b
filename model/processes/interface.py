"""What a process may ask of the model: the narrow interface between the processes (care,
signals, handover, escalation, reorganisation) and the engine that wires them.

The engine's `SocialDomainModel` provides it; a process never imports the engine (the
layers point one way), and a test may hand a process any object with these members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from model.agents.families import Family, FamilyStream, Need
    from model.agents.organisations import Organisation
    from model.processes.care import Care
    from model.processes.escalation import Escalation
    from model.processes.handover import Handovers
    from model.processes.reorganisation import Reorganiser
    from model.processes.signals import Signals
    from model.records.events import EventLog
    from model.scenario import ProtocolConfig, Scenario
    from model.world.geography import Geography, RegionSet


class Model(Protocol):
    # the world and its parameters
    scenario: Scenario
    geography: Geography
    regions: dict[str, RegionSet]
    orgs: list[Organisation]
    orgs_by_domain: list[list[Organisation]]
    stream: FamilyStream
    rng: np.random.Generator
    log: EventLog
    protocol: ProtocolConfig  # the protocol in force (a reorganisation may change it)
    end_day: float
    measure_from: float
    need_states: list[int]

    # the processes, so that one can hand a case to another
    care: Care
    signals: Signals
    handovers: Handovers
    escalation: Escalation
    reorganiser: Reorganiser | None

    def schedule(self, t: float, handler: Callable[[float, Any], None], obj: Any) -> None: ...
    def take_pending(self, objs: set[int]) -> list[tuple[float, Callable, Any]]: ...
    def pending(self) -> list[tuple[float, Callable, Any]]: ...
    def new_id(self, what: str) -> int: ...
    def new_need(self, t: float, fam: Family, domain: int, severity: int, luck: Any) -> Need: ...
    def fresh_luck(self, rng: np.random.Generator | None = None) -> tuple[float, ...]: ...
    def serving(self, domain: int, municipality: int) -> Organisation: ...
    def shelter_elsewhere(self, municipality: int) -> Organisation: ...
    def distance_km(self, municipality: int, seat: int) -> float: ...
    def staff(self, orgs: list[Organisation], rng: np.random.Generator) -> None: ...
    def rewire(self) -> None: ...

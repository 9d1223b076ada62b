"""What the model holds at the end of a run: only what can still matter.

A national run holds hundreds of thousands of families, needs and cases at once, and its
memory is their memory (docs/performance.md). These checks keep the two ways it grew
closed: a case kept alive by another that no longer needs it, and a family's open cases
out of step with its cases.
"""

import gc
from collections import defaultdict

import pytest

from model.agents.organisations import Case
from model.engine.simulation import SocialDomainModel
from model.vocabulary import CasePhase

NOT_TAKEN_ON = (CasePhase.TRANSIT, CasePhase.QUEUED)


def live_cases(model: SocialDomainModel) -> list[Case]:
    gc.collect()  # earlier tests' models, which hold cases in cycles
    return [o for o in gc.get_objects() if type(o) is Case and o.org.model is model]


def check_state(model: SocialDomainModel) -> None:
    cases = live_cases(model)
    assert len(cases) > 500, "a run with few open cases checks little"
    # A case lets go of its sender once taken on; until then it needs the sender's
    # organisation and professional (the handover's record, familiarity).
    for c in cases:
        if c.phase not in NOT_TAKEN_ON:
            assert c.sender is None
    # So a closed case still alive is the sender of a case not yet taken on, and nothing else.
    senders = {id(c.sender) for c in cases if c.phase in NOT_TAKEN_ON and c.sender is not None}
    for c in cases:
        if c.phase == CasePhase.CLOSED:
            assert id(c) in senders
    # A family's open cases are its cases not closed, each once, at its organisation.
    open_by_family = defaultdict(set)
    for c in cases:
        if c.phase != CasePhase.CLOSED:
            open_by_family[id(c.family)].add(id(c))
    families = {id(c.family): c.family for c in cases}
    for key, fam in families.items():
        assert len(fam.open_cases) == len(set(map(id, fam.open_cases)))
        assert set(map(id, fam.open_cases)) == open_by_family[key]
    # Most cases have nothing to hand over after care: they share one empty tuple.
    assert sum(1 for c in cases if c.later == ()) > len(cases) / 2


def midway(scenario) -> SocialDomainModel:
    """The model a month before its end: at the end, what is planned after it is dropped."""
    model = SocialDomainModel(scenario)
    model.run_until(model.end_day - 30)
    return model


def test_a_run_keeps_no_case_it_no_longer_needs(tiny):
    check_state(midway(tiny.replace(years=1.0)))


@pytest.mark.parametrize("policy", ["continue", "transfer"])
def test_a_reorganisation_keeps_no_case_it_no_longer_needs(tiny, policy):
    """Cases moved (queued ones) and reopened (in care, `transfer`) keep the family's open
    cases in step."""
    change = {"at_day": 60, "scheme": "centralised", "cases_in_care": policy}
    check_state(midway(tiny.replace(years=1.0, reorganisation=[change])))

"""Onward referral after care: needs found during care are handed on, at the configured rate."""

import math

import numpy as np
import pytest

from model.engine.simulation import SocialDomainModel
from model.records.events import Kind
from model.scenario import ScenarioError, scenario_from_dict
from model.vocabulary import WIJKTEAM, YOUTH
from tests.engine.test_invariants import check_families_accounted, check_hours


def test_onward_referral_hands_needs_on_at_the_configured_rate(tiny):
    p = 0.4
    sc = tiny.replace(**{"domains.wijkteam.onward_referral": {"youth": p}})
    model = SocialDomainModel(sc).run()
    a = model.log.arrays()
    kind, org_domain = a["kind"], np.array([o.domain for o in model.orgs])
    ends = (kind == Kind.CARE_END) & (a["org"] >= 0)
    ends &= org_domain[np.maximum(a["org"], 0)] == WIJKTEAM
    found = (kind == Kind.NEED) & (a["org"] >= 0)
    n_ends, n_found = int(ends.sum()), int(found.sum())
    assert n_ends > 300
    # One draw per need whose wijkteam care ended: binomial(n_ends, p).
    assert abs(n_found - p * n_ends) < 4 * math.sqrt(n_ends * p * (1 - p))
    assert (a["domain"][found] == YOUTH).all()
    assert (org_domain[a["org"][found]] == WIJKTEAM).all()
    # Each found need belongs to the episode of the case that found it.
    case_episode = dict(zip(a["case"][ends].tolist(), a["episode"][ends].tolist(), strict=True))
    assert all(
        case_episode[c] == e for c, e in zip(a["case"][found], a["episode"][found], strict=True)
    )
    # Found needs reach youth care: those found well before the end got care there, or the
    # family dropped out on the way.
    early = a["need"][found & (a["time"] < model.end_day - 120)]
    starts = kind == Kind.CARE_START
    cared = np.isin(a["need"], early) & starts
    dropped = a["need"][kind == Kind.DROPOUT]
    assert np.isin(early, np.concatenate([a["need"][cared], dropped])).all()
    assert (org_domain[a["org"][cared]] == YOUTH).all()
    check_families_accounted(model)
    check_hours(model)


def test_no_onward_referral_by_default(tiny):
    a = SocialDomainModel(tiny).run().log.arrays()
    assert not ((a["kind"] == Kind.NEED) & (a["org"] >= 0)).any()


@pytest.mark.parametrize(
    "onward, message",
    [
        ({"wijkteam": {"onward_referral": {"bogus": 0.1}}}, "unknown domain bogus"),
        ({"wijkteam": {"onward_referral": {"youth": 0.7, "vt": 0.4}}}, "summing to at most 1"),
        ({"youth": {"onward_referral": {"youth": 0.1}}}, "other domains only"),
        (
            {
                "wijkteam": {"onward_referral": {"youth": 1.0}},
                "youth": {"onward_referral": {"wijkteam": 1.0}},
            },
            "closed loop",
        ),
    ],
)
def test_bad_onward_referral_is_one_clear_line(onward, message):
    with pytest.raises(ScenarioError, match=message) as err:
        scenario_from_dict({"domains": onward})
    assert "onward_referral" in str(err.value) and "\n" not in str(err.value)

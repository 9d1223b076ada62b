"""Every family is accounted for, and no professional is planned over their hours."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.engine.simulation import SocialDomainModel
from model.records.events import Kind
from model.records.metrics import family_states
from model.scenario import apply_overrides, scenario_from_dict


def run(scenario):
    return SocialDomainModel(scenario).run()


def check_families_accounted(model):
    a = model.log.arrays()
    states = family_states(a)
    signalled = set(np.unique(a["family"][a["kind"] == Kind.SIGNAL]).tolist())
    with_needs = set(np.unique(a["family"][a["kind"] == Kind.NEED]).tolist())
    # Every family that arrived had a signal and a need, and has exactly one state.
    assert signalled == with_needs == set(states.index.tolist())
    assert set(states.unique()) <= {"waiting", "in_care", "done"}
    assert model._ids["family"] == len(signalled)
    # The log's need states agree with the engine's own counters.
    kind = a["kind"]
    arisen = (kind == Kind.NEED).sum()
    ended = np.isin(kind, [Kind.CARE_END, Kind.DROPOUT]).sum()
    started = (kind == Kind.CARE_START).sum()
    dropped = (kind == Kind.DROPOUT).sum()
    waiting, in_care, done = model.need_states
    assert arisen == waiting + in_care + done
    assert done == ended
    assert in_care == started - (ended - dropped)


def check_hours(model):
    """From the log: at no time does a professional hold more cases than their slots, and
    slots exceed what the hours hold by less than one case (capacity is rounded once per
    domain, so a professional may carry the rounding's one extra slot)."""
    a = model.log.arrays()
    kind = a["kind"]
    assert (np.diff(a["time"]) >= 0).all()  # the log is in the order things happened
    sel = np.isin(kind, [Kind.ASSIGNED, Kind.CLOSED])
    ev = pd.DataFrame(
        {"p": a["professional"][sel], "d": np.where(kind[sel] == Kind.ASSIGNED, 1, -1)}
    )
    ev["load"] = ev.groupby("p")["d"].cumsum()
    peak = ev.groupby("p")["load"].max()
    prof = model.professional_table().set_index("professional")
    load = prof.loc[peak.index, "care_hours_per_week"]
    assert (peak <= prof.loc[peak.index, "slots"]).all()
    assert (
        prof["slots"] * prof["care_hours_per_week"]
        < prof["weekly_hours"] + prof["care_hours_per_week"] + 1e-9
    ).all()
    assert (peak * load < prof.loc[peak.index, "weekly_hours"] + load + 1e-9).all()
    assert (ev["load"] >= 0).all()


def test_default_like_run_accounts_for_everyone(tiny):
    model = run(tiny)
    assert model._ids["family"] > 100
    check_families_accounted(model)
    check_hours(model)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scheme=st.sampled_from(["patchwork", "centralised", "decentralised", "aligned"]),
    protocol=st.sampled_from(["referral", "warm", "integrated"]),
    seed=st.integers(0, 2**32),
    municipalities=st.integers(3, 14),
    misalignment=st.floats(0, 1),
    preventive=st.booleans(),
    fte_scale=st.floats(0.5, 1.5),
)
def test_invariants_hold_in_any_setting(
    scheme, protocol, seed, municipalities, misalignment, preventive, fte_scale
):
    raw = {
        "name": "h",
        "seed": seed,
        "years": 0.3,
        "warmup_days": 30,
        "scheme": scheme,
        "protocol": protocol,
        "synthetic": {
            "municipalities": municipalities,
            "population": 40_000,
            "provinces": 1,
            "youth_regions": min(3, municipalities),
            "vt_regions": min(2, municipalities),
            "shelter_regions": min(2, municipalities),
            "misalignment": misalignment,
        },
        "escalation": {"preventive_support": preventive},
    }
    for d, fte in (("wijkteam", 38.0), ("youth", 64.0), ("vt", 13.0), ("shelter", 9.0)):
        raw = apply_overrides(raw, {f"domains.{d}.fte_per_100k": fte * fte_scale})
    model = run(scenario_from_dict(raw))
    check_families_accounted(model)
    check_hours(model)

"""One family followed through every scheme and protocol: `sdsim journey`.

A scenario's `[journey]` scripts a family (where it lives, how its needs come to light)
and the engine puts it into a run at a given day (`add_scripted_family`). Its own luck
(care length, success, dropout, incidents) is the median of every draw by default (an
ordinary family), or drawn from `journey.seed` alone; either way it is the same family in
every scheme, protocol and replication. The world around it (every
other family, and the draws of what happens afterwards) varies with the replication's
seed, which is the same for every scheme and protocol (common random numbers).

Everything reported about the family is computed from its records in the event log with
the same definitions as for the whole country (`metrics.summarise`), so every figure can
be traced in `journey_events.csv`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.agents.families import Family
from model.engine.simulation import SocialDomainModel
from model.records.events import Kind
from model.records.metrics import frame, signal_to_care, summarise
from model.runs.run import finished_model
from model.runs.statistics import means_of_all
from model.scenario import Scenario, ScenarioError
from model.vocabulary import DOMAIN_CODE, DOMAINS, SOURCE_CODE, SOURCES
from model.world.build import build_geography


class MedianDraws:
    """Stands in for a generator whose every uniform draw is 0.5: luck drawn from it is the
    median of every draw (care length, success, dropout, incident and recurrence timing),
    an ordinary family, whatever form the engine gives its luck."""

    def random(self, size=None):
        return 0.5 if size is None else np.full(size, 0.5)


# Per-run figures of the family, from summarise() on its records: (key in summary, column).
FAMILY_METRICS: tuple[tuple[str, str], ...] = (
    ("stories_told_per_family_mean", "stories_told"),
    ("intakes_per_family_mean", "intakes"),
    ("handovers", "handovers"),
    ("organisations_per_family_mean", "organisations"),
    ("regions_per_family_mean", "regions"),
    ("border_crossings", "border_crossings"),
    ("province_crossings", "province_crossings"),
    ("placements_elsewhere", "placements_elsewhere"),
    ("information_lost", "information_lost"),
    ("coordination_hours", "coordination_hours"),
    ("escalations", "escalations"),
    ("vt_reports", "vt_reports"),
)


def check(scenario: Scenario, source: str = "<scenario>") -> int:
    """The scripted family's municipality (index), or a one-line ScenarioError."""
    j = scenario.journey
    if not j.signals:
        raise ScenarioError(
            f"{source}: journey.signals: no scripted family here (see scenarios/pieter.toml)"
        )
    geo = build_geography(scenario, scaled=False)
    try:
        return geo.index_of(j.municipality)
    except KeyError:
        raise ScenarioError(
            f"{source}: journey.municipality: no municipality {j.municipality!r} in the "
            f"{geo.label} geography"
        ) from None


def script(model: SocialDomainModel, scenario: Scenario) -> Family:
    """Put the scenario's scripted family into a model that has not run yet."""
    j = scenario.journey
    where = check(scenario)
    rng = np.random.default_rng(j.seed) if j.luck == "drawn" else MedianDraws()
    start = model.measure_from + j.start_day
    signals = [
        (
            start + s.day,
            s.entry == "vt",
            SOURCE_CODE[s.source],
            [(DOMAIN_CODE[n.domain], n.severity, model.fresh_luck(rng)) for n in s.needs],
        )
        for s in j.signals
    ]
    placement_uniform = 0.0 if j.shelter_outside_region else 1.0
    return model.add_scripted_family(where, j.adults, j.children, placement_uniform, signals)


def follow(scenario: Scenario, seed: int) -> dict:
    """One run with the scripted family in it: its records and figures. Picklable, for pools."""
    scripted = []
    model = finished_model(scenario, seed, prepare=lambda m: scripted.append(script(m, scenario)))
    fam = scripted[0]
    info = model.run_info()
    a = model.log.arrays()
    mine = {k: v[a["family"] == fam.id] for k, v in a.items()}
    world = signal_to_care(a, info)
    summary = summarise(mine, info)
    needs = _needs(scenario, signal_to_care(mine, info), mine)
    orgs = model.organisation_table()
    records = _label(frame(mine), orgs)
    start = model.measure_from + scenario.journey.start_day
    records["day"] = records["time"] - start
    records["run_end_day"] = model.end_day - start  # care still going on runs to here
    records["who"] = records["need"].map(dict(zip(needs["need"], needs["who"], strict=True)))
    scripted = needs[needs["who"] != ""]
    help_days = (
        float(scripted["care_start"].max() - start)
        if len(scripted) and scripted["care_start"].notna().all()
        else float("nan")
    )
    row = {
        "days_until_all_help": help_days,
        "needs_without_care": int(scripted["care_start"].isna().sum()),
        **{col: summary[key] for key, col in FAMILY_METRICS},
        "waiting_days": float(mine["value"][mine["kind"] == Kind.ASSIGNED].sum()),
        "world_signal_to_care_days_mean": float(world["delay"].mean()),
    }
    return {"row": row, "needs": needs, "records": records, "notes": model.geography.notes}


def _needs(scenario: Scenario, delays: pd.DataFrame, mine: dict[str, np.ndarray]) -> pd.DataFrame:
    """The family's needs and their days to care, the scripted ones named (`who`); needs
    that arose later (a report after an incident, a need that came back) have no `who`."""
    j = scenario.journey
    start = scenario.warmup_days + j.start_day
    is_need = mine["kind"] == Kind.NEED
    episode_of = dict(
        zip(mine["need"][is_need].tolist(), mine["episode"][is_need].tolist(), strict=True)
    )
    is_signal = mine["kind"] == Kind.SIGNAL
    signals = sorted(
        zip(mine["time"][is_signal].tolist(), mine["episode"][is_signal].tolist(), strict=True)
    )
    who: dict[int, str] = {}
    used: set[int] = set()
    for s in j.signals:  # a scripted signal is the first unused episode at its time
        episode = next((e for t, e in signals if t == start + s.day and e not in used), None)
        if episode is None:
            continue  # after the end of the run
        used.add(episode)
        ids = sorted(n for n, e in episode_of.items() if e == episode)
        for need_id, n in zip(ids, s.needs, strict=False):
            who[need_id] = n.who or n.domain
    out = delays.assign(
        who=delays["need"].map(who).fillna(""),
        domain=[DOMAINS[d] for d in delays["domain"]],
    )
    return out[["need", "who", "domain", "time", "care_start", "delay", "dropped"]]


def _label(df: pd.DataFrame, orgs: pd.DataFrame) -> pd.DataFrame:
    """The family's records with readable kinds, domains, organisations and regions."""
    org = df["org"].to_numpy()
    known = org >= 0
    out = df.assign(
        kind=[Kind(k).name.lower() for k in df["kind"]],
        domain=[DOMAINS[d] if d >= 0 else "" for d in df["domain"]],
        organisation=np.where(known, orgs["name"].to_numpy()[org], ""),
        region=np.where(known, orgs["region"].to_numpy()[org], ""),
        org_province=np.where(known, orgs["province"].to_numpy()[org], ""),
    )
    signal = out["kind"] == "signal"
    out.loc[signal, "source"] = [SOURCES[d] for d in out.loc[signal, "detail"]]
    return out


def tables(
    tasks: Sequence[tuple[str, str, int, int]], results: Sequence[dict]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Runs, per-need delays, records (all labelled by scheme, protocol, replication), and
    the mean over replications per scheme and protocol."""
    keys = [{"scheme": s, "protocol": p, "replication": r, "seed": seed} for s, p, r, seed in tasks]
    runs = pd.DataFrame([{**k, **res["row"]} for k, res in zip(keys, results, strict=True)])
    needs = pd.concat(
        [res["needs"].assign(**k) for k, res in zip(keys, results, strict=True)], ignore_index=True
    )
    records = pd.concat(
        [res["records"].assign(**k) for k, res in zip(keys, results, strict=True)],
        ignore_index=True,
    )
    scripted = needs[needs["who"] != ""]
    per_who = (
        scripted.groupby(["scheme", "protocol", "replication", "who"], sort=False)["delay"]
        .min()
        .unstack("who")
    )
    per_who = per_who[list(dict.fromkeys(scripted["who"]))]
    per_who.columns = [f"days_to_care: {w}" for w in per_who.columns]
    wide = runs.merge(per_who.reset_index(), on=["scheme", "protocol", "replication"], how="left")
    order = {
        "scheme": list(dict.fromkeys(runs["scheme"])),
        "protocol": list(dict.fromkeys(runs["protocol"])),
    }
    numeric = [c for c in wide.columns if c not in ("scheme", "protocol", "replication", "seed")]
    table = means_of_all(wide, ["scheme", "protocol"], numeric)
    table["scheme"] = pd.Categorical(table["scheme"], order["scheme"])
    table["protocol"] = pd.Categorical(table["protocol"], order["protocol"])
    table = table.sort_values(["scheme", "protocol"]).reset_index(drop=True)
    return wide, needs, records, table

"""The event log as process-mining tools read it: one table of activities with timestamps and
resources (CSV, IEEE XES) and, because a handover touches a family, a need and two
organisations at once, an object-centric log (OCEL 2.0) that keeps every object an event
touches instead of forcing one case notion on it.

The logs are read from results folders: a run's folder (`sdsim run`) or a comparison's or
sweep's folder whose runs kept their event logs (`sdsim compare --events`, or
`outputs.events = true` in an experiment). pm4py (the `pm` extra) is imported only where a
standard format is written, so the CSV export and the process maps work without it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.files import atomic_path, atomic_write
from model.records.events import KINDS, Kind
from model.scenario import Scenario, ScenarioError
from model.sweeps.store import RunStore

# pm4py reads these when it is imported: without them it draws progress bars and warns about
# optional speed-ups on stderr, where the CLI keeps one line per problem.
os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")
os.environ.setdefault("PM4PY_SHOW_INTERNAL_WARNINGS", "False")

# A folder written before the scenario had a start date began on the default one.
DEFAULT_START: dt.date = Scenario.model_fields["start_date"].default

# Activities in the domain's words, per kind. Kinds that are not a step of a family's path
# (a reorganisation's cost and lost hours) have no activity: they concern organisations only.
ACTIVITIES: dict[Kind, str] = {
    Kind.SIGNAL: "signal",
    Kind.NEED: "need arises",
    Kind.QUEUED: "waiting list",
    Kind.ASSIGNED: "first contact",
    Kind.INTAKE: "intake",
    Kind.ADMIN: "administration",
    Kind.HANDOVER_SENT: "handover sent",
    Kind.HANDOVER_RECEIVED: "handover received",
    Kind.CARE_START: "care start",
    Kind.CARE_END: "care end",
    Kind.COORDINATION: "coordination",
    Kind.TRAVEL: "home visit travel",
    Kind.ESCALATION: "escalation",
    Kind.DROPOUT: "dropout",
    Kind.CLOSED: "case closed",
    Kind.TRANSFER: "transfer (reorganisation)",
    Kind.CARE_RESUMED: "care resumed",
}
ORG_ONLY: dict[Kind, str] = {
    Kind.TRANSITION_COST: "reorganisation cost",
    Kind.TRANSITION_HOURS: "reorganisation hours",
    Kind.STAFFING: "staffing",
    Kind.GOVERNANCE: "governance meetings",  # linked to its regional body, not an organisation
}
# The kinds whose `detail` names a second organisation, and its role: as KINDS declares them
# (records/events.py: detail "receiving_org" -> "receiving").
OTHER_ORG: dict[str, str] = {
    kind.name.lower(): spec.detail.name.removesuffix("_org")
    for kind, spec in KINDS.items()
    if spec.detail is not None and spec.detail.name.endswith("_org")
}
# Kinds about a case as a whole (docs/event-log.md): they concern every need the case worked on.
CASE_KINDS = (
    "queued",
    "assigned",
    "intake",
    "admin",
    "handover_received",
    "coordination",
    "travel",
    "closed",
)
CASE_NOTIONS = ("family", "need")
# all: the whole log, warm-up included; measured: the families that arrive after the warm-up.
PERIODS = ("all", "measured")
FORMATS = ("xes", "ocel", "csv")
SUFFIXES = {"xes": ".xes", "ocel": ".jsonocel", "csv": ".csv"}


@dataclass
class RunLog:
    """One run's labelled events (as events.parquet holds them) and where they came from.

    `source` is the table itself or the parquet file it is read from each time `events` is
    asked for: a demo's fifteen runs hold ~40 million records, so an export or a process map
    takes them one run at a time and never holds them all."""

    scenario: str
    replication: int
    start_date: dt.date
    source: pd.DataFrame | Path
    warmup_days: float = 0.0

    @property
    def events(self) -> pd.DataFrame:
        if isinstance(self.source, pd.DataFrame):
            return self.source
        return pd.read_parquet(self.source)

    @property
    def prefix(self) -> str:
        """What makes a family, need or case id unique across the runs of one export."""
        return f"{self.scenario}/r{self.replication}/"

    @property
    def label(self) -> str:
        """The run in a file name: scenario (and point) and replication."""
        return f"{self.scenario.replace('/', '_')}_r{self.replication}"


@dataclass(frozen=True)
class _Settings:
    start_date: dt.date = DEFAULT_START
    warmup_days: float = 0.0


def _settings(folder: Path) -> dict[str, _Settings]:
    """Each scenario's start_date and warm-up from the folder's manifest or experiment file;
    a folder written before start_date existed gets the default."""
    out: dict[str, _Settings] = {}
    for name in ("manifest.json", "experiment.json"):
        path = folder / name
        if not path.is_file():
            continue
        scenarios = json.loads(path.read_text(encoding="utf-8")).get("scenarios", {})
        for sc, entry in scenarios.items():
            params = entry.get("parameters", entry) if isinstance(entry, dict) else {}
            if not isinstance(params, dict) or sc in out:
                continue
            start = params.get("start_date")
            out[sc] = _Settings(
                dt.date.fromisoformat(str(start)) if start else DEFAULT_START,
                float(params.get("warmup_days", 0.0)),
            )
    return out


def read_logs(
    folder: Path | str,
    scenarios: Iterable[str] = (),
    replications: Iterable[int] = (),
) -> list[RunLog]:
    """The event logs a results folder holds: one for a run's folder, one per kept run for a
    comparison or sweep (scenario and replication from the run's file name); only the named
    scenarios and replications when any are named. The tables stay on disk until asked for."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(f"export: {folder} is not a results folder")
    settings = _settings(folder)
    single = folder / "events.parquet"
    if single.is_file():
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        name = next(iter(manifest.get("scenarios", {"run": None})))
        s = settings.get(name, _Settings())
        logs = [RunLog(name, 0, s.start_date, single, s.warmup_days)]
    elif (folder / "events.csv.gz").is_file():
        raise ScenarioError(
            f"export: {folder} keeps its events as events.csv.gz; run it again with "
            "`sdsim run --events parquet` (the default)"
        )
    else:
        logs = []
        for key, path in RunStore(folder).event_logs():
            name = key.scenario if key.point == 0 else f"{key.scenario}/p{key.point}"
            s = settings.get(key.scenario, _Settings())
            logs.append(RunLog(name, key.replication, s.start_date, path, s.warmup_days))
        # In the order the comparison or sweep lists its scenarios (its baseline first).
        order = {name: i for i, name in enumerate(settings)}
        logs.sort(key=lambda log: (order.get(log.scenario.split("/")[0], len(order)), log.scenario))
    if not logs:
        what = "runs/ without event logs" if (folder / "runs").is_dir() else "no events.parquet"
        raise ScenarioError(
            f"export: {folder} has {what}; export a run's folder (`sdsim run`) or a comparison "
            "made with `sdsim compare --events`"
        )
    return _select(logs, folder, list(scenarios), list(replications))


def _select(logs: list[RunLog], folder: Path, scenarios: list[str], reps: list[int]):
    have = sorted({log.scenario for log in logs}, key=[log.scenario for log in logs].index)
    for name in scenarios:
        if name not in have:
            raise ScenarioError(f"export: --scenario {name}: {folder} holds {', '.join(have)}")
    have_reps = sorted({log.replication for log in logs})
    for r in reps:
        if r not in have_reps:
            raise ScenarioError(
                f"export: --replication {r}: {folder} holds replications "
                f"{', '.join(map(str, have_reps))}"
            )
    return [
        log
        for log in logs
        if (not scenarios or log.scenario in scenarios) and (not reps or log.replication in reps)
    ]


def measured(events: pd.DataFrame, warmup_days: float) -> pd.DataFrame:
    """The records of the measured years, as whole paths: every record of a family that
    arrives after the warm-up — its first signal at or after `warmup_days`, the families
    the per-family outcomes count (records.metrics.measured_families), or, never
    signalled, its first record then — so no path is cut at its start; and the
    organisations' own records (staffing, governance, reorganisation) from the warm-up on."""
    fam = events["family"].to_numpy()
    t = events["time"].to_numpy()
    own = fam >= 0
    signal = own & (events["kind"].astype(str).to_numpy() == "signal")
    first = pd.Series(t[own]).groupby(fam[own]).min()
    first_signal = pd.Series(t[signal]).groupby(fam[signal]).min()
    arrival = first_signal.reindex(first.index).fillna(first)
    late = arrival.index[arrival.to_numpy() >= warmup_days].to_numpy()
    keep = np.where(own, np.isin(fam, late), t >= warmup_days)
    return events[keep]


def _org_types(events: pd.DataFrame) -> dict[int, str]:
    """Each organisation's type (its domain): the domain of the records about its own cases
    (a need's records carry the need's domain instead)."""
    own = events[(events["kind"] == "queued") & (events["org"] >= 0)]
    return dict(zip(own["org"].to_numpy(), own["domain"].astype(str).to_numpy(), strict=True))


def _case_needs(events: pd.DataFrame) -> pd.DataFrame:
    """(case, need) for every need a case worked on: the records that name both."""
    both = events[(events["case"] >= 0) & (events["need"] >= 0)]
    return both[["case", "need"]].drop_duplicates()


def by_need(events: pd.DataFrame) -> pd.DataFrame:
    """The records with `need` set to each need they concern: a record about a case (its
    queue, intake, a handover arriving, its closing) concerns every need the case worked on,
    though the log names only the case's first; any other record concerns its own need.
    Records about neither are left out."""
    kind = events["kind"].astype(str)
    about_case = kind.isin(CASE_KINDS) & (events["case"] >= 0)
    own = events[~about_case & (events["need"] >= 0)]
    shared = (
        events[about_case].drop(columns="need").merge(_case_needs(events), on="case", how="inner")
    )
    return pd.concat([own, shared[own.columns]])


def _events(log: RunLog, period: str) -> pd.DataFrame:
    if period not in PERIODS:
        raise ScenarioError(f"export: --period {period}: expected one of {', '.join(PERIODS)}")
    ev = log.events
    if period == "measured":
        ev = measured(ev, log.warmup_days)
    return ev.reset_index(drop=True)


def flat_table(logs: Iterable[RunLog], case: str = "family", period: str = "all") -> pd.DataFrame:
    """One row per event and case: the classic event log (`case:concept:name`,
    `concept:name`, `time:timestamp`, `org:resource`) with the log's own columns kept.

    With case = "need", a record about a case as a whole (an intake, a handover arriving)
    belongs to every need its case worked on, so it appears once for each (`by_need`)."""
    if case not in CASE_NOTIONS:
        raise ScenarioError(f"export: --case {case}: expected one of {', '.join(CASE_NOTIONS)}")
    parts = []
    for log in logs:
        ev = _events(log, period)
        types = _org_types(ev)
        ev = ev.assign(event=np.arange(len(ev)))
        kind = ev["kind"].astype(str)
        ev = ev[kind.isin([k.name.lower() for k in ACTIVITIES]) & (ev["family"] >= 0)]
        if case == "need":
            ev = by_need(ev).sort_values(["time", "event"], kind="stable")
            ids = ev["need"].astype(np.int64).astype(str)
        else:
            ids = ev["family"].astype(np.int64).astype(str)
        org = ev["org"].to_numpy()
        start = pd.Timestamp(log.start_date)
        parts.append(
            pd.DataFrame(
                {
                    "case:concept:name": log.prefix + ids.to_numpy(),
                    "concept:name": [ACTIVITIES[Kind[k.upper()]] for k in ev["kind"].astype(str)],
                    "time:timestamp": start + pd.to_timedelta(ev["time"].to_numpy(), unit="D"),
                    "org:resource": ev["organisation"].astype(str).where(org >= 0, "").to_numpy(),
                    "org:type": [types.get(o, "") for o in org],
                    "org:region": ev["region"].astype(str).where(org >= 0, "").to_numpy(),
                    "scenario": log.scenario,
                    "replication": log.replication,
                    "day": ev["time"].to_numpy(),
                    "kind": ev["kind"].astype(str).to_numpy(),
                    **{
                        c: ev[c].to_numpy()
                        for c in ("family", "need", "case", "org", "value", "detail", "aux")
                    },
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def ocel_tables(
    logs: Iterable[RunLog], period: str = "all"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The object-centric log as pm4py's three OCEL tables: events, objects and the
    event-object links (with the object's role as qualifier).

    Object types: family, need, case (a family's stay at one organisation) and organisation.
    A record links to the family, its need (and, for a record about a case as a whole, every
    need the case worked on), its case, its organisation and the second organisation a handover or
    transfer names; a reorganisation's cost and a staffing change link to their organisation
    only, a month of governance to its regional body (object type "regional body")."""
    events, links = [], []
    for log in logs:
        ev = _events(log, period)
        kind = ev["kind"].astype(str)
        names = {k.name.lower(): a for k, a in {**ACTIVITIES, **ORG_ONLY}.items()}
        keep = kind.isin(list(names))
        eid = log.prefix + "e" + pd.Series(np.arange(len(ev))).astype(str)
        start = pd.Timestamp(log.start_date)
        ts = start + pd.to_timedelta(ev["time"].to_numpy(), unit="D")
        activity = kind.map(names)
        e = pd.DataFrame({"ocel:eid": eid, "ocel:activity": activity, "ocel:timestamp": ts})[
            keep.to_numpy()
        ]
        events.append(e)
        base = pd.DataFrame(
            {"ocel:eid": eid, "ocel:activity": activity, "ocel:timestamp": ts, "kind": kind}
        )

        def link(mask, ids, otype, qualifier, *, base=base, log=log):
            ids = np.asarray(ids)[np.asarray(mask)]
            part = base[np.asarray(mask)].copy()
            part["ocel:oid"] = [f"{log.prefix}{otype}{int(i)}" for i in ids]
            part["ocel:type"] = otype
            part["ocel:qualifier"] = qualifier
            links.append(part.drop(columns="kind"))

        fam = keep & (ev["family"] >= 0)
        link(fam, ev["family"], "family", "family")
        link(fam & (ev["need"] >= 0), ev["need"], "need", "need")
        link(fam & (ev["case"] >= 0), ev["case"], "case", "case")
        link(keep & (ev["org"] >= 0), ev["org"], "organisation", "organisation")
        link(keep & (kind == "governance"), ev["aux"], "regional body", "body")
        for k, role in OTHER_ORG.items():
            link(keep & (kind == k) & (ev["detail"] >= 0), ev["detail"], "organisation", role)
        # A record about a case touches every need the case worked on.
        shared = by_need(ev.assign(row=np.arange(len(ev)))[keep.to_numpy()])
        shared = shared[shared["kind"].astype(str).isin(CASE_KINDS)]
        part = base.iloc[shared["row"].to_numpy()].copy()
        part["ocel:oid"] = [f"{log.prefix}need{int(n)}" for n in shared["need"]]
        part["ocel:type"] = "need"
        part["ocel:qualifier"] = "need of the case"
        links.append(part.drop(columns="kind"))
    rel = pd.concat(links, ignore_index=True).drop_duplicates(["ocel:eid", "ocel:oid"])
    rel = rel.sort_values(["ocel:timestamp", "ocel:eid"], kind="stable").reset_index(drop=True)
    obj = rel[["ocel:oid", "ocel:type"]].drop_duplicates("ocel:oid").reset_index(drop=True)
    return pd.concat(events, ignore_index=True), obj, rel


def write_export(
    logs: list[RunLog], fmt: str, out: Path, case: str = "family", period: str = "all"
) -> int:
    """Write the logs in `fmt` to `out`, whole or not at all; the number of events written."""
    if fmt not in FORMATS:
        raise ScenarioError(f"export: --format {fmt}: expected one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        table = flat_table(logs, case, period)
        atomic_write(out, table.to_csv(index=False))
        return len(table)
    pm4py = _pm4py()
    if fmt == "xes":
        table = flat_table(logs, case, period)
        with atomic_path(out) as tmp, warnings.catch_warnings():
            # pm4py announces which XES backend it picked (r4pm, in the `pm` extra).
            warnings.simplefilter("ignore", UserWarning)
            pm4py.write_xes(table, str(tmp), case_id_key="case:concept:name")
        return len(table)
    from pm4py.objects.ocel.obj import OCEL

    events, objects, relations = ocel_tables(logs, period)
    with atomic_path(out) as tmp:
        pm4py.write_ocel2(OCEL(events=events, objects=objects, relations=relations), str(tmp))
    return len(events)


def write_per_run(
    logs: list[RunLog], fmt: str, folder: Path, case: str = "family", period: str = "all"
) -> list[tuple[Path, int]]:
    """One file per run in `folder` (<scenario>_r<replication>.<suffix>), each run read,
    written and let go before the next: a process-mining tool opens one run's log at a time,
    and a demo's whole log would not fit its memory."""
    if fmt not in FORMATS:
        raise ScenarioError(f"export: --format {fmt}: expected one of {', '.join(FORMATS)}")
    written = []
    for log in logs:
        path = folder / f"{log.label}{SUFFIXES[fmt]}"
        written.append((path, write_export([log], fmt, path, case, period)))
    return written


def _pm4py():
    try:
        import pm4py
    except ImportError as exc:
        raise ScenarioError(
            "export: XES and OCEL need pm4py: pip install -e '.[pm]' (CSV works without it)"
        ) from exc
    return pm4py

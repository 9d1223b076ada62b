"""Exports for process mining: a constructed log whose cases, objects and variants are known
by hand, and a small run's export read back with pm4py."""

import datetime as dt

import pandas as pd
import pytest

from model.output.export import (
    RunLog,
    by_need,
    flat_table,
    ocel_tables,
    read_logs,
    write_export,
)
from model.output.process import pool, process_map
from model.records.events import EventLog, Kind
from model.runs.run import run
from model.vocabulary import DOMAINS

ORGS = pd.DataFrame({"name": ["wijkteam A", "jeugdhulp B"], "region": ["R1", "R2"]})


def _constructed() -> pd.DataFrame:
    """Three families, one need each, in the log's own conventions (a case's records carry
    its first need; a handover sent names the receiving case and the receiving org in
    `detail`).

    Family 1 (need 10): signal at org 0 on day 0, waits 5 days, intake on day 6, handed over
    to org 1 (case 101), received on day 8, intake on day 21, care from day 21 to 60.
    Families 2 and 3 (needs 20, 30) take the direct path at org 1 and org 0: care starts 3
    and 5 days after their need arose."""
    log = EventLog()

    def case(t, kind, fam, need, c, org, **kw):
        log.record(t, kind, family=fam, need=need, case=c, org=org, domain=0, **kw)

    log.record(0, Kind.NEED, family=1, need=10, domain=0)
    log.record(0, Kind.SIGNAL, family=1, need=10, org=0, domain=0)
    case(0, Kind.QUEUED, 1, 10, 100, 0)
    case(5, Kind.ASSIGNED, 1, 10, 100, 0, value=5.0)
    case(6, Kind.INTAKE, 1, 10, 100, 0, value=2.0)
    case(6, Kind.HANDOVER_SENT, 1, 10, 101, 0, value=2.0, detail=1)
    case(6, Kind.CLOSED, 1, 10, 100, 0)
    case(8, Kind.HANDOVER_RECEIVED, 1, 10, 101, 1, detail=0)
    case(8, Kind.QUEUED, 1, 10, 101, 1)
    case(20, Kind.ASSIGNED, 1, 10, 101, 1, value=12.0)
    case(21, Kind.INTAKE, 1, 10, 101, 1, value=2.0)
    case(21, Kind.CARE_START, 1, 10, 101, 1)
    case(60, Kind.CARE_END, 1, 10, 101, 1, detail=1)
    case(60, Kind.CLOSED, 1, 10, 101, 1)
    for fam, need, c, org, t0, care in ((2, 20, 200, 1, 1, 4), (3, 30, 300, 0, 2, 7)):
        log.record(t0, Kind.NEED, family=fam, need=need, domain=0)
        log.record(t0, Kind.SIGNAL, family=fam, need=need, org=org, domain=0)
        case(t0, Kind.QUEUED, fam, need, c, org)
        case(care - 1, Kind.ASSIGNED, fam, need, c, org)
        case(care - 1, Kind.INTAKE, fam, need, c, org, value=2.0)
        case(care, Kind.CARE_START, fam, need, c, org)
        case(care + 30, Kind.CARE_END, fam, need, c, org, detail=1)
        case(care + 30, Kind.CLOSED, fam, need, c, org)
    # A reorganisation's cost concerns an organisation only.
    log.record(10, Kind.TRANSITION_COST, org=1, value=1000.0)
    return log.to_frame(ORGS, ("0001", "0002"))


@pytest.fixture
def constructed() -> list[RunLog]:
    return [RunLog("tiny", 0, dt.date(2025, 1, 1), _constructed())]


DIRECT = "need arises → signal → waiting list → first contact → intake → care start → care end → case closed"
HANDED_OVER = (
    "need arises → signal → waiting list → first contact → intake → handover sent → "
    "case closed → handover received → waiting list → first contact → intake → care start → "
    "care end → case closed"
)


def test_flat_table_has_one_case_per_family_with_timestamps_and_resources(constructed):
    table = flat_table(constructed, "family")
    assert len(table) == 14 + 2 * 8  # every family record; the reorganisation's cost left out
    assert sorted(table["case:concept:name"].unique()) == ["tiny/r0/1", "tiny/r0/2", "tiny/r0/3"]
    care = table[(table["case:concept:name"] == "tiny/r0/1") & (table["kind"] == "care_start")]
    assert care["time:timestamp"].iloc[0] == pd.Timestamp("2025-01-22")
    assert care["org:resource"].iloc[0] == "jeugdhulp B" and care["org:region"].iloc[0] == "R2"
    assert care["org:type"].iloc[0] == DOMAINS[0]  # the domain of its own cases


def test_variants_on_a_constructed_log(constructed):
    pm = process_map(flat_table(constructed, "need"))
    v = pm.variants.set_index("variant")
    assert list(v.index) == [DIRECT, HANDED_OVER]
    assert v.loc[DIRECT, "cases"] == 2 and v.loc[DIRECT, "share"] == pytest.approx(2 / 3)
    assert v.loc[DIRECT, "days_to_care_mean"] == pytest.approx((3 + 5) / 2)
    assert v.loc[HANDED_OVER, "days_to_care_mean"] == pytest.approx(21)
    arcs = pm.arcs.set_index(["source", "target"])
    # Waiting list to first contact: 5 and 12 days (family 1), 2 and 4 days (2 and 3).
    assert arcs.loc[("waiting list", "first contact"), "frequency"] == 4
    assert arcs.loc[("waiting list", "first contact"), "mean_days"] == pytest.approx(23 / 4)
    assert arcs.loc[("handover sent", "case closed"), "frequency"] == 1


def test_runs_pooled_map_by_map_give_the_map_of_the_runs_together(constructed):
    """A comparison's map is built run by run (`pool`). A second run holding only the two
    direct families: 5 need paths, 4 of them direct (3, 5, 3 and 5 days to care: mean 4),
    one handed over (21 days); waiting list to first contact 6 times, 23 + 2 + 4 = 29 days."""
    ev = _constructed()
    second = RunLog("tiny", 1, dt.date(2025, 1, 1), ev[ev["family"].isin([2, 3])])
    runs = [*constructed, second]
    pooled = pool([process_map(flat_table([r], "need")) for r in runs])
    v = pooled.variants.set_index("variant")
    assert pooled.cases == 5 and list(v.index) == [DIRECT, HANDED_OVER]
    assert v.loc[DIRECT, "share"] == pytest.approx(0.8)
    assert v.loc[DIRECT, "days_to_care_mean"] == pytest.approx(4.0)
    assert v.loc[HANDED_OVER, "days_to_care_mean"] == pytest.approx(21.0)
    arc = pooled.arcs.set_index(["source", "target"]).loc[("waiting list", "first contact")]
    assert arc["frequency"] == 6 and arc["mean_days"] == pytest.approx(29 / 6)
    # And the same, arc for arc and step for step, as the two runs' table in one go.
    whole = process_map(flat_table(runs, "need"))
    for part in ("arcs", "nodes", "variants"):
        a, b = getattr(pooled, part), getattr(whole, part)
        key = a.columns[:2].tolist() if part == "arcs" else [a.columns[0]]
        pd.testing.assert_frame_equal(
            a.sort_values(key).reset_index(drop=True),
            b.sort_values(key).reset_index(drop=True),
            check_dtype=False,
        )


@pytest.mark.parametrize(
    "warmup, families", [(0.0, {1, 2, 3}), (0.5, {2, 3}), (1.0, {2, 3}), (1.5, {3}), (2.5, set())]
)
def test_the_measured_period_keeps_whole_paths_of_the_families_arriving_after_warmup(
    warmup, families
):
    """Families 1, 2 and 3 are first signalled on days 0, 1 and 2; every record of an
    arriving family stays (family 1's care ends on day 60, long after any warm-up here), none
    of an earlier one; the reorganisation's cost on day 10 is after every warm-up here."""
    log = RunLog("tiny", 0, dt.date(2025, 1, 1), _constructed(), warmup)
    table = flat_table([log], "family", "measured")
    assert set(table["family"]) == families
    full = flat_table([log], "family")
    assert len(table) == int(full["family"].isin(families).sum())
    events, _, _ = ocel_tables([log], "measured")
    assert len(events) == len(table) + 1  # and the organisation's own record


def test_ocel_links_a_handover_to_the_family_the_need_and_both_organisations(constructed):
    events, objects, relations = ocel_tables(constructed)
    assert len(events) == 14 + 2 * 8 + 1
    assert {"family", "need", "case", "organisation"} == set(objects["ocel:type"])
    sent = events.loc[events["ocel:activity"] == "handover sent", "ocel:eid"].item()
    links = relations[relations["ocel:eid"] == sent]
    assert set(zip(links["ocel:oid"], links["ocel:qualifier"], strict=True)) == {
        ("tiny/r0/family1", "family"),
        ("tiny/r0/need10", "need"),
        ("tiny/r0/case101", "case"),
        ("tiny/r0/organisation0", "organisation"),
        ("tiny/r0/organisation1", "receiving"),
    }
    cost = events.loc[events["ocel:activity"] == "reorganisation cost", "ocel:eid"].item()
    assert set(relations.loc[relations["ocel:eid"] == cost, "ocel:oid"]) == {
        "tiny/r0/organisation1"
    }


def test_a_case_record_concerns_every_need_of_its_case():
    log = EventLog()
    log.record(0, Kind.QUEUED, family=1, need=1, case=5, org=0)
    log.record(1, Kind.CARE_START, family=1, need=1, case=5, org=0)
    log.record(1, Kind.CARE_START, family=1, need=2, case=5, org=0)
    ev = log.to_frame(ORGS)
    queued = by_need(ev).query("kind == 'queued'")
    assert sorted(queued["need"]) == [1, 2]


def test_a_small_run_exported_reads_back_in_pm4py(tiny, tmp_path):
    pm4py = pytest.importorskip("pm4py")
    result = run(tiny.replace(years=0.2), tiny.seed, detail=True)
    folder = tmp_path / "run"
    folder.mkdir()
    result.events.to_parquet(folder / "events.parquet", index=False)
    (folder / "manifest.json").write_text('{"scenarios": {"tiny": {}}}')
    logs = read_logs(folder)
    ev = result.events
    families = ev[(ev["family"] >= 0) & ~ev["kind"].isin(["transition_cost", "transition_hours"])]
    assert write_export(logs, "xes", folder / "e.xes") == len(families)
    back = pm4py.read_xes(str(folder / "e.xes"))
    assert len(back) == len(families)
    assert back["case:concept:name"].nunique() == families["family"].nunique()
    assert write_export(logs, "ocel", folder / "e.jsonocel") == len(ev)
    ocel = pm4py.read_ocel2(str(folder / "e.jsonocel"))
    assert len(ocel.events) == len(ev)
    assert (ocel.objects["ocel:type"] == "family").sum() == families["family"].nunique()
    assert (ocel.objects["ocel:type"] == "need").sum() == ev.loc[ev["need"] >= 0, "need"].nunique()


def test_the_event_log_document_names_every_kind_and_activity():
    from model.output.export import ACTIVITIES, ORG_ONLY
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "event-log.md").read_text(encoding="utf-8")
    for kind in Kind:
        assert f"| `{kind.name.lower()}` |" in doc
    for activity in (*ACTIVITIES.values(), *ORG_ONLY.values()):
        assert activity in doc

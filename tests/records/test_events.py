"""The event log's packing, by hand: what goes in comes out, in the right column, however
the buffer was flushed, and `to_frame` labels it as documented."""

import gzip
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from model.agents.families import Family, Need
from model.agents.organisations import Case
from model.records import events
from model.records.events import (
    HOURS_KINDS,
    KINDS,
    RECORD,
    AdminReason,
    EscalationCause,
    EventLog,
    HandoverFlag,
    Kind,
    LossReason,
    ReportType,
    StaffRole,
    TransitionItem,
)
from model.vocabulary import CasePhase, IntakeKind, NeedOutcome, NeedState

COLUMNS = ["time", "kind", "family", "need", "episode", "case", "org", "professional",
           "municipality", "domain", "value", "detail", "aux"]  # fmt: skip


# ----------------------------------------------------------------------------- the layout
def test_columns_dtypes_and_record_size():
    assert list(RECORD.names) == COLUMNS
    ints = {"kind": "i1", "domain": "i1", "time": "f8", "value": "f8"}
    for name in COLUMNS:
        assert RECORD[name] == np.dtype(ints.get(name, "i4")), name
    # 2 float64 (16 bytes) + 2 int8 (2) + 9 int32 (36), packed without padding
    assert RECORD.itemsize == 16 + 2 + 36 == 54


def test_an_empty_log_has_the_record_layout():
    log = EventLog()
    assert len(log) == 0
    rec = log.records()
    assert rec.dtype == RECORD and len(rec) == 0
    assert list(log.arrays()) == COLUMNS


def test_record_puts_each_keyword_in_its_column_and_defaults_the_rest():
    log = EventLog()
    log.record(2.5, Kind.TRANSITION_COST, org=7, domain=3, value=1250.0,
               detail=TransitionItem.LEAVERS, aux=5)  # fmt: skip
    (r,) = log.records().tolist()
    #        time kind family need episode case org prof mun domain value  detail aux
    assert r == (2.5, 17, -1, -1, -1, -1, 7, -1, -1, 3, 1250.0, 4, 5)


def test_the_columns_after_time_kind_and_case_are_keyword_only():
    log = EventLog()
    with pytest.raises(TypeError):
        log.record(0.0, Kind.SIGNAL, 3)
    with pytest.raises(TypeError):
        log.case_record(0.0, Kind.ADMIN, SimpleNamespace(), 5)
    with pytest.raises(TypeError):
        log.need_record(0.0, Kind.NEED, SimpleNamespace(), 2.0)
    assert len(log) == 0


# ----------------------------------------------------------------------------- flushing
def test_records_survive_the_flush_to_disk_in_order():
    """More than two flushes' worth, with `maybe_flush` between records as the engine calls
    it (every few thousand events): every record comes back once, in order, in its columns,
    across the buffer, the files on disk, and a read mid-way."""
    n = 140_123
    assert n > 2 * events._FLUSH == 131_072
    log = EventLog()
    stored = []
    for i in range(n):
        log.record(float(i), Kind(i % len(Kind)), family=i, need=i + 1, value=0.5 * i,
                   detail=-i, aux=i % 7)  # fmt: skip
        if i % 1000 == 999:
            log.maybe_flush()
            stored.append(log._store.n)
        assert i % 5000 or len(log) == i + 1
        if i == 70_000:
            assert len(log.arrays()["time"]) == i + 1  # everything so far, read mid-way
    assert len(log) == n
    # The buffer goes to disk at the first maybe_flush with at least _FLUSH records
    # waiting: after record 65,999 (66 calls of 1000); the read at 70,000 sends the 4,001
    # after it; then the 65,999 after those go at the flush after record 135,999.
    assert stored[64] == 0 and stored[65] == 66_000
    assert stored[70] == 70_001
    assert stored[134] == 70_001 and stored[135] == 136_000
    assert log._n == n - 136_000  # the last 4,123 are still in the buffer

    rec = log.records()
    i = np.arange(n)
    assert len(rec) == n
    assert (rec["time"] == i).all()
    assert (rec["kind"] == i % len(Kind)).all()
    assert (rec["family"] == i).all() and (rec["need"] == i + 1).all()
    assert (rec["value"] == 0.5 * i).all()
    assert (rec["detail"] == -i).all() and (rec["aux"] == i % 7).all()
    assert (rec["episode"] == -1).all() and (rec["domain"] == -1).all()


def test_recording_after_reading_appends_to_what_was_read():
    log = EventLog()
    for i in range(3):
        log.record(float(i), Kind.TRAVEL, value=float(i))
    first = log.records()
    log.record(3.0, Kind.CLOSED, family=9)
    again = log.records()
    assert again["time"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert again["kind"].tolist() == [11, 11, 11, 14]
    assert again["family"].tolist() == [-1, -1, -1, 9]
    assert first["time"].tolist() == [0.0, 1.0, 2.0]  # what was read before is untouched
    assert len(log) == 4


def test_arrays_are_the_columns_of_records():
    log = EventLog()
    log.record(1.0, Kind.SIGNAL, family=4, detail=2, aux=ReportType.REPEAT)
    log.record(2.0, Kind.DROPOUT, family=5, need=8)
    rec = log.records()
    a = log.arrays()
    assert list(a) == COLUMNS
    for name in COLUMNS:
        assert a[name].flags.c_contiguous and (a[name] == rec[name]).all()
        assert a[name].dtype == rec.dtype[name]
    again = log.arrays()  # a copy read from disk each time: the log does not keep one
    assert all(again[name] is not a[name] and (again[name] == a[name]).all() for name in COLUMNS)
    assert a["family"].tolist() == [4, 5]
    assert a["need"].tolist() == [-1, 8]
    assert a["aux"].tolist() == [2, 0]


# ----------------------------------------------------------------------------- from a case or need
def _family() -> Family:
    return Family(id=12, municipality=30, adults=2, children=1, placement_uniform=0.9)


def _need(fam: Family, domain: int = 1) -> Need:
    need = Need(id=40, family=fam, domain=domain, severity=2, arose=5.0, episode=-1,
                luck=(0.5,) * 7)  # fmt: skip
    need.episode = 6
    return need


def _case(fam: Family, needs: list[Need]) -> Case:
    org = SimpleNamespace(oid=3, domain=2, team_for=lambda municipality: None)
    return Case(id=21, family=fam, org=org, needs=needs, episode=6, intake_kind=IntakeKind.FULL)


@pytest.mark.pure_python  # a stand-in organisation (tests/conftest.py)
def test_case_record_fills_the_columns_from_the_case():
    fam = _family()
    need = _need(fam)
    case = _case(fam, [need])
    log = EventLog()
    log.case_record(7.0, Kind.QUEUED, case, need=need.id, detail=case.priority)
    case.professional = SimpleNamespace(pid=99)
    log.case_record(8.0, Kind.INTAKE, case, need=need.id, value=3.5, detail=True, aux=False)
    queued, intake = log.records().tolist()
    #             time kind family need episode case org prof mun domain value detail aux
    assert queued == (7.0, 2, 12, 40, 6, 21, 3, -1, 30, 2, 0.0, 2, 0)
    assert intake == (8.0, 4, 12, 40, 6, 21, 3, 99, 30, 2, 3.5, 1, 0)


def test_need_record_fills_the_columns_from_the_need():
    fam = _family()
    need = _need(fam, domain=1)
    log = EventLog()
    log.need_record(5.0, Kind.NEED, need, detail=need.severity)
    log.need_record(9.0, Kind.ESCALATION, need, detail=3, aux=EscalationCause.WAITING)
    log.need_record(11.0, Kind.NEED, need, detail=2, case=21, org=3)  # found during case 21
    arose, worse, found = log.records().tolist()
    #            time  kind family need episode case org prof mun domain value detail aux
    assert arose == (5.0, 1, 12, 40, 6, -1, -1, -1, 30, 1, 0.0, 2, 0)
    assert worse == (9.0, 12, 12, 40, 6, -1, -1, -1, 30, 1, 0.0, 3, 1)
    assert found == (11.0, 1, 12, 40, 6, 21, 3, -1, 30, 1, 0.0, 2, 0)


# ----------------------------------------------------------------------------- to_frame
def test_to_frame_labels_kinds_domains_organisations_and_municipalities():
    log = EventLog()
    log.record(1.0, Kind.SIGNAL, family=0, org=2, municipality=1, domain=2, aux=1)
    log.record(2.0, Kind.CARE_START, family=0, org=0, municipality=0, domain=0, value=4.0)
    log.record(3.0, Kind.TRANSITION_HOURS, org=1, domain=3, value=8.0)
    orgs = pd.DataFrame({"name": ["wijkteam A", "shelter B", "vt C"], "region": ["R1", "R2", "R1"]})
    df = log.to_frame(orgs, ("GM0001", "GM0002"))

    assert df.columns.tolist() == [*COLUMNS, "organisation", "region", "municipality_code"]
    assert df["kind"].tolist() == ["signal", "care_start", "transition_hours"]
    assert df["kind"].cat.categories[[0, 8, 18]].tolist() == df["kind"].tolist()
    assert len(df["kind"].cat.categories) == len(Kind)
    assert df["domain"].tolist() == ["vt", "wijkteam", "shelter"]
    assert df["organisation"].tolist() == ["vt C", "wijkteam A", "shelter B"]
    assert df["region"].tolist() == ["R1", "R1", "R2"]
    assert df["region"].cat.categories.tolist() == ["R1", "R2"]  # a repeated label, once
    assert df["municipality_code"].tolist()[:2] == ["GM0002", "GM0001"]
    assert pd.isna(df["municipality_code"].iloc[2])  # -1: no municipality
    # the other columns stay numbers
    assert df["family"].tolist() == [0, 0, -1] and df["aux"].tolist() == [1, 0, 0]
    assert df["value"].tolist() == [0.0, 4.0, 8.0]


def test_to_frame_shows_minus_one_as_missing_and_leaves_the_log_alone():
    log = EventLog()
    log.record(1.0, Kind.TRANSITION_COST, domain=-1, org=-1)
    log.record(2.0, Kind.TRAVEL, domain=1, org=0)
    df = log.to_frame(pd.DataFrame({"name": ["youth X"], "region": ["JZ1"]}))
    assert pd.isna(df["domain"].iloc[0]) and df["domain"].iloc[1] == "youth"
    assert pd.isna(df["organisation"].iloc[0]) and df["organisation"].iloc[1] == "youth X"
    assert pd.isna(df["region"].iloc[0]) and df["region"].iloc[1] == "JZ1"
    assert "municipality_code" not in df
    assert df["org"].tolist() == [-1, 0]  # the codes themselves stay
    df.loc[0, "value"] = 99.0
    assert log.records()["value"].tolist() == [0.0, 0.0]  # a copy, not a view


def test_parquet_and_csv_written_a_slice_at_a_time_hold_what_to_frame_gives(tmp_path, monkeypatch):
    """A national log is written in slices; read back, the file is the labelled table."""
    monkeypatch.setattr(events, "_SLICE_ROWS", 4)
    log = EventLog()
    for i in range(11):
        log.record(float(i), Kind(i % 5), family=i, org=i % 2 if i % 3 else -1,
                   municipality=i % 2, domain=i % 4 - 1, value=0.25 * i)  # fmt: skip
    orgs = pd.DataFrame({"name": ["youth X", "VT Y"], "region": ["JZ1", "VT1"]})
    whole = log.to_frame(orgs, ("GM0001", "GM0002"))
    log.write_parquet(tmp_path / "events.parquet", orgs, ("GM0001", "GM0002"))
    back = pd.read_parquet(tmp_path / "events.parquet")
    pd.testing.assert_frame_equal(back, whole)
    assert pq.ParquetFile(tmp_path / "events.parquet").metadata.num_row_groups == 3
    log.write_csv(tmp_path / "events.csv.gz", orgs, ("GM0001", "GM0002"))
    text = gzip.open(tmp_path / "events.csv.gz", "rt").read()
    assert text == whole.to_csv(index=False)


def test_an_empty_log_writes_a_table_with_its_columns(tmp_path):
    EventLog().write_parquet(tmp_path / "events.parquet")
    back = pd.read_parquet(tmp_path / "events.parquet")
    assert len(back) == 0 and list(back.columns) == COLUMNS


# ----------------------------------------------------------------------------- the codes
def test_the_codes_are_the_ones_in_logs_already_written():
    """An enum's values are the integers in every events.parquet written so far."""
    codes = {
        Kind: ["SIGNAL", "NEED", "QUEUED", "ASSIGNED", "INTAKE", "ADMIN", "HANDOVER_SENT",
               "HANDOVER_RECEIVED", "CARE_START", "CARE_END", "COORDINATION", "TRAVEL",
               "ESCALATION", "DROPOUT", "CLOSED", "TRANSFER", "CARE_RESUMED", "TRANSITION_COST",
               "TRANSITION_HOURS", "STAFFING", "GOVERNANCE"],
        StaffRole: ["CASEWORK", "OVERHEAD"],
        ReportType: ["NOT_VT", "FIRST", "REPEAT", "FOLLOW_UP"],
        AdminReason: ["REGISTRATION", "RETYPING", "REPORTING"],
        TransitionItem: ["ORGANISATION_CREATED", "ORGANISATION_DISSOLVED",
                         "PROFESSIONALS_MOVED", "CASES_TRANSFERRED", "LEAVERS", "TRAINING"],
        LossReason: ["CONTRACTING_GAP", "VACANCY", "LEARNING", "TRAINING", "TRANSFER"],
        CasePhase: ["TRANSIT", "QUEUED", "INTAKE", "CARE", "WRAPUP", "CLOSED"],
        NeedState: ["WAITING", "IN_CARE", "DONE"],
        NeedOutcome: ["OPEN", "RESOLVED", "UNRESOLVED", "DROPPED"],
    }  # fmt: skip
    for enum, names in codes.items():
        assert {m.name: m.value for m in enum} == {n: i for i, n in enumerate(names)}, enum
    assert {m.name: m.value for m in EscalationCause} == {"WAITING": 1, "RECURRENCE": 2}
    assert [int(f) for f in HandoverFlag] == [1, 2, 4, 8, 16]
    assert HandoverFlag.REGION_BORDER | HandoverFlag.PLACED_ELSEWHERE == 5
    assert [k.value for k in IntakeKind] == ["full", "short", "none"]


def test_label_tuples_are_the_names_that_outputs_have_always_shown():
    assert events.REPORT_TYPES == ("not_vt", "first", "repeat", "follow_up")
    assert events.ADMIN_REASONS == ("registration", "retyping", "reporting")
    assert events.TRANSITION_ITEMS == ("organisation_created", "organisation_dissolved",
                                       "professionals_moved", "cases_transferred", "leavers",
                                       "training")  # fmt: skip
    assert events.LOSS_REASONS == ("contracting_gap", "vacancy", "learning", "training",
                                   "transfer")  # fmt: skip


def test_every_kind_declares_its_value_detail_and_aux():
    assert list(KINDS) == list(Kind)
    for kind, spec in KINDS.items():
        assert spec.about, kind
        fields = [f for f in (spec.value, spec.detail, spec.aux) if f is not None]
        names = [f.name for f in fields]
        assert all(n.isidentifier() for n in names) and len(set(names)) == len(names), kind
    for kind in HOURS_KINDS:  # the kinds whose value counts as professional hours
        assert KINDS[kind].value.unit == "hours", kind
    assert KINDS[Kind.HANDOVER_RECEIVED].aux.codes is HandoverFlag
    assert KINDS[Kind.TRANSFER].aux.codes is CasePhase
    assert KINDS[Kind.DROPOUT].value is KINDS[Kind.DROPOUT].detail is None

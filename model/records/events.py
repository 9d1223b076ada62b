"""The event log: one flat record per thing that happens to a family.

Every metric is computed from this log (see metrics.py), never from counters inside the
engine, so any figure in a summary can be checked by hand against `events.parquet`.
Records are written into a buffer of typed columns as they are made and moved to disk,
54 bytes each, a file per kind (store.py); outcomes `select` the kinds and columns they
need, `to_frame()` turns the log into a pandas DataFrame with readable labels, and
`write_parquet()` writes that table a slice at a time.

Columns: time (days since the start, warm-up included), kind, family, need, episode (the
signal a need or case stems from), case (one family's stay at one organisation), org,
professional, municipality (the family's), domain, value, detail, aux.

`value` (a float), `detail` and `aux` (integers) are generic: what they hold depends on
the kind, and `KINDS` declares it for each (a name, a unit, the codes it uses), for the
docs and for an exporter that wants a column per meaning. The log itself keeps the three
generic columns, and events.parquet keeps its schema, because
- every record then has the same fixed size: a column per meaning would be some twenty
  more columns, nearly all empty in any one record, and a national run holds ~80 million
  records (docs/performance.md);
- events.parquet is what notebooks, sweeps' stored logs, metrics.py and outcomes.py read
  by column name; renaming its columns would break every log already written.

The integer codes are enums (IntEnum, IntFlag), so code says `ReportType.REPEAT` where
the log stores 2; their values are the codes, and must never change. Codes that several
layers use (need states, case phases) are in `model.vocabulary`.
"""

from __future__ import annotations

import gzip
from array import array
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum, IntEnum, IntFlag
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.records.store import KindFiles
from model.vocabulary import DOMAINS, SEVERITIES, SOURCES, CasePhase, labels


class Kind(IntEnum):
    """What a record is about; `KINDS` says what its value, detail and aux hold."""

    SIGNAL = 0
    NEED = 1
    QUEUED = 2
    ASSIGNED = 3
    INTAKE = 4
    ADMIN = 5
    HANDOVER_SENT = 6
    HANDOVER_RECEIVED = 7
    CARE_START = 8
    CARE_END = 9
    COORDINATION = 10
    TRAVEL = 11
    ESCALATION = 12
    DROPOUT = 13
    CLOSED = 14
    TRANSFER = 15
    CARE_RESUMED = 16
    TRANSITION_COST = 17
    TRANSITION_HOURS = 18
    STAFFING = 19
    GOVERNANCE = 20


class ReportType(IntEnum):
    """A signal's `aux`: whether it is a report to Veilig Thuis (melding), and which."""

    NOT_VT = 0  # a signal at the wijkteam
    FIRST = 1
    REPEAT = 2  # hermelding: Veilig Thuis knew the family before
    FOLLOW_UP = 3  # the family's case at Veilig Thuis is still open


class AdminReason(IntEnum):
    """An `admin` record's `detail`: what the administration was for."""

    REGISTRATION = 0  # registering a case at intake
    RETYPING = 1  # re-typing a case into the receiver's form at a handover
    REPORTING = 2  # reporting on care


class HandoverFlag(IntFlag):
    """A `handover_received` record's `aux` (and `Case.border`): what the handover crossed.

    Code that tests these per event does so on int copies (processes/handover.py): an
    operation on an IntFlag member runs Python code (~3 us, against ~0.06 us on ints)."""

    REGION_BORDER = 1  # the catchments do not nest
    PROVINCE_BORDER = 2
    PLACED_ELSEWHERE = 4  # deliberately outside the home region (a shelter, for safety)
    RULE_BOOK = 8  # sender and receiver work under different rule books for this family
    SPECIALIST = 16  # to a supra-regional provider of specialised care


class StaffRole(IntEnum):
    """A `staffing` record's `detail`: which paid staff changed."""

    CASEWORK = 0  # case-carrying professionals
    OVERHEAD = 1  # management and back office


class EscalationCause(IntEnum):
    """An `escalation` record's `aux`: why the need became more severe."""

    WAITING = 1  # an incident while it waited for care
    RECURRENCE = 2  # it came back after care that did not resolve it


class TransitionItem(IntEnum):
    """A `transition_cost` record's `detail`: what a reorganisation paid for."""

    ORGANISATION_CREATED = 0
    ORGANISATION_DISSOLVED = 1
    PROFESSIONALS_MOVED = 2
    CASES_TRANSFERRED = 3
    LEAVERS = 4
    TRAINING = 5


class LossReason(IntEnum):
    """A `transition_hours` record's `detail`: why professional hours went to the change."""

    CONTRACTING_GAP = 0
    VACANCY = 1
    LEARNING = 2
    TRAINING = 3
    TRANSFER = 4


# The report types that are reports to Veilig Thuis (meldingen).
VT_REPORTS: tuple[ReportType, ...] = (ReportType.FIRST, ReportType.REPEAT, ReportType.FOLLOW_UP)

# Labels, in code order, as outputs show them.
REPORT_TYPES: tuple[str, ...] = labels(ReportType)
ADMIN_REASONS: tuple[str, ...] = labels(AdminReason)
TRANSITION_ITEMS: tuple[str, ...] = labels(TransitionItem)
LOSS_REASONS: tuple[str, ...] = labels(LossReason)


class Field(NamedTuple):
    """What one generic column (value, detail or aux) holds in records of one kind."""

    name: str  # a name an exporter may give the column for this kind
    unit: str = ""  # a quantity's unit ("hours", "days", "EUR"); "" for a code, flag or count
    codes: type[Enum] | tuple[str, ...] | None = None  # what the codes mean
    note: str = ""


class KindSpec(NamedTuple):
    """A kind of record: what happened, and what value, detail and aux hold (None: unused,
    left at 0). `about` also says where a fixed column means something particular."""

    about: str
    value: Field | None = None
    detail: Field | None = None
    aux: Field | None = None


_HOURS = "hours"
_FLAG = "1 when {}, else 0"
_SEVERITY = "1 mild, 2 moderate, 3 severe (SEVERITIES[code - 1])"

KINDS: dict[Kind, KindSpec] = {
    Kind.SIGNAL: KindSpec(
        "a signal reaches an organisation",
        detail=Field("source", codes=SOURCES),
        aux=Field("report_type", codes=ReportType),
    ),
    Kind.NEED: KindSpec(
        "a need arises; domain = the need's domain; case and org = where it was found, for "
        "an onward referral",
        detail=Field("severity", note=_SEVERITY),
    ),
    Kind.QUEUED: KindSpec(
        "a case joins an organisation's queue",
        detail=Field("priority", note="the severity of its most severe need: " + _SEVERITY),
    ),
    Kind.ASSIGNED: KindSpec(
        "first contact: a professional takes the case",
        value=Field("days_waited", "days", note="in the queue"),
        aux=Field("sister_team", note=_FLAG.format("a sister team, not the family's own, took it")),
    ),
    Kind.INTAKE: KindSpec(
        "an intake",
        value=Field("hours", _HOURS),
        detail=Field("story_told", note=_FLAG.format("the family told its story (full intake)")),
        aux=Field("information_lost", note=_FLAG.format("information was lost on the way")),
    ),
    Kind.ADMIN: KindSpec(
        "administration",
        value=Field("hours", _HOURS),
        detail=Field("reason", codes=AdminReason),
    ),
    Kind.HANDOVER_SENT: KindSpec(
        "a case leaves for another organisation; org and professional = the sender's, "
        "case = the receiving case",
        value=Field("latency", "days"),
        detail=Field("receiving_org", note="an org id"),
    ),
    Kind.HANDOVER_RECEIVED: KindSpec(
        "the handover arrives",
        value=Field("familiarity", "0..1", note="how well the sender knew the receiver"),
        detail=Field("sending_org", note="an org id"),
        aux=Field("flags", codes=HandoverFlag),
    ),
    Kind.CARE_START: KindSpec(
        "care starts for a need",
        value=Field("care_hours", _HOURS, note="direct care hours planned for the need"),
        detail=Field("preventive", note=_FLAG.format("it is preventive support")),
        aux=Field("care_days", "days", note="care days planned"),
    ),
    Kind.CARE_END: KindSpec(
        "care ends for a need",
        detail=Field("resolved", note=_FLAG.format("the need is resolved")),
    ),
    Kind.COORDINATION: KindSpec(
        "coordination with the family's other organisations",
        value=Field("hours", _HOURS),
        detail=Field("other_organisations", note="how many"),
    ),
    Kind.TRAVEL: KindSpec("travel for home visits", value=Field("hours", _HOURS)),
    Kind.ESCALATION: KindSpec(
        "a need becomes more severe",
        detail=Field("severity", note="the new severity: " + _SEVERITY),
        aux=Field("cause", codes=EscalationCause),
    ),
    Kind.DROPOUT: KindSpec("the family no longer shows up; the need is left without care"),
    Kind.CLOSED: KindSpec("a case closes and its professional is free again"),
    Kind.TRANSFER: KindSpec(
        "a reorganisation moves a need's open case to the newly responsible organisation; "
        "case = its case there (the same id when it moved before intake, a new one otherwise)",
        value=Field("case_before", note="its case id before"),
        detail=Field("dissolved_org", note="an org id"),
        aux=Field("phase", codes=CasePhase, note="the case's phase when it moved"),
    ),
    Kind.CARE_RESUMED: KindSpec(
        "care interrupted by a transfer resumes at the new organisation",
        value=Field("days_interrupted", "days"),
    ),
    Kind.TRANSITION_COST: KindSpec(
        "a one-off cost of a reorganisation",
        value=Field("cost", "EUR"),
        detail=Field("item", codes=TransitionItem),
        aux=Field("count", note="how many organisations, professionals or cases"),
    ),
    Kind.TRANSITION_HOURS: KindSpec(
        "professional hours a reorganisation takes from families",
        value=Field("hours", _HOURS),
        detail=Field("reason", codes=LossReason),
        aux=Field("paid", note=_FLAG.format("they are paid (in reorganisation_cost_eur)")),
    ),
    Kind.STAFFING: KindSpec(
        "an organisation's paid staff changes (staffed at the start or by a reorganisation: "
        "positive; dissolved: negative); paid hours are these FTE times weekly hours over time",
        value=Field("fte", "FTE", note="the change"),
        detail=Field("role", codes=StaffRole),
        aux=Field("rule_books", note="rule books the organisation works under"),
    ),
    Kind.GOVERNANCE: KindSpec(
        "a month of a regional body's meetings: officials' and managers' hours (org, "
        "municipality: -1)",
        value=Field("hours", _HOURS),
        detail=Field("members", note="member municipalities"),
        aux=Field("body", note="the body's number in this run"),
    ),
}

# Kinds whose value is professional hours, and the activity they count as.
HOURS_KINDS: dict[Kind, str] = {
    Kind.INTAKE: "intake",
    Kind.ADMIN: "administration",
    Kind.CARE_START: "care",
    Kind.COORDINATION: "coordination",
    Kind.TRAVEL: "travel",
}

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("time", "f8"),
    ("kind", "i1"),
    ("family", "i4"),
    ("need", "i4"),
    ("episode", "i4"),
    ("case", "i4"),
    ("org", "i4"),
    ("professional", "i4"),
    ("municipality", "i4"),
    ("domain", "i1"),
    ("value", "f8"),
    ("detail", "i4"),
    ("aux", "i4"),
)
RECORD = np.dtype(list(_COLUMNS))
# The buffer's columns: an array.array each, of RECORD's column types (a typed memoryview
# each in the compiled build, so a record is thirteen stores, with no object made).
_TYPECODES = {"f8": "d", "i1": "b", "i4": "i"}
assert all(array(_TYPECODES[t]).itemsize == RECORD[c].itemsize for c, t in _COLUMNS)
_FLUSH = 1 << 16
# Records the buffer holds: twice what `maybe_flush` waits for, so that the engine's
# calls (every few thousand events) decide when records go to disk; a full buffer goes
# at once.
_CAPACITY = 2 * _FLUSH
# Rows a labelled slice of `write_parquet` holds at a time (about 0.2 GB as a DataFrame).
_SLICE_ROWS = 1 << 21


class EventLog:
    """Append-only records: each written into a buffer of typed columns as it is made,
    which `maybe_flush` (the engine calls it every few thousand events) moves to disk, a
    file per kind (store.py). Recording is the engine's hot path (3.4 records an event):
    `case_record` and `need_record` fill the columns from a case or a need.

    A national five-year run's log is 5.3 GB (docs/performance.md), so it is never in
    memory whole unless asked for (`arrays()`, for small logs): the outcomes `select` the
    kinds and columns they need, and `write_parquet` labels and writes it slice by slice.

    Every column after (time, kind[, case or need]) is keyword-only, so that a call says
    which generic column it fills (`value=hours`); `KINDS` says what each holds."""

    def __init__(self) -> None:
        self._n = 0  # records in the buffer
        self._columns = tuple(array(_TYPECODES[t], [0]) * _CAPACITY for _, t in _COLUMNS)
        (self._time, self._kind, self._family, self._need, self._episode, self._case,
         self._org, self._professional, self._municipality, self._domain, self._value,
         self._detail, self._aux) = self._columns  # fmt: skip
        self._store = KindFiles(RECORD, len(Kind))

    def record(
        self,
        time: float,
        kind: Kind,
        *,
        family: int = -1,
        need: int = -1,
        episode: int = -1,
        case: int = -1,
        org: int = -1,
        professional: int = -1,
        municipality: int = -1,
        domain: int = -1,
        value: float = 0.0,
        detail: int = 0,
        aux: int = 0,
    ) -> None:
        """A record with every column given (-1: none); for records about neither one case
        nor one need, or that name another case than the organisation's own."""
        self._put(time, kind, family, need, episode, case, org, professional, municipality,
                  domain, value, detail, aux)  # fmt: skip

    def case_record(
        self,
        time: float,
        kind: Kind,
        case,  # a Case (model.agents is a layer above: not imported)
        *,
        need: int = -1,
        value: float = 0.0,
        detail: int = 0,
        aux: int = 0,
    ) -> None:
        """A record about a family's case at an organisation: family, episode, case, org,
        professional, municipality and domain are the case's."""
        self._put_case(time, kind, case, need, value, detail, aux)

    def need_record(
        self,
        time: float,
        kind: Kind,
        need,  # a Need
        *,
        value: float = 0.0,
        detail: int = 0,
        aux: int = 0,
        case: int = -1,
        org: int = -1,
    ) -> None:
        """A record about a need outside its own case (it arose, it escalated): family, need,
        episode, municipality and domain are the need's; case and org say where it was found
        when it was found during another case's care."""
        self._put_need(time, kind, need, value, detail, aux, case, org)

    def _put_case(self, time, kind, case, need, value, detail, aux) -> None:
        """`case_record`'s record. A method of its own, with its arguments in order, so that
        events.pxd can type the case for the compiled build (a typed class there, whose
        fields are then read as struct members); events.py itself never imports
        model.agents."""
        fam = case.family
        org = case.org
        p = case.professional
        self._put(time, kind, fam.id, need, case.episode, case.id, org.oid,
                  -1 if p is None else p.pid, fam.municipality, org.domain, value, detail, aux)  # fmt: skip

    def _put_need(self, time, kind, need, value, detail, aux, case, org) -> None:
        """`need_record`'s record (see `_put_case`)."""
        fam = need.family
        self._put(time, kind, fam.id, need.id, need.episode, case, org, -1, fam.municipality,
                  need.domain, value, detail, aux)  # fmt: skip

    def _put(self, time, kind, family, need, episode, case, org, professional, municipality,
             domain, value, detail, aux) -> None:  # fmt: skip
        """One record into the buffer (which goes to disk first if it is full)."""
        if self._n == _CAPACITY:
            self._flush()
        i = self._n
        self._time[i] = time
        self._kind[i] = kind
        self._family[i] = family
        self._need[i] = need
        self._episode[i] = episode
        self._case[i] = case
        self._org[i] = org
        self._professional[i] = professional
        self._municipality[i] = municipality
        self._domain[i] = domain
        self._value[i] = value
        self._detail[i] = detail
        self._aux[i] = aux
        self._n = i + 1

    def maybe_flush(self) -> None:
        if self._n >= _FLUSH:
            self._flush()

    def _flush(self) -> None:
        """The buffer's records, as one block of RECORD, to the store."""
        n = self._n
        if not n:
            return
        block = np.empty(n, dtype=RECORD)
        for name, column in zip(RECORD.names, self._columns, strict=True):
            block[name] = np.frombuffer(column, dtype=RECORD[name], count=n)
        self._n = 0
        self._store.append(block)

    def __len__(self) -> int:
        return self._store.n + self._n

    def select(
        self, kinds: Iterable[int], names: Sequence[str], *, since: float | None = None
    ) -> dict[str, np.ndarray]:
        """Columns `names` of the records of these kinds, in log order; with `since`, of
        those at or after that time. Column `row` is each record's position in the log.
        What the outcomes read instead of the whole log (metrics.pick)."""
        self._flush()
        return self._store.select(kinds, names, since)

    def first_row_at(self, time: float) -> int:
        """The position of the first record at or after `time` (the log is in time order;
        tests/engine/test_invariants.py checks it): where the measured window starts."""
        self._flush()
        return self._store.first_row_at(time)

    def stretch(self, start: int, stop: int, kinds: Iterable[int]) -> dict[str, np.ndarray]:
        """The columns of the records of these kinds at positions [start, stop), in log
        order, with each one's position (`row`): for outcomes that add up values in log
        order a stretch at a time (metrics.window_cost)."""
        self._flush()
        return self._store.span_rows(start, stop, kinds)

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays, every record so far in order: the whole log in
        memory, for small logs (tests, checks, a family's journey)."""
        self._flush()
        out = {name: np.empty(len(self), dtype=RECORD[name]) for name in RECORD.names}
        for start, part in self._spans():
            for name in RECORD.names:
                out[name][start : start + len(part)] = part[name]
        return out

    def _spans(self) -> Iterator[tuple[int, np.ndarray]]:
        """The log in order, _SLICE_ROWS records at a time, with each stretch's first
        position."""
        self._flush()
        for start in range(0, len(self), _SLICE_ROWS):
            yield start, self._store.span(start, start + _SLICE_ROWS)

    def records(self) -> np.ndarray:
        """All records so far as one structured array (a copy: for small logs and tests)."""
        return self.since(0)

    def since(self, start: int) -> np.ndarray:
        """The records from position `start` on, as one structured array: for a reader that
        follows the log as it grows (the app), at a cost of what is new, not of the whole
        log."""
        self._flush()
        return self._store.span(start, len(self))

    def to_frame(
        self,
        org_table: pd.DataFrame | None = None,
        municipality_codes: tuple[str, ...] | None = None,
    ) -> pd.DataFrame:
        """The log as a DataFrame, with kind and domain as labels and, given the tables, the
        organisation's name and region and the family's municipality code. A copy of the
        whole log: for a national run write it with `write_parquet` instead."""
        return _labelled(self.arrays(), org_table, municipality_codes)

    def write_parquet(
        self,
        target,  # a path or a binary file object
        org_table: pd.DataFrame | None = None,
        municipality_codes: tuple[str, ...] | None = None,
    ) -> None:
        """Write what `to_frame` gives to Parquet, a slice at a time: the same file as
        `to_frame(...).to_parquet(target, index=False)`, without the labelled copy of the
        whole log in memory."""
        writer = None
        try:
            for part in self._labelled_slices(org_table, municipality_codes):
                table = pa.Table.from_pandas(part, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(target, table.schema, compression="snappy")
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    def write_csv(
        self,
        path,
        org_table: pd.DataFrame | None = None,
        municipality_codes: tuple[str, ...] | None = None,
    ) -> None:
        """Write what `to_frame` gives as gzipped CSV, a slice at a time."""
        with gzip.open(path, "wt", newline="") as out:
            for i, part in enumerate(self._labelled_slices(org_table, municipality_codes)):
                part.to_csv(out, index=False, header=i == 0)

    def _labelled_slices(
        self, org_table: pd.DataFrame | None, municipality_codes: tuple[str, ...] | None
    ) -> Iterator[pd.DataFrame]:
        """`to_frame` a slice of rows at a time; one empty slice for an empty log, so that a
        file written from it still has its columns."""
        if not len(self):
            yield _labelled({name: np.empty(0, RECORD[name]) for name in RECORD.names},
                            org_table, municipality_codes)  # fmt: skip
        for _, part in self._spans():
            yield _labelled({name: part[name] for name in RECORD.names}, org_table,
                            municipality_codes)  # fmt: skip


def _labelled(
    a: dict[str, np.ndarray],
    org_table: pd.DataFrame | None,
    municipality_codes: tuple[str, ...] | None,
) -> pd.DataFrame:
    df = pd.DataFrame({k: v.copy() for k, v in a.items()})
    df["kind"] = pd.Categorical.from_codes(df["kind"], labels(Kind))
    df["domain"] = _labels(df["domain"], DOMAINS)
    if org_table is not None:
        df["organisation"] = _labels(df["org"], tuple(org_table["name"]))
        df["region"] = _labels(df["org"], tuple(org_table["region"]))
    if municipality_codes is not None:
        df["municipality_code"] = _labels(df["municipality"], municipality_codes)
    return df


def _labels(codes: pd.Series, names: tuple[str, ...]) -> pd.Categorical:
    """Categorical labels for integer codes, where -1 means 'none' and labels may repeat."""
    categories = list(dict.fromkeys(names))
    position = {name: i for i, name in enumerate(categories)}
    lookup = np.array([position[name] for name in names] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(lookup[np.asarray(codes, dtype=np.int64)], categories)


def severity_label(code: int) -> str:
    return SEVERITIES[code - 1]

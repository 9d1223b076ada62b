"""The event log: one flat record per thing that happens to a family.

Every metric is computed from this log (see metrics.py), never from counters inside the
engine, so any figure in a summary can be checked by hand against `events.parquet`.
Records are packed into numpy chunks (54 bytes a record) so that a national run fits in
memory; `to_frame()` turns them into a pandas DataFrame with readable labels.

Columns: time (days since the start, warm-up included), kind, family, need, episode (the
signal a need or case stems from), case (one family's stay at one organisation), org,
professional, municipality (the family's), domain, value, detail, aux. What `value`,
`detail` and `aux` mean depends on the kind; `KIND_DOC` says it for each.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd

from model.vocabulary import DOMAINS, SEVERITIES


class Kind(IntEnum):
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


KIND_DOC: dict[Kind, str] = {
    Kind.SIGNAL: "a signal reaches an organisation; detail = source (SOURCES), aux = report type (REPORT_TYPES)",
    Kind.NEED: "a need arises; domain = the need's domain, detail = severity (1-3); case and org = where it was found, for an onward referral",
    Kind.QUEUED: "a case joins an organisation's queue; detail = priority (severity)",
    Kind.ASSIGNED: "first contact: a professional takes the case; value = days waited in the queue",
    Kind.INTAKE: "an intake; value = hours, detail = 1 when the family told its story (full intake), aux = 1 when information was lost on the way",
    Kind.ADMIN: "administration; value = hours, detail = reason (ADMIN_REASONS)",
    Kind.HANDOVER_SENT: "a case leaves for another organisation; case = the receiving case, detail = receiving org, value = latency in days",
    Kind.HANDOVER_RECEIVED: "the handover arrives; detail = sending org, aux = flags (1 region border, 2 province border, 4 placed outside the home region for safety)",
    Kind.CARE_START: "care starts for a need; value = direct care hours planned, aux = care days planned",
    Kind.CARE_END: "care ends for a need; detail = 1 when the need is resolved",
    Kind.COORDINATION: "coordination with the family's other organisations; value = hours, detail = other organisations",
    Kind.TRAVEL: "travel for home visits; value = hours",
    Kind.ESCALATION: "a need becomes more severe; detail = new severity, aux = 1 while waiting, 2 on recurrence",
    Kind.DROPOUT: "the family no longer shows up; the need is left without care",
    Kind.CLOSED: "a case closes and its professional is free again",
    Kind.TRANSFER: "a reorganisation moves a need's open case to the newly responsible organisation; case = its case there (the same id when it moved before intake, a new one otherwise), value = its case id before, detail = the dissolved org, aux = phase then (CASE_PHASES)",
    Kind.CARE_RESUMED: "care interrupted by a transfer resumes at the new organisation; value = days interrupted",
    Kind.TRANSITION_COST: "a one-off cost of a reorganisation; value = EUR, detail = item (TRANSITION_ITEMS), aux = how many (organisations, professionals, cases)",
    Kind.TRANSITION_HOURS: "professional hours a reorganisation takes from families; value = hours, detail = reason (LOSS_REASONS), aux = 1 when they are paid (counted in reorganisation_cost_eur)",
}

REPORT_TYPES: tuple[str, ...] = ("not_vt", "first", "repeat", "follow_up")
NOT_VT, FIRST, REPEAT, FOLLOW_UP = range(4)
ADMIN_REASONS: tuple[str, ...] = ("registration", "retyping", "reporting")
REGISTRATION, RETYPING, REPORTING = range(3)
BORDER_REGION, BORDER_PROVINCE, PLACED_ELSEWHERE = 1, 2, 4
CASE_PHASES: tuple[str, ...] = ("transit", "queued", "intake", "care", "wrapup", "closed")
TRANSITION_ITEMS: tuple[str, ...] = (
    "organisation_created",
    "organisation_dissolved",
    "professionals_moved",
    "cases_transferred",
    "leavers",
    "training",
)
ORG_CREATED, ORG_DISSOLVED, PROFESSIONALS_MOVED, CASES_TRANSFERRED, LEAVERS, TRAINING = range(6)
LOSS_REASONS: tuple[str, ...] = ("contracting_gap", "vacancy", "learning", "training", "transfer")
GAP, VACANCY, LEARNING, TRAINING_HOURS, TRANSFER_WORK = range(5)

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
_FLUSH = 1 << 16


class EventLog:
    """Append-only records: tuples in a short buffer, packed into numpy chunks of 54 bytes a
    record. Recording is the engine's hot path (~0.4 us a record): `case_record` and
    `need_record` fill the columns from a case or a need, and the buffer is packed by
    `maybe_flush`, which the engine calls every few thousand events."""

    def __init__(self) -> None:
        self._buf: list[tuple] = []
        self._append = self._buf.append
        self._chunks: list[np.ndarray] = []
        self._n_chunked = 0

    def record(
        self,
        time: float,
        kind: int,
        family: int,
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
        self._append(
            (time, kind, family, need, episode, case, org, professional, municipality, domain,
             value, detail, aux)
        )  # fmt: skip

    def case_record(self, time: float, kind: int, case, need: int = -1, value: float = 0.0,
                    detail: int = 0, aux: int = 0) -> None:  # fmt: skip
        """A record about a family's case at an organisation."""
        fam = case.family
        org = case.org
        p = case.professional
        self._append(
            (time, kind, fam.id, need, case.episode, case.id, org.oid, -1 if p is None else p.pid,
             fam.municipality, org.domain, value, detail, aux)
        )  # fmt: skip

    def need_record(self, time: float, kind: int, need, value: float = 0.0, detail: int = 0,
                    aux: int = 0, org: int = -1) -> None:  # fmt: skip
        """A record about a need, outside any case (it arose, it escalated)."""
        fam = need.family
        self._append(
            (time, kind, fam.id, need.id, need.episode, -1, org, -1, fam.municipality, need.domain,
             value, detail, aux)
        )  # fmt: skip

    def maybe_flush(self) -> None:
        if len(self._buf) >= _FLUSH:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            chunk = np.fromiter(self._buf, dtype=RECORD, count=len(self._buf))
            self._chunks.append(chunk)
            self._n_chunked += len(chunk)
            self._buf.clear()  # keep the list: `_append` stays bound to it

    def __len__(self) -> int:
        return self._n_chunked + len(self._buf)

    def records(self) -> np.ndarray:
        """All records so far as one structured array."""
        self._flush()
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.empty(0, dtype=RECORD)

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays (views of `records()`)."""
        rec = self.records()
        return {name: rec[name] for name in RECORD.names}

    def to_frame(
        self,
        org_table: pd.DataFrame | None = None,
        municipality_codes: tuple[str, ...] | None = None,
    ) -> pd.DataFrame:
        """The log as a DataFrame, with kind and domain as labels and, given the tables, the
        organisation's name and region and the family's municipality code."""
        a = self.arrays()
        df = pd.DataFrame({k: v.copy() for k, v in a.items()})
        df["kind"] = pd.Categorical.from_codes(df["kind"], [k.name.lower() for k in Kind])
        df["domain"] = _labels(df["domain"], DOMAINS)
        if org_table is not None:
            df["organisation"] = _labels(df["org"], tuple(org_table["name"]))
            df["region"] = _labels(df["org"], tuple(org_table["region"]))
        if municipality_codes is not None:
            df["municipality_code"] = _labels(df["municipality"], municipality_codes)
        return df


def _labels(codes: pd.Series, labels: tuple[str, ...]) -> pd.Categorical:
    """Categorical labels for integer codes, where -1 means 'none' and labels may repeat."""
    categories = list(dict.fromkeys(labels))
    position = {label: i for i, label in enumerate(categories)}
    lookup = np.array([position[label] for label in labels] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(lookup[np.asarray(codes, dtype=np.int64)], categories)


def severity_label(code: int) -> str:
    return SEVERITIES[code - 1]

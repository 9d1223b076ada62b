"""Live figures of one running model, kept up to date from the records each step adds.

The event log only grows, so each update reads the records added since the last one
(`EventLog.since`) and folds them into running totals and per-need and per-family state:
the cost of an update follows what happened that day, not the length of the run. The
cumulative figures follow the definitions of `records/metrics.py` over the measured window
(from the end of the warm-up to now) and carry the names of the declared outcomes
(`records/outcomes.py`); tests/app holds them to `metrics.summarise` on the same log.
Rolling figures cover the last ROLLING_DAYS days, from the recent records alone.

- needs waiting, per domain of the need: arisen, neither in care yet nor dropped out
  (`signal_to_care`'s unmet needs that are not dropouts), at any time of the run;
- signal to care: days from a need's `need` record to its first `care_start`; cumulative
  over needs that arose in the window (`signal_to_care_days_mean`), rolling over the care
  that started in the last ROLLING_DAYS days;
- stories told: full intakes (`intake` with detail 1) of measured families (first signal
  in the window), per measured family, and their distribution;
- professional hours by activity (HOURS_KINDS) and cost (`metrics.row_cost_eur`) of the
  records in the window; rolling: those of the last ROLLING_DAYS days;
- waiting at each organisation: the mean `assigned` wait of the last ROLLING_DAYS days (the
  map);
- one family's records (the timeline): the scripted family, or else the first family
  that comes to light in the window with needs in two or more domains.
"""

from __future__ import annotations

import numpy as np

from model.engine.simulation import SocialDomainModel
from model.records.events import HOURS_KINDS, Kind
from model.records.metrics import earliest, row_cost_eur
from model.vocabulary import DOMAINS

ROLLING_DAYS = 28.0
ACTIVITIES: tuple[str, ...] = tuple(HOURS_KINDS.values())
_HOURS_CODES = np.array([int(k) for k in HOURS_KINDS])
_NAN = float("nan")


class _Grown:
    """Arrays indexed by an id (a need's, a family's) that grow as ids appear."""

    def __init__(self, **fill) -> None:
        self._fill = fill
        self.n = 0
        for name, value in fill.items():
            setattr(self, name, np.full(0, value))

    def fit(self, ids: np.ndarray) -> None:
        top = int(ids.max(initial=-1)) + 1
        if top <= self.n:
            return
        size = max(top, 2 * self.n, 1024)
        for name, value in self._fill.items():
            old = getattr(self, name)
            new = np.full(size, value, dtype=old.dtype if len(old) else np.asarray(value).dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        self.n = size


class Live:
    """The figures for one model; `update()` after each step."""

    def __init__(self, model: SocialDomainModel, follow: int | None = None) -> None:
        self.model = model
        self.start = float(model.measure_from)
        self.seen = 0  # records of the log read so far
        self.needs = _Grown(arose=_NAN, domain=np.int8(-1), started=False, left=False)
        self.fams = _Grown(first=_NAN, stories=np.int32(0))
        self.waiting = np.zeros(len(DOMAINS), dtype=np.int64)
        self.families = 0  # measured families
        self.stories = 0  # stories told by measured families
        self.s2c_sum = 0.0
        self.s2c_n = 0
        self.hours = dict.fromkeys(ACTIVITIES, 0.0)
        self.cost = 0.0
        self.recent: dict[str, np.ndarray] = {
            "care_time": np.empty(0),
            "care_delay": np.empty(0),
            "wait_time": np.empty(0),
            "wait_org": np.empty(0, dtype=np.int64),
            "wait_days": np.empty(0),
            "hours_time": np.empty(0),
            "hours_activity": np.empty(0, dtype=np.int64),
            "hours_value": np.empty(0),
        }
        self.follow = follow
        self.family_records: list[np.ndarray] = []
        self.series: dict[str, list[float]] = {}  # a column per figure, a row per update

    @property
    def now(self) -> float:
        return float(self.model.now)

    # ------------------------------------------------------------------ reading the log
    def update(self) -> None:
        """Fold in the records added since the last update; add a row to the series once the
        warm-up is over."""
        r = self.model.log.since(self.seen)
        self.seen += len(r)
        if len(r):
            self._fold(r)
        if self.now > self.start:
            for key, value in self.figures().items():
                self.series.setdefault(key, []).append(value)

    def _fold(self, r: np.ndarray) -> None:
        kind, t = r["kind"], r["time"]
        needs, fams = self.needs, self.fams

        m = kind == Kind.NEED
        ids, dom = r["need"][m], r["domain"][m]
        needs.fit(ids)
        needs.arose[ids] = t[m]
        needs.domain[ids] = dom
        self.waiting += np.bincount(dom, minlength=len(DOMAINS))

        m = kind == Kind.CARE_START
        started, first = earliest(r["need"][m], t[m])
        needs.fit(started)
        first_time = ~needs.started[started]  # a need counts at its first care start
        started, first = started[first_time], first[first_time]
        needs.started[started] = True
        delay = first - needs.arose[started]
        measured = needs.arose[started] >= self.start
        self.s2c_sum += float(delay[measured].sum())
        self.s2c_n += int(measured.sum())
        self._leave(started)
        self._keep("care", first, care_delay=delay)

        dropped = np.unique(r["need"][kind == Kind.DROPOUT])
        needs.fit(dropped)
        self._leave(dropped)

        m = kind == Kind.SIGNAL
        fam, first = earliest(r["family"][m], t[m])
        fams.fit(fam)
        new = np.isnan(fams.first[fam])
        fams.first[fam[new]] = first[new]
        self.families += int((first[new] >= self.start).sum())

        m = (kind == Kind.INTAKE) & (r["detail"] == 1)
        told = r["family"][m]
        fams.fit(told)
        told = told[fams.first[told] >= self.start]
        self.stories += len(told)
        np.add.at(fams.stories, told, 1)

        win = t >= self.start
        is_hours = np.isin(kind, _HOURS_CODES)
        activity = np.searchsorted(_HOURS_CODES, kind[is_hours])
        for i, name in enumerate(ACTIVITIES):
            self.hours[name] += float(r["value"][is_hours][(activity == i) & win[is_hours]].sum())
        self._keep("hours", t[is_hours], hours_activity=activity, hours_value=r["value"][is_hours])
        cost = row_cost_eur(r, self.model.run_info())
        self.cost += float(cost[win].sum())

        m = kind == Kind.ASSIGNED
        self._keep("wait", t[m], wait_org=r["org"][m].astype(np.int64), wait_days=r["value"][m])

        self._follow(r)

    def _leave(self, needs: np.ndarray) -> None:
        """Needs that stop waiting (their first care, or a dropout), each once."""
        needs = needs[~self.needs.left[needs]]
        self.needs.left[needs] = True
        self.waiting -= np.bincount(self.needs.domain[needs], minlength=len(DOMAINS))

    def _keep(self, what: str, times: np.ndarray, **columns: np.ndarray) -> None:
        """Add records to the recent ones and forget those older than ROLLING_DAYS."""
        since = self.now - ROLLING_DAYS
        names = [f"{what}_time", *columns]
        old = self.recent[f"{what}_time"]
        keep = old >= since
        new = times >= since
        self.recent[f"{what}_time"] = np.concatenate([old[keep], times[new]])
        for name in names[1:]:
            self.recent[name] = np.concatenate([self.recent[name][keep], columns[name][new]])

    def _follow(self, r: np.ndarray) -> None:
        m = (r["kind"] == Kind.NEED) & (r["time"] >= self.start)
        if self.follow is None and m.any():
            pairs = np.unique(np.stack([r["family"][m], r["domain"][m]]), axis=1)
            fam, count = np.unique(pairs[0], return_counts=True)
            if (count >= 2).any():
                self.follow = int(fam[count >= 2][0])
        if self.follow is not None:
            mine = r[r["family"] == self.follow]
            if len(mine):
                self.family_records.append(mine)

    # ------------------------------------------------------------------ the figures
    def figures(self) -> dict[str, float]:
        """The figures now: one row of the series."""
        rec = self.recent
        since = self.now - ROLLING_DAYS
        care = rec["care_time"] >= since
        hours = rec["hours_time"] >= since
        row = {
            "day": self.now - self.start,  # days after the warm-up
            "families": float(self.families),
            "needs_waiting": float(self.waiting.sum()),
            **{f"needs_waiting_{d}": float(w) for d, w in zip(DOMAINS, self.waiting, strict=True)},
            "signal_to_care_days_mean": self.s2c_sum / self.s2c_n if self.s2c_n else _NAN,
            "signal_to_care_days_rolling": float(rec["care_delay"][care].mean())
            if care.any()
            else _NAN,
            "stories_told_per_family_mean": self.stories / self.families if self.families else _NAN,
            "cost_eur_total": self.cost,
            "cost_eur_per_family": self.cost / self.families if self.families else _NAN,
            **{f"hours_{a}": h for a, h in self.hours.items()},
        }
        act = rec["hours_activity"][hours]
        value = rec["hours_value"][hours]
        for i, a in enumerate(ACTIVITIES):
            row[f"hours_{a}_rolling"] = float(value[act == i].sum())
        return row

    def stories_histogram(self, top: int = 4) -> np.ndarray:
        """Measured families by stories told: 0, 1, ..., `top` or more."""
        fams = self.fams
        measured = fams.first[: fams.n] >= self.start
        told = np.minimum(fams.stories[: fams.n][measured], top)
        return np.bincount(told, minlength=top + 1)

    def wait_by_org(self) -> np.ndarray:
        """Mean days in the queue before first contact at each organisation over the last
        ROLLING_DAYS days (NaN where nobody was taken on)."""
        rec = self.recent
        recent = rec["wait_time"] >= self.now - ROLLING_DAYS
        org, days = rec["wait_org"][recent], rec["wait_days"][recent]
        n = len(self.model.orgs)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.bincount(org, weights=days, minlength=n) / np.bincount(org, minlength=n)

    def family(self) -> np.ndarray:
        """The followed family's records so far."""
        if not self.family_records:
            return np.empty(0, dtype=self.model.log.since(len(self.model.log)).dtype)
        if len(self.family_records) > 1:
            self.family_records = [np.concatenate(self.family_records)]
        return self.family_records[0]

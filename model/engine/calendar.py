"""The event calendar: what happens when, in the order it was scheduled.

Nearly every event is scheduled for a later day (an intake, care, a handover take days),
so each waits in a list for its day; when that day opens, the list is sorted once and read
in order. The few events scheduled for the open day itself (991 of 728 thousand in a
tenth of the country's year) go to a small binary heap, and the next event is the earlier
of the two heads. The order is the same as one big heap's: time, then the order of
scheduling. Sorting a day at once by its times compares plain doubles (list.sort checks
the types once), where popping events one by one from a heap cost two generic comparisons
a level: at national scale that heap had held ~400 thousand entries. Mesa's own event list
handled ~34 thousand events/s on these machines against ~150 thousand for a plain heapq,
hence a calendar of our own.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from operator import itemgetter
from typing import Any

Handler = Callable[[float, Any], None]
Entry = tuple[float, int, Handler, Any]

INF = math.inf
_TIME = itemgetter(0)


class Calendar:
    """Scheduled events (time, sequence, handler, object); `handler(t, obj)` is called at t.

    The open window is [.., horizon): its events are `today[next:]` (sorted) and `soon` (a
    heap); later ones wait in `days`, a list per day."""

    __slots__ = ("today", "next", "soon", "days", "horizon", "seq", "end_day")

    def __init__(self, end_day: float) -> None:
        self.today: list[Entry | None] = []  # the open day's events, sorted; from `next` on
        self.next = 0
        self.soon: list[Entry] = []  # a heap: events scheduled into the open window
        self.days: dict[int, list[Entry]] = {}  # later events, per day
        self.horizon = 0
        self.seq = 0
        self.end_day = end_day

    def schedule(self, t: float, handler: Handler, obj: Any) -> None:
        """Call handler(t, obj) at time t (ties in the order scheduled); nothing after the end."""
        if t < self.end_day:
            self.seq += 1
            if t < self.horizon:
                heapq.heappush(self.soon, (t, self.seq, handler, obj))
            else:
                day = int(t)
                bucket = self.days.get(day)
                if bucket is None:
                    self.days[day] = [(t, self.seq, handler, obj)]
                else:
                    bucket.append((t, self.seq, handler, obj))

    def first(self) -> float:
        """The time of the next event in the open window; INF when there is none."""
        soon = self.soon
        if self.next < len(self.today):
            head = self.today[self.next]
            if soon and soon[0] < head:
                return soon[0][0]
            return head[0]
        return soon[0][0] if soon else INF

    def pop(self) -> Entry:
        """Remove and return the next event in the open window (`first` says there is one)."""
        soon = self.soon
        if self.next < len(self.today):
            head = self.today[self.next]
            if not soon or head < soon[0]:
                # Let go of the entry here, not with the whole day when the next one opens:
                # what it alone kept alive (a closed case, say) is then freed while still in
                # the processor's cache (at national scale the day's end had cost 8 % of the
                # loop, freeing ten thousand entries read hours before).
                self.today[self.next] = None
                self.next += 1
                return head
        return heapq.heappop(soon)

    def open_next_day(self) -> None:
        """Widen the window by a day: that day's events, sorted, become `today`."""
        bucket = self.days.pop(self.horizon, None)
        self.horizon += 1
        rest = self.today[self.next :]  # none when the engine asks: kept regardless
        if bucket is None:
            bucket = rest
        elif rest:
            bucket[:0] = rest
        # By time alone: a day's list is in the order of scheduling, and the sort is stable,
        # so ties stay in that order; sorting by the time, a float, compares plain doubles,
        # where sorting the entries compared each pair of tuples item by item (2.7 times
        # slower for a day of 800 events).
        bucket.sort(key=_TIME)
        self.today = bucket
        self.next = 0

    def take(self, objs: set[int]) -> list[tuple[float, Handler, Any]]:
        """Remove and return, in time order, the events about the given objects (by id()):
        a reorganisation reschedules what happens to the cases it moves."""
        taken: list[Entry] = []

        def keep(entries: list[Entry]) -> list[Entry]:
            out = []
            for e in entries:
                (taken if id(e[3]) in objs else out).append(e)
            return out

        self.today = keep(self.today[self.next :])  # a sorted list stays sorted
        self.next = 0
        self.soon = keep(self.soon)
        heapq.heapify(self.soon)
        for day, bucket in self.days.items():
            self.days[day] = keep(bucket)
        taken.sort(key=lambda e: (e[0], e[1]))
        return [(t, handler, obj) for t, _, handler, obj in taken]

    def pending(self) -> list[tuple[float, Handler, Any]]:
        """Every scheduled event (time, handler, object), unordered."""
        entries = self.today[self.next :] + self.soon
        for bucket in self.days.values():
            entries.extend(bucket)
        return [(t, handler, obj) for t, _, handler, obj in entries]

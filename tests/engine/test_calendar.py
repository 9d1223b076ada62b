"""The calendar gives events in the order of one big heap on (time, order of scheduling),
however they were scheduled: for a later day, for the open day while it runs, or taken out
and put back by a reorganisation. Every run's numbers rest on that order."""

from __future__ import annotations

import heapq
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from model.engine.calendar import Calendar


class Reference:
    """One heap of (time, sequence, handler, object): the order the calendar must keep."""

    def __init__(self, end_day: float) -> None:
        self.heap: list = []
        self.seq = 0
        self.end_day = end_day

    def schedule(self, t, handler, obj) -> None:
        if t < self.end_day:
            self.seq += 1
            heapq.heappush(self.heap, (t, self.seq, handler, obj))


def drain(cal: Calendar, until: float, on_event) -> list:
    """The engine's loop without families: open days as needed, pop in order."""
    out = []
    while True:
        t = cal.first()
        if t == math.inf:
            if cal.horizon >= until:
                return out
            cal.open_next_day()
            continue
        if t >= until:
            return out
        entry = cal.pop()
        out.append((entry[0], entry[3]))
        on_event(entry)


# Times on a coarse grid, so that ties in time (broken by the order of scheduling) happen.
times = st.integers(0, 40 * 8).map(lambda k: k / 8)


@settings(max_examples=150, deadline=None)
@given(
    first=st.lists(times, max_size=60),
    later=st.lists(
        st.tuples(st.integers(0, 59), st.integers(0, 12).map(lambda k: k / 4)), max_size=60
    ),  # fmt: skip
)
def test_events_come_in_time_then_scheduling_order(first, later):
    """Events scheduled up front, plus events each event schedules after itself (some in
    the open day, some days on): the calendar's order is the reference heap's."""
    end = 30.0
    cal, ref = Calendar(end), Reference(end)
    for i, t in enumerate(first):
        cal.schedule(t, "h", i)
        ref.schedule(t, "h", i)
    follow = dict(enumerate(later))
    made = iter(range(1000, 10_000))

    def on_event(sched):
        def handle(entry):
            t, _, _, obj = entry
            if obj in follow:
                _, delay = follow.pop(obj)
                sched(t + delay, "h", next(made))

        return handle

    got = drain(cal, end, on_event(cal.schedule))
    # The reference replays the same rule on one heap.
    follow = dict(enumerate(later))
    made = iter(range(1000, 10_000))
    want = []
    handle = on_event(ref.schedule)
    while ref.heap:
        entry = heapq.heappop(ref.heap)
        want.append((entry[0], entry[3]))
        handle(entry)
    assert got == want
    assert all(t < end for t, _ in got)


def test_an_event_for_the_open_day_runs_before_the_later_ones_that_day():
    cal = Calendar(10.0)
    for t in (2.5, 2.75, 3.0):
        cal.schedule(t, "h", t)

    def on_event(entry):
        if entry[3] == 2.5:
            cal.schedule(2.6, "h", "soon")  # into the open day, after it opened
            cal.schedule(2.75, "h", "tie")  # same time as one waiting: after it

    order = [obj for _, obj in drain(cal, 10.0, on_event)]
    assert order == [2.5, "soon", 2.75, "tie", 3.0]


def test_take_removes_an_objects_events_in_order_and_leaves_the_rest():
    """A reorganisation takes the events about the cases it moves, from the open day, the
    heap and the later days, in time order; what is left runs as before."""
    cal = Calendar(20.0)
    a, b = object(), object()
    for t, obj in ((1.5, a), (1.25, b), (5.0, a), (1.75, a), (9.0, b)):
        cal.schedule(t, "h", obj)
    cal.open_next_day()
    cal.open_next_day()  # day 1 open: 1.25, 1.5, 1.75 today
    assert cal.pop()[3] is b  # 1.25
    cal.schedule(1.6, "h", a)  # into the open day
    taken = cal.take({id(a)})
    assert [(t, obj is a) for t, _, obj in taken] == [(1.5, True), (1.6, True), (1.75, True),
                                                      (5.0, True)]  # fmt: skip
    assert sorted(t for t, _, _ in cal.pending()) == [9.0]
    assert [obj for _, obj in drain(cal, 20.0, lambda e: None)] == [b]


def test_nothing_is_scheduled_at_or_after_the_end():
    cal = Calendar(5.0)
    cal.schedule(5.0, "h", 1)
    cal.schedule(7.0, "h", 2)
    cal.schedule(4.9, "h", 3)
    assert [obj for _, obj in drain(cal, 5.0, lambda e: None)] == [3]
    assert cal.pending() == []

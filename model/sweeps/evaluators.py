"""Where runs happen: in this process, on a process pool, or on a dask.distributed cluster.

An evaluator takes a function and a (lazy) stream of tasks and yields (task, result) as
runs finish, in whatever order they finish. It keeps only a few tasks in flight (twice
the workers), so neither the tasks nor the results of a long sweep pile up in memory,
and it knows nothing of what a task means or where results go. Each run's randomness
comes from its own seed, so the engine and the number of workers change nothing but
the wall time.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from functools import partial
from typing import Any

_END = object()


class SequentialEvaluator:
    """Runs in this process: the simplest to debug, and what `--workers 1` means."""

    name = "sequential"
    workers = 1

    def __enter__(self) -> SequentialEvaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def describe(self) -> str:
        return "this process (--workers 1)"

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        for task in tasks:
            yield task, fn(task)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and keeps what is finished."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PoolEvaluator:
    """A pool of fresh processes (spawn: no inherited state, the same on every platform)."""

    name = "process pool"

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PoolEvaluator:
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=mp.get_context("spawn"),
            initializer=_ignore_sigint,
        )
        return self

    def __exit__(self, exc_type, *exc: object) -> None:
        if exc_type is None:
            self.pool.shutdown(wait=True)
            return
        # Interrupted or failed: drop queued runs and stop the ones running now (a run may
        # take minutes; the interpreter would otherwise wait for it at exit).
        terminate = getattr(self.pool, "terminate_workers", None)  # Python >= 3.14
        if terminate is not None:
            terminate()
            return
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)  # forgets its processes
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
        # The pool's own thread may reap a worker at the same moment as join() here, which
        # then returns while is_alive() still says yes for an instant: wait until it agrees.
        deadline = time.monotonic() + 5
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=max(0.0, deadline - time.monotonic()))
        while any(p.is_alive() for p in processes) and time.monotonic() < deadline:
            time.sleep(0.01)

    def describe(self) -> str:
        return f"a process pool of {self.workers} workers"

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        limit = 2 * self.workers
        source = iter(tasks)
        pending: dict = {}

        def fill() -> None:
            while len(pending) < limit:
                task = next(source, _END)
                if task is _END:
                    return
                pending[self.pool.submit(fn, task)] = task

        fill()
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    yield task, future.result()
                fill()
        finally:
            for future in pending:
                future.cancel()


class DaskEvaluator:
    """dask.distributed: a running scheduler at ADDRESS, or a local cluster for 'local'."""

    name = "dask"

    def __init__(self, address: str, workers: int):
        self.address = address
        self.workers = workers
        self.client = None
        self.cluster = None

    def __enter__(self) -> DaskEvaluator:
        import logging

        from distributed import Client, LocalCluster

        if self.address == "local":
            self.cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,  # the model is pure Python: processes, not threads
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.address, timeout="20s")
            except OSError as exc:
                from model.scenario import ScenarioError

                raise ScenarioError(
                    f"--scheduler {self.address}: cannot reach a Dask scheduler there ({exc})"
                ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()

    def describe(self) -> str:
        if self.cluster is not None:
            return f"a local Dask cluster of {self.workers} workers"
        threads = sum(self.client.nthreads().values())
        return f"the Dask scheduler at {self.address} ({threads} worker threads now)"

    def _slots(self) -> int:
        threads = sum(self.client.nthreads().values())
        return max(4, 2 * threads)

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        from distributed import as_completed

        source = iter(tasks)
        pending: dict[str, Any] = {}
        flow = as_completed()

        def fill() -> None:
            limit = self._slots()
            while len(pending) < limit:
                task = next(source, _END)
                if task is _END:
                    return
                future = self.client.submit(fn, task, pure=False)
                pending[future.key] = (future, task)
                flow.add(future)

        fill()
        try:
            for future in flow:
                _, task = pending.pop(future.key)
                yield task, future.result()
                fill()
        finally:
            for future, _ in pending.values():
                future.cancel()


def make_evaluator(workers: int | None, scheduler: str | None):
    """--scheduler wins; else a process pool of `workers` (default: every core), 1 = here."""
    workers = workers or (os.cpu_count() or 1)
    if scheduler:
        return DaskEvaluator(scheduler, workers)
    if workers <= 1:
        return SequentialEvaluator()
    return PoolEvaluator(workers)


def _call(fn: Callable, job: tuple[int, tuple]) -> Any:
    return fn(*job[1])


def map_in_order(
    fn: Callable,
    jobs: Sequence[tuple],
    workers: int | None = None,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> list:
    """`fn(*args)` for every args tuple, on `workers` processes (default: every core; 1 or a
    single job: here), with results in the order of `jobs`; `fn` must be a module-level
    function, so that it pickles. For commands that hold their few results in memory
    (journey, calibrate, validate); a sweep streams its results to the store instead.
    `progress(iterable, total)` may wrap the results as they arrive (e.g. tqdm)."""
    indexed = list(enumerate(jobs))
    out: list = [None] * len(indexed)
    evaluator = make_evaluator(1 if len(indexed) <= 1 else workers, None)
    with evaluator:
        results = evaluator.imap_unordered(partial(_call, fn), indexed)
        if progress is not None:
            results = progress(results, len(indexed))
        for (i, _), result in results:
            out[i] = result
    return out

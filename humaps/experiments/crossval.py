"""Subject-wise cross-validation, written once for both experiments: jobs, a process pool, per-job caching.

An experiment describes each unit of work as a *job*: a frozen dataclass with
at least ``fold`` (the index into :func:`humaps.data.splits.subject_folds`)
and whatever else distinguishes it (a variant, a strategy, α). A job function
``fn(job, data) -> FoldResult`` trains on every subject but the fold's and
evaluates on the fold's. :func:`run_jobs` runs a list of jobs:

- each result is cached on disk (:func:`humaps.cache.cached`) under the job's
  ``repr`` and a digest of the data, so a chapter never retrains what another
  chapter already trained (fields declared with ``repr=False`` — e.g. a teacher
  model passed to a student job — are not part of the key: they are determined
  by the rest of the job);
- ``workers`` > 1 runs jobs in spawned processes, each with ``threads`` torch
  threads; a job's result never depends on ``workers`` (seeds come from the job);
  jobs found in the cache are loaded here, and no process starts when all are;
- with ``$HUMAPS_CLUSTER`` set (:mod:`~humaps.experiments.cluster`), every job
  goes to that Dask scheduler instead, whatever ``workers`` says: the data is
  broadcast to the workers once, a job found in the cache is not submitted,
  each runs with ``threads`` torch threads, and a job whose worker died is run
  again elsewhere — the results are those of the local pool;
- ``follow(result)`` may return further jobs that need that result (the
  student-teacher jobs of a fold start as soon as its teacher is trained).
"""
from __future__ import annotations

import multiprocessing
from contextlib import nullcontext
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from tqdm import tqdm  # text bars: executed notebooks have no widget front end

from humaps.cache import (
    cache_dir,
    cached,
    data_digest,
    key_digest,
    lookup,
    source_digest,
)
from humaps.experiments.cluster import cluster_address

#: re-runs of a job that raised on a worker (a job on a worker that died is re-run by the scheduler
#: regardless, up to its ``distributed.scheduler.allowed-failures``, 3 by default)
RETRIES = 1


@dataclass
class FoldResult:
    """What every fold job reports; experiments subclass it with their own outputs."""

    job: Any
    test_subjects: tuple[str, ...]
    n_train: int
    n_test: int
    train_seconds: float


_DATA = None  # the data of the current run, set once per worker process


def _init_worker(data, threads: int) -> None:
    global _DATA
    import torch

    _DATA = data
    torch.set_num_threads(threads)


def _call(payload):
    fn, job, name, digest, cache = payload
    return cached(name, (job, digest), lambda: fn(job, _DATA), enabled=cache)


def _on_worker(fn, job, data, name: str, digest: str, cache: bool, root: str, threads: int, source: str):
    """One job on a Dask worker: the cache entry and torch thread count a local job would use."""
    import torch
    from distributed import get_worker

    if source_digest() != source:  # its cache keys and results would be another code's
        raise RuntimeError(f"this Dask worker runs another humaps source ({source_digest()[:12]}) than the "
                           f"client ({source[:12]}): install the same commit on every worker")
    if get_worker().state.nthreads != 1:  # jobs seed process-wide generators: two at once would disturb each other
        raise RuntimeError(f"this Dask worker runs {get_worker().state.nthreads} tasks at once: "
                           "start fold-job workers with --nthreads 1")
    saved = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return cached(name, (job, digest), lambda: fn(job, data), enabled=cache, root=root)
    finally:
        torch.set_num_threads(saved)


def _run_on_cluster(address: str, fn, queue: list, data, finished: Callable[[FoldResult], list], *, name: str,
                    digest: str, threads: int, cache: bool) -> None:
    """Every job of ``queue`` (and those ``finished`` adds) on the Dask scheduler at ``address``.

    The cache is checked here first, so a run whose jobs are all cached never connects. A job's
    Dask key is its cache key: a retry keeps it, and two clients submitting the same job share one run.
    """
    from distributed import Client, as_completed

    root, source = str(cache_dir()), source_digest()
    client = shared = running = None
    try:
        while queue or (running is not None and not running.is_empty()):
            if not queue:  # everything submitted: wait for the next result
                queue += finished(next(running).result())
                continue
            job = queue.pop(0)
            found, value = lookup(name, (job, digest), enabled=cache)
            if found:
                queue += finished(value)
                continue
            if client is None:
                client = Client(address, set_as_default=False)
                [shared] = client.scatter([data], broadcast=True, hash=False)  # once, to every worker
                running = as_completed(loop=client.loop)
            running.add(client.submit(_on_worker, fn, job, shared, name, digest, cache, root, threads, source,
                                      key=f"{name}-{key_digest(name, (job, digest))}", retries=RETRIES,
                                      pure=False))
    finally:
        if client is not None:
            client.close()  # releases what is still running after an error


def run_jobs(fn: Callable[[Any, Any], FoldResult], jobs: Iterable, data, *, name: str, workers: int = 1,
             threads: int = 1, cache: bool = True, follow: Callable[[FoldResult], list] | None = None,
             progress: bool = False) -> list[FoldResult]:
    """Results of ``fn(job, data)`` for ``jobs`` and every job ``follow`` adds, in completion order.

    ``fn`` must be a module-level function (it is pickled to the workers).
    ``name`` names the cache folder; ``threads`` is the torch thread count per
    job (in this process too, restored afterwards). ``$HUMAPS_CLUSTER`` set:
    the jobs run on that Dask cluster (module doc).
    """
    import torch

    global _DATA
    digest = data_digest(data)
    queue = list(jobs)
    results: list[FoldResult] = []
    bar = tqdm(total=len(queue), desc=name, disable=not progress)

    def finished(result: FoldResult) -> list:
        results.append(result)
        bar.update()
        more = follow(result) if follow else []
        bar.total += len(more)
        return more

    if cluster_address():
        _run_on_cluster(cluster_address(), fn, queue, data, finished, name=name, digest=digest, threads=threads,
                        cache=cache)
    elif workers <= 1:
        saved, previous = torch.get_num_threads(), _DATA
        _DATA = data
        torch.set_num_threads(threads)
        try:
            while queue:
                queue += finished(_call((fn, queue.pop(0), name, digest, cache)))
        finally:
            torch.set_num_threads(saved)
            _DATA = previous
    else:
        todo = []  # a pool's start (each process imports torch and receives the data) is for jobs left to run
        while queue:
            job = queue.pop(0)
            found, value = lookup(name, (job, digest), enabled=cache)
            if found:
                queue += finished(value)
            else:
                todo.append(job)
        ctx = multiprocessing.get_context("spawn")  # no fork after torch has started its thread pools
        with (ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(data, threads))
              if todo else nullcontext()) as pool:
            pending = {pool.submit(_call, (fn, job, name, digest, cache)) for job in todo}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    pending |= {pool.submit(_call, (fn, job, name, digest, cache))
                                for job in finished(future.result())}
    bar.close()
    return results

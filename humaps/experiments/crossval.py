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
- ``follow(result)`` may return further jobs that need that result (the
  student-teacher jobs of a fold start as soon as its teacher is trained).
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np
from tqdm import tqdm  # text bars: executed notebooks have no widget front end

from humaps.cache import cached, data_digest


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


def run_jobs(fn: Callable[[Any, Any], FoldResult], jobs: Iterable, data, *, name: str, workers: int = 1,
             threads: int = 1, cache: bool = True, follow: Callable[[FoldResult], list] | None = None,
             progress: bool = False) -> list[FoldResult]:
    """Results of ``fn(job, data)`` for ``jobs`` and every job ``follow`` adds, in completion order.

    ``fn`` must be a module-level function (it is pickled to the workers).
    ``name`` names the cache folder; ``threads`` is the torch thread count per
    job (in this process too, restored afterwards).
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

    if workers <= 1:
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
        ctx = multiprocessing.get_context("spawn")  # no fork after torch has started its thread pools
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(data, threads)) as pool:
            pending = {pool.submit(_call, (fn, job, name, digest, cache)) for job in queue}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    pending |= {pool.submit(_call, (fn, job, name, digest, cache))
                                for job in finished(future.result())}
    bar.close()
    return results

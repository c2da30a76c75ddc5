"""Time and peak memory of the cohort's kinematics per profile.

    python benchmarks/bench_cohort_kinematics.py [smoke book paper]

Trials are generated one at a time (nothing is kept), as the cohort pipeline does.
"""
from __future__ import annotations

import resource
import sys
import time

from humaps.config import resolve
from humaps.sim.cohort import simulate_kinematics


def run(profile: str) -> None:
    cfg = resolve("cohort", profile)
    t0 = time.perf_counter()
    table, trials = simulate_kinematics(cfg)
    n, frames, seconds = 0, 0, 0.0
    for tr in trials:
        n += 1
        frames += tr.motion.n_frames
        seconds += tr.motion.n_frames / tr.motion.fs
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # process peak RSS so far (Linux: KiB)
    print(f"{profile:6s} subjects={len(table):2d} trials={n:4d} simulated={seconds / 3600:6.2f} h "
          f"frames={frames:,} time={dt:7.1f} s ({dt / max(n, 1):.2f} s/trial) peak_rss={peak:7.1f} MiB")


if __name__ == "__main__":
    for p in sys.argv[1:] or ["smoke", "book", "paper"]:
        run(p)

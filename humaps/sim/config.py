"""The ``cohort`` configuration section: who is simulated, how often, how noisily.

Defaults are the paper's protocol (32 subjects, about ten repetitions of each
class, which at 3-s windows gives the ≈ 60 windows per category and subject
behind Table 8). Field names are prefixed (``cohort_``, ``mocap_``, ``sim_``)
because notebook parameters of all sections share one namespace.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class CohortConfig:
    """How the simulated cohort is generated (units in the field names)."""

    n_subjects: int = 32
    repetitions: int = 10            # trials per subject; every trial holds all 30 classes once
    cohort_seed: int = 2024
    # ground-truth motion rate (physics differentiates it). 120 Hz = the mocap rate, so mocap frames are
    # slices. Measured on 8 subjects: the 16 walking statistics of humaps.data.realism agree within 1.5 %
    # at 100, 120 and 200 Hz, while 200 Hz costs 1.4× the time (benchmarks/bench_cohort.py --rate 200)
    sim_rate_hz: float = 120.0
    transition_s: tuple = (0.8, 2.0)  # neutral stance between two actions (uniform range)
    mocap_rate_hz: float = 120.0
    mocap_noise_mm: float = 1.0      # white noise on every marker-derived joint position
    mocap_gaps_per_min: float = 1.5  # expected number of short gaps (NaN) per minute
    mocap_gap_s: tuple = (0.03, 0.4)  # gap length range
    mocap_offset_s: tuple = (-0.05, 0.05)  # mocap clock start relative to the trial clock

    def __post_init__(self):
        assert 1 <= self.n_subjects <= 99, f"n_subjects must be 1–99 (ids S01–S99), got {self.n_subjects}"
        assert self.repetitions >= 1, f"repetitions must be ≥ 1, got {self.repetitions}"
        assert self.sim_rate_hz >= 100.0, f"sim_rate_hz must be ≥ 100 (insoles sample at 100 Hz), got {self.sim_rate_hz}"
        assert self.mocap_rate_hz > 0, f"mocap_rate_hz must be > 0, got {self.mocap_rate_hz}"
        assert self.mocap_noise_mm >= 0 and self.mocap_gaps_per_min >= 0, "mocap noise and gap rate must be ≥ 0"
        for name in ("transition_s", "mocap_gap_s", "mocap_offset_s"):
            lo, hi = getattr(self, name)
            assert lo <= hi, f"{name} must be a (low, high) range, got {getattr(self, name)}"
        assert self.transition_s[0] > 0.2, "transition_s must leave at least 0.2 s of stance between actions"


PRESETS: dict[str, dict] = {
    "smoke": {"n_subjects": 6, "repetitions": 1},
    "book": {"n_subjects": 32, "repetitions": 2},
    "paper": {},
}

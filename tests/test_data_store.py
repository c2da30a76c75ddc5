"""A cohort written in device formats loads back through the same loaders (and the cache)."""
import numpy as np
import pandas as pd

from humaps.data.store import load_cohort, write_cohort
from test_data_windows import SEGS, trial  # same synthetic trial builder


def test_write_load_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    trials = [trial(duration=12.0, subject=s, segments=SEGS[:4], seed=i) for i, s in enumerate(["S01", "S02"])]
    subj = pd.DataFrame({"subject": ["S01", "S02"], "height_m": [1.7, 1.8], "mass_kg": [60.0, 80.0],
                         "sex": ["f", "m"], "insole_size": [4, 6]})
    write_cohort(trials, tmp_path / "c", subjects=subj)
    names = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert "S01_T01_insoles.txt" in names and "S02_T01_skeleton.tsv" in names and "manifest.json" in names
    back = load_cohort(tmp_path / "c", workers=1)
    again = load_cohort(tmp_path / "c", workers=1)                 # served from the cache
    assert [t.subject for t in back] == ["S01", "S02"] and len(again) == 2
    for a, b in zip(trials, back):
        np.testing.assert_allclose(b.insole.pressure, a.insole.pressure, atol=5e-3)
        np.testing.assert_allclose(b.mocap.positions, a.mocap.positions, atol=1e-6)
        assert abs(b.mocap_offset_s - a.mocap_offset_s) < 1e-12
        assert list(b.annotations.label) == list(a.annotations.label)
    assert back[1].insole.meta["Size"] == "6"


def test_cohort_writer_is_the_same_with_one_or_two_workers(tmp_path):
    """Subjects are simulated and written by worker processes; the files do not depend on how many."""
    from humaps.data.cohort import write
    from humaps.sim.config import CohortConfig

    cfg = CohortConfig(n_subjects=2, repetitions=1)
    one = write(cfg, tmp_path / "one", workers=1, progress=False).parent
    two = write(cfg, tmp_path / "two", workers=2, progress=False).parent
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir()) and len(names) == 2 * 3 + 2
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name

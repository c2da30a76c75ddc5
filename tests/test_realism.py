"""Gait statistics on the real Moticon recordings (skipped when they are not downloaded)."""
import numpy as np
import pandas as pd
import pytest

from humaps.data import realism
from humaps.data.store import Trial
from humaps.insole import areas_cm2
from humaps.recordings import MocapRecording
from humaps.sim import pressure
from fakes import gait


@pytest.fixture(scope="module")
def real():
    try:
        return realism.real_walking_recordings()
    except FileNotFoundError as err:
        pytest.skip(f"real moticon-opengo 1.0.3 test recordings not available: {err}")


def test_stance_mask_hysteresis_and_min_duration():
    f = np.zeros((100, 1))
    f[10:40] = 500.0
    f[25] = 35.0                   # a dip between the thresholds: stays in stance
    f[60:62] = 500.0               # a 20 ms blip: removed
    m = realism.stance_mask(f, on_n=50.0, off_n=30.0, fs=100.0)
    assert m[10:40, 0].all() and not m[:10, 0].any() and not m[40:, 0].any()


def test_real_force_is_pressure_times_area(real):
    for rec in real:
        a = areas_cm2(int(rec.meta["Size"]))
        load = rec.total_force > 100
        ratio = rec.total_force[load] / (rec.pressure * a).sum(-1)[load]
        assert abs(np.median(ratio) - 1) < 0.01, rec.source


def test_real_cop_is_affine_map_of_cell_centroid(real):
    for rec in real:
        size = int(rec.meta["Size"])
        for s, side in enumerate(("left", "right")):
            load = rec.total_force[:, s] > 100
            c = pressure.centroid_of(rec.pressure[load, s], side, size)
            np.testing.assert_allclose(pressure.device_cop(c, side), rec.cop[load, s], atol=0.01)


def test_real_gait_statistics_are_plausible(real):
    stats = [realism.gait_statistics(r) for r in real]
    for d in stats:
        assert d["n_stances"] >= 6
        assert 0.5 < d["stance_s"] < 1.5 and 50 < d["cadence_spm"] < 130
        assert 0.95 < max(d["peak1_bw"], d["peak2_bw"]) < 1.5
        assert 13 in np.argsort(d["stance_pressure"])[-3:]     # hallux, cell 14, among the top three
        assert d["stance_pressure"][6] < 0.5                  # medial arch, cell 7
    table = realism.compare(stats, stats[:2])
    assert len(table) == len(realism.SCALARS) + 2
    assert (table["verdict"] == "inside real range").all()    # real data lie inside their own range


def test_compare_flags_outliers(real):
    stats = [realism.gait_statistics(r) for r in real]
    fakes = [dict(stats[0], stance_s=5.0), dict(stats[0], stance_s=6.0), dict(stats[1])]
    table = realism.compare(stats, fakes).set_index("statistic")
    row = table.loc["stance duration [s]"]
    assert row["verdict"] == "above real range" and row["sim median"] == 5.0
    assert row["segments inside [%]"] == pytest.approx(100 / 3)


def test_compare_counts_statistics_it_cannot_measure(real):
    stats = [realism.gait_statistics(r) for r in real]
    sims = [dict(stats[0], cadence_spm=float("nan")), stats[1], stats[2]]
    row = realism.compare(stats, sims).set_index("statistic").loc["cadence [steps/min]"]
    assert row["not measurable"] == 1 and row["verdict"] == "inside real range"
    assert row["segments inside [%]"] == 100.0


def test_real_load_per_area_comes_from_the_size_header(real):
    for rec, d in zip(real, (realism.gait_statistics(r) for r in real)):
        assert d["load_n_cm2"] == pytest.approx(d["body_weight_n"] / areas_cm2(int(rec.meta["Size"])).sum())
        assert d["max_cell_per_load"] == pytest.approx(d["max_cell_n_cm2"] / d["load_n_cm2"])


def test_max_cell_by_load_groups_segments_by_what_they_carry():
    real = [{"load_n_cm2": 4.0, "max_cell_n_cm2": 30.0}, {"load_n_cm2": 5.0, "max_cell_n_cm2": 34.0}]
    alike = [{"load_n_cm2": 4.5, "max_cell_n_cm2": p} for p in (31, 32, 33, 33, 36)]    # 4 of 5 inside
    heavy = [{"load_n_cm2": 6.0, "max_cell_n_cm2": 45.0}]
    table, r, v = realism.max_cell_by_load(real, alike + heavy)
    assert table["n"].tolist() == [2, 0, 5, 1]
    assert table["inside [%]"].iloc[2] == pytest.approx(80.0) and table["inside [%]"].iloc[3] == 0.0
    assert r > 0.8 and v.status == "does not hold"
    _, _, v = realism.max_cell_by_load(real, alike[:4] + heavy)
    assert v.status == "not distinguishable"                 # too few segments loaded like the wearers


def test_cop_travel_back_counts_only_the_return_toward_the_heel():
    rolling = realism.gait_statistics(gait(lambda u: -0.35 + 0.65 * u), body_weight_n=600.0)
    assert rolling["n_stances"] >= 12
    assert rolling["cop_x_back"] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(rolling["cop_curve"], np.linspace(-0.35, 0.3, realism.N_CURVE), atol=0.03)
    # heel → toe, back 0.2 toward the heel, toe again: the path goes back by 0.2 (on the resampled curve)
    back = realism.gait_statistics(gait(lambda u: np.interp(u, [0, 0.4, 0.6, 1], [-0.35, 0.1, -0.1, 0.3])),
                                   body_weight_n=600.0)
    assert back["cop_x_back"] == pytest.approx(0.2, abs=0.03)


def test_handover_speed_is_the_pelvis_speed_kept_through_each_heel_strike():
    rec = gait(lambda u: -0.35 + 0.65 * u)
    onsets = rec.time[np.flatnonzero(np.diff((rec.total_force > 0).astype(int), axis=0).max(1) > 0) + 1]
    t = np.arange(0, rec.time[-1] + 0.5, 1 / 120)

    def trial(slow_to: float) -> Trial:
        speed = np.ones_like(t)                   # 1 m/s, down to `slow_to` for 0.1 s after each onset
        for t0 in onsets:
            speed[(t >= t0 + 0.02) & (t < t0 + 0.12)] = slow_to
        pos = np.zeros((len(t), 24, 3))
        pos[:, 0, 1] = np.concatenate([[0.0], np.cumsum(speed[1:] * np.diff(t))])
        mocap = MocapRecording(time=t, positions=pos, rotations=np.zeros((len(t), 24, 4)))
        ann = pd.DataFrame({"trial": "1", "start_s": [0.0], "end_s": [rec.time[-1]], "label": ["Walking"]})
        return Trial(subject="S1", trial_id="1", insole=rec, mocap=mocap, annotations=ann, mocap_offset_s=0.0)

    steady, slowed = realism.handover_speed([trial(1.0)]), realism.handover_speed([trial(0.3)])
    assert len(steady) >= 12 and len(slowed) == len(steady)
    np.testing.assert_allclose(steady, 1.0, atol=0.02)
    np.testing.assert_allclose(slowed, 0.3, atol=0.05)

"""The foot's travel per swing from the insole IMU (zero-velocity updates), on hand-made motions."""
import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from humaps.constants import G
from humaps.data import stride
from humaps.sim.quaternions import qrot
from fakes import gait

FS = 100.0


def test_orientations_are_the_sequential_product_of_the_rates():
    rng = np.random.default_rng(0)
    rates = rng.normal(0.0, 300.0, (77, 3))                          # deg/s, an odd length for the scan
    q0 = stride.level(np.array([[0.2, -0.1, 0.95]]))
    r = [Rotation.from_quat(np.roll(q0, -1))]                        # scipy: (x, y, z, w)
    for w in np.deg2rad(rates[1:]) / FS:
        r.append(r[-1] * Rotation.from_rotvec(w))                    # body-frame increments
    expected = np.stack([np.roll(x.as_quat(), 1) for x in r])
    got = stride.orientations(rates, FS, q0)
    got *= np.sign(np.sum(got * expected, axis=1))[:, None]          # q and −q are one rotation
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("up", [(0.0, 0.0, 1.0), (0.3, -0.2, 0.9), (0.0, 0.0, -1.0)])
def test_level_turns_the_measured_up_onto_world_up(up):
    up = np.asarray(up) / np.linalg.norm(up)
    np.testing.assert_allclose(qrot(stride.level(up[None]), up), [0.0, 0.0, 1.0], atol=1e-12)


def pitched_swing(distance: float, rise: float, heading: float, *, pitch_deg: float = 50.0, swing_s: float = 0.6,
                  rest_s: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """(acc g, gyro deg/s) (n, 3) of an insole at rest, then moving ``distance`` m along ``heading`` (rad
    from x) with a minimum-jerk profile, rising ``rise`` m and pitching up to ``pitch_deg`` toes-down and
    back, then at rest: what its IMU measures (specific force and body rates, insole frame)."""
    t = np.arange(int(round((2 * rest_s + swing_s) * FS))) / FS
    s = np.clip((t - rest_s) / swing_s, 0.0, 1.0)
    x = distance * (10 * s ** 3 - 15 * s ** 4 + 6 * s ** 5)
    z = rise * np.sin(np.pi * s) ** 2
    theta = np.deg2rad(pitch_deg) * np.sin(np.pi * s) ** 2               # about the insole's y axis
    pos = np.stack([x * np.cos(heading), x * np.sin(heading), z], axis=1)
    # backward differences, the integrator's own discretisation: its sums then undo them exactly
    acc_world = np.diff(np.diff(pos, axis=0, prepend=pos[:1]), axis=0, prepend=0 * pos[:1]) * FS ** 2
    rot = Rotation.from_euler("z", heading) * Rotation.from_euler("y", theta[:, None])   # insole → world
    acc = rot.inv().apply(acc_world + [0.0, 0.0, G]) / G
    gyro = np.zeros_like(acc)
    gyro[:, 1] = np.rad2deg(np.diff(theta, prepend=theta[0]) * FS)      # one axis: body rate = d(theta)/dt
    return acc, gyro


@pytest.mark.parametrize("distance,heading", [(1.4, 0.0), (0.6, 2.0), (1.9, -1.0)])
def test_travel_recovers_a_pitched_swing_whatever_its_heading(distance, heading):
    acc, gyro = pitched_swing(distance, 0.12, heading)
    travel, rise = stride.travel(acc, gyro, FS, rest=5)
    assert travel == pytest.approx(distance, rel=1e-9)
    assert rise == pytest.approx(0.12, abs=1e-4)                       # the highest sampled frame


def test_a_foot_at_rest_travels_nowhere():
    acc = np.tile([0.1, 0.0, np.sqrt(0.99)], (90, 1))                   # tilted, still, 1 g
    travel, rise = stride.travel(acc, np.zeros_like(acc), FS, rest=5)
    assert travel == pytest.approx(0.0, abs=1e-9) and rise == pytest.approx(0.0, abs=1e-9)


def test_swings_are_counted_between_stances_and_told_first_inside_last():
    rec = gait(n_strides=8, stride=110, stance=70)                      # left: 9 stances, right: 8
    rec.acceleration[:] = [0.0, 0.0, 1.0]                               # both insoles flat and still
    table = stride.swings(rec)
    for side, n in (("left", 8), ("right", 7)):
        steps = table.loc[table["side"] == side, "step"].tolist()
        assert steps == ["first"] + ["inside"] * (n - 2) + ["last"], steps
    assert np.allclose(table["swing (s)"], 0.40)                        # 40 unloaded frames at 100 Hz
    assert np.allclose(table["travel (m)"], 0.0, atol=1e-9)
    by_place = stride.travel_by_place(table.assign(recording="fake"))
    assert by_place.loc["fake", ("swings", "inside")] == 6 + 5


def test_walks_without_motion_capture_give_an_empty_table():
    from types import SimpleNamespace

    table = stride.walk_swings([SimpleNamespace(mocap=None, annotations=None, insole=gait())])
    assert table.empty and "true (m)" in table and "travel (m)" in table


def test_travel_by_place_gives_medians_fractions_and_the_feet_against_each_other():
    import pandas as pd

    rows = [("left", "first", 0.6), ("left", "inside", 1.0), ("left", "inside", 1.2), ("left", "last", 0.5),
            ("right", "inside", 1.5), ("right", "inside", 1.7)]
    table = pd.DataFrame(rows, columns=["side", "step", "travel (m)"]).assign(recording="r", **{"rise (m)": 0.1})
    out = stride.travel_by_place(table).loc["r"]
    assert out[("travel (m)", "inside")] == pytest.approx(1.35)               # the median of 1.0, 1.2, 1.5, 1.7
    assert out[("× inside", "first")] == pytest.approx(0.6 / 1.35)
    assert out[("swings", "inside")] == 4
    assert out[("right / left", "inside")] == pytest.approx(1.6 / 1.1)

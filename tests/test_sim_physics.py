"""Insole physics on tiny synthetic BodyMotions: stance, one-leg stance, flight; cells; IMU."""
import numpy as np
import pytest

from humaps.constants import G
from humaps.insole import PRESSURE_MAX, PRESSURE_STEP, areas_cm2
from humaps.sim import device, physics, pressure
from humaps.sim.foot import FootGeometry
from humaps.sim.insoles import simulate_insoles
from humaps.sim.motion import BodyMotion
from humaps.skeleton import INDEX

FS, MASS, SIZE = 200.0, 70.0, 5
#: the feet of :func:`stance_motion`: ankle 7 cm and ToeBase 2 cm above the sole, 14 cm apart
FOOT = FootGeometry(heel_back_m=0.05, ankle_height_m=0.07, toe_length_m=0.07, toe_height_m=0.02)


def stance_motion(n=400, *, lift_right=0.0, com_x=0.0, drop=None) -> BodyMotion:
    """Feet 20 cm apart facing +y, identity segment rotations; optional raised right foot or free fall."""
    pos = np.zeros((n, 24, 3))
    for name, x in (("Left", -0.1), ("Right", 0.1)):
        pos[:, INDEX[f"{name}Foot"]] = (x, 0.0, 0.07)
        pos[:, INDEX[f"{name}ToeBase"]] = (x, 0.14, 0.02)
        pos[:, INDEX[f"{name}Hand"]] = (x * 2, 0.05, 0.8)
    pos[:, INDEX["RightFoot"], 2] += lift_right
    pos[:, INDEX["RightToeBase"], 2] += lift_right
    com = np.tile([com_x, 0.04, 0.95], (n, 1))
    if drop is not None:                        # whole body falling from `drop` m above the ground
        t = np.arange(n) / FS
        dz = drop - 0.5 * G * t ** 2 * 0.01     # slow enough for the feet to stay ≥ 0.1 m up over 2 s
        pos[..., 2] += dz[:, None]
        com[:, 2] += dz
        com[:, 2] -= 0.5 * G * t ** 2 * 0.99    # the COM itself is in free fall
    rot = np.zeros((n, 24, 4))
    rot[..., 0] = 1.0
    return BodyMotion(fs=FS, positions=pos, rotations=rot, com=com, ground_height=np.zeros((n, 2)), foot=FOOT)


def test_quiet_stance_splits_body_weight_evenly():
    loads = physics.foot_loads(stance_motion(), mass_kg=MASS, insole_size=SIZE)
    mid = slice(50, -50)
    np.testing.assert_allclose(loads.force[mid].sum(1), MASS * G, rtol=1e-3)
    np.testing.assert_allclose(loads.force[mid, 0], loads.force[mid, 1], rtol=1e-3)
    assert np.all(np.abs(loads.global_cop[mid, 0]) < 1e-6)          # between the feet


def test_one_leg_stance_loads_one_foot():
    loads = physics.foot_loads(stance_motion(lift_right=0.1, com_x=-0.1), mass_kg=MASS, insole_size=SIZE)
    mid = slice(50, -50)
    np.testing.assert_allclose(loads.force[mid, 0], MASS * G, rtol=1e-3)
    assert np.all(loads.force[mid, 1] == 0.0)


def test_leaning_sideways_shifts_load_to_that_foot():
    loads = physics.foot_loads(stance_motion(com_x=-0.05), mass_kg=MASS, insole_size=SIZE)
    f = loads.force[100]
    assert f[0] > 2.5 * f[1] > 0


def test_carried_mass_adds_and_support_relieves():
    m = stance_motion()
    n = m.n_frames
    m.external = {"carried_mass_kg": np.full(n, 10.0), "support_force_n": np.full(n, 100.0)}
    loads = physics.foot_loads(m, mass_kg=MASS, insole_size=SIZE)
    np.testing.assert_allclose(loads.force[100].sum(), (MASS + 10) * G - 100.0, rtol=1e-3)


def test_flight_gives_zero_force():
    loads = physics.foot_loads(stance_motion(drop=0.3), mass_kg=MASS, insole_size=SIZE)
    assert np.all(loads.force[20:-20] == 0.0)


def test_cells_reproduce_force_and_cop():
    rng = np.random.default_rng(0)
    force = rng.uniform(100, 900, 64)
    cop = np.column_stack([rng.uniform(0.35, 0.6, 64), rng.uniform(0.25, 0.8, 64)])
    for side in ("left", "right"):
        c = cop if side == "left" else np.column_stack([1 - cop[:, 0], cop[:, 1]])
        p = pressure.cell_pressures(force, c, side=side, size=SIZE, quantised=False)
        np.testing.assert_allclose((p * areas_cm2(SIZE)).sum(1), force, rtol=1e-9)
        reach = pressure.reachable_cop(c, side)
        np.testing.assert_allclose(pressure.centroid_of(p, side, SIZE), reach, atol=1e-3)
        inside = np.all(np.abs(reach - c) < 1e-12, axis=1)
        assert inside.mean() > 0.7                   # most of this box is reachable and then kept exactly
        q = pressure.cell_pressures(force, c, side=side, size=SIZE)
        # quantisation moves each cell by at most half a step
        assert np.abs((q * areas_cm2(SIZE)).sum(1) - force).max() <= 0.5 * PRESSURE_STEP * areas_cm2(SIZE).sum()
        np.testing.assert_allclose(q / PRESSURE_STEP, np.round(q / PRESSURE_STEP), atol=1e-9)


def test_tilt_table_matches_a_direct_solve():
    """The interpolated closed-form tilt equals per-frame Newton iterated to convergence."""
    rng = np.random.default_rng(3)
    cop = np.column_stack([rng.uniform(0, 1, 300), rng.uniform(0, 1, 300)])
    for side in ("left", "right"):
        fast = pressure.kernel_weights(cop, side, SIZE)
        logb, c0, origin, *_ = pressure._tilt_table(side, SIZE, tuple(pressure.ANATOMY), pressure.KERNEL_SIGMA)
        target = pressure.reachable_cop(cop, side) - origin
        mu = target / pressure.KERNEL_SIGMA ** 2
        for _ in range(60):
            mu = pressure._newton_step(logb, c0, mu, target)
        np.testing.assert_allclose(fast, pressure._softmax(logb + mu @ c0.T), atol=2e-3)


def test_cop_outside_the_cells_does_not_spike_one_cell():
    """A COP far outside the cells' hull (toe tip, medial heel) still spreads the force over several cells."""
    cop = np.array([[0.5, 0.0], [0.95, 0.85], [0.05, 0.2], [0.8, 0.5]])
    for side in ("left", "right"):
        c = cop if side == "left" else np.column_stack([1 - cop[:, 0], cop[:, 1]])
        q = pressure.kernel_weights(c, side, SIZE)
        assert q.max() < 0.6, q.max(1)                # before the hull clip: up to 1.0 (one cell)


def test_unloaded_foot_reads_zero():
    p = pressure.cell_pressures(np.array([0.0, 500.0, 0.0]), np.full((3, 2), 0.5), side="left", size=SIZE,
                                rng=np.random.default_rng(0))
    assert np.all(p[[0, 2]] == 0.0) and p[1].sum() > 0


def test_feet_cops_are_mirror_images_in_symmetric_stance():
    """Layout x is mirrored between feet (high x medial on the left, lateral on the right)."""
    loads = physics.foot_loads(stance_motion(), mass_kg=MASS, insole_size=SIZE)
    cop = loads.cop[100]
    np.testing.assert_allclose(cop[0, 0], 1.0 - cop[1, 0], atol=1e-6)
    np.testing.assert_allclose(cop[0, 1], cop[1, 1], atol=1e-6)


def test_saturation_and_medial_arch():
    p = pressure.cell_pressures(np.array([20000.0, 700.0]), np.array([[0.5, 0.5], [0.5, 0.5]]),
                                side="left", size=SIZE)
    assert p.max() == PRESSURE_MAX and p.min() >= 0
    assert p[1, 6] < 0.25 * p[1].max()          # cell 7, the medial arch, reads little


def test_device_cop_round_trip():
    c = np.array([[0.4, 0.8], [0.6, 0.15]])
    for side in ("left", "right"):
        np.testing.assert_allclose(pressure.layout_cop(pressure.device_cop(c, side), side), c, atol=1e-12)
    d = pressure.device_cop(c, "left")
    assert d[0, 0] < 0 < d[1, 0]                 # device X: heel negative, toes positive


def test_simulated_quiet_stance_recording():
    rec = simulate_insoles(stance_motion(), mass_kg=MASS, insole_size=SIZE, rng=np.random.default_rng(1))
    dev = device.draw(np.random.default_rng(1))    # the device this rng draws first
    assert rec.pressure.shape == (rec.n_frames, 2, 16) and abs(rec.rate_hz - 100.0) < 1e-6
    mid = slice(20, -20)
    total = rec.total_force[mid].sum(1)            # sensor noise (0.39 N/cm²) + 0.25 N/cm² quantisation per cell
    assert abs(total.mean() / (MASS * G) - 1) < 0.02 and np.abs(total / (MASS * G) - 1).max() < 0.12
    acc = rec.acceleration[mid].mean(0)
    assert np.all(acc[:, 2] > 0.95) and np.all(np.abs(np.linalg.norm(acc, axis=1) - 1) < 0.03)
    assert np.all(acc[:, 0] < -0.1)              # the mounting tilt the real files show (≈ −0.19 g)
    pitch = np.degrees(np.arcsin(-acc[:, 0] / np.linalg.norm(acc, axis=1)))
    np.testing.assert_allclose(pitch, dev.mount_deg[:, 0], atol=1.0)
    # at rest the gyroscope reads its offset (plus a drift of < 0.03 deg/s per s and noise)
    np.testing.assert_allclose(rec.angular_rate[mid].mean(0), dev.gyro_offset_dps, atol=0.2)
    # exported total force = Σ pressure × area, as in real exports
    np.testing.assert_allclose(rec.total_force, np.round((rec.pressure * areas_cm2(SIZE)).sum(-1)))


def test_simulation_is_deterministic():
    a = simulate_insoles(stance_motion(n=240), mass_kg=MASS, insole_size=SIZE, rng=np.random.default_rng(7))
    b = simulate_insoles(stance_motion(n=240), mass_kg=MASS, insole_size=SIZE, rng=np.random.default_rng(7))
    for f in ("pressure", "acceleration", "angular_rate", "total_force", "cop"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))


def test_bad_arguments_are_rejected():
    with pytest.raises(AssertionError, match="insole_size"):
        physics.foot_loads(stance_motion(n=50), mass_kg=MASS, insole_size=12)
    with pytest.raises(AssertionError, match="mass_kg"):
        physics.foot_loads(stance_motion(n=50), mass_kg=-1.0, insole_size=SIZE)


def test_a_heel_touching_down_alone_puts_the_cop_on_the_heel():
    m = stance_motion(n=50)
    contact = np.ones((50, 2, 2))
    contact[:, 0] = (0.3, 0.0)                     # left: the heel barely down, the forefoot in the air
    fz = np.full(50, MASS * G)
    _, cop = physics.share(m, fz, m.com[:, :2], contact, SIZE)
    assert np.all(cop[:, 0, 1] >= physics.Y_TOE_UP)     # layout y: 0 toe tip, 1 heel


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_walking_cop_rolls_from_heel_to_toe_once(seed):
    from humaps.data.realism import gait_statistics
    from humaps.sim.anthropometry import sample_subjects
    from humaps.sim.trials import build_trial

    subj = sample_subjects(3, 11)[seed]
    rng = np.random.default_rng(seed)
    motion, ann = build_trial(subj, rng, 120.0, (0.8, 2.0), actions=["Walking"])
    rec = simulate_insoles(motion, mass_kg=subj.mass_kg, insole_size=subj.insole_size, rng=rng)
    walk = ann[ann["label"] == "Walking"].iloc[0]
    stats = gait_statistics(rec.between(walk.start_s, walk.end_s), body_weight_n=subj.mass_kg * G)
    assert stats["cop_x_back"] < 0.3               # the real recordings: 0.01–0.28 of the insole's length

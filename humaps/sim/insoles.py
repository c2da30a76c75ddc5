"""A simulated Moticon OpenGo recording of both insoles from a :class:`BodyMotion`.

motion (simulation rate) → per-foot force and COP (:mod:`humaps.sim.physics`)
and IMU (:mod:`humaps.sim.imu`) → resampled onto the 100 Hz insole clock
(starting ``clock_offset_s`` into the motion) → 16 cell pressures per foot
(:mod:`humaps.sim.pressure`) → quantised like the device: pressures on the
0.25 N/cm² grid, total force = Σ p·A rounded to 1 N, COP from the quantised
cells in the device convention, IMU on its LSB grid; the cells' response, the
IMU's offsets, drift and noise and the merged clocks' held samples as measured on real
recordings (:mod:`humaps.sim.device`). The same ``rng`` state gives the same recording.
"""
from __future__ import annotations

import numpy as np

from humaps.insole import LENGTH_BY_SIZE_M, SAMPLE_RATE_HZ, areas_cm2
from humaps.recordings import SIDES, InsoleRecording
from humaps.sim import device, imu, physics, pressure
from humaps.sim.foot import FOOT_SEGMENTS
from humaps.sim.motion import BodyMotion
from humaps.sim.quaternions import qrot

#: the IMU sits this far above the sole, inside the insole
IMU_ABOVE_SOLE_M = 0.005


def _insole_centres(motion: BodyMotion, insole_size: int) -> np.ndarray:
    """(F, 2, 3) world position of each insole's centre (its IMU), rigidly attached to the Foot segment
    where :class:`humaps.sim.foot.FootGeometry` lays the insole under the foot."""
    centre = motion.foot.insole_point(0.5, LENGTH_BY_SIZE_M[insole_size], IMU_ABOVE_SOLE_M)   # Foot frame
    return motion.positions[:, FOOT_SEGMENTS] + qrot(motion.rotations[:, FOOT_SEGMENTS], centre)


def _resample(x: np.ndarray, t_src: np.ndarray, t_new: np.ndarray) -> np.ndarray:
    """Linear interpolation along axis 0 of x (F, ...) onto t_new (vectorised over channels)."""
    flat = x.reshape(len(t_src), -1)
    i = np.clip(np.searchsorted(t_src, t_new) - 1, 0, len(t_src) - 2)
    w = ((t_new - t_src[i]) / (t_src[i + 1] - t_src[i]))[:, None]
    return (flat[i] * (1 - w) + flat[i + 1] * w).reshape((len(t_new),) + x.shape[1:])


def _held_samples(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 2) bool: rows where one insole's sample is missing, so that the loader repeats its previous one
    (the export merges the two insoles' clocks), at the rate measured on the real recordings
    (:func:`humaps.sim.device.clock`; the measured share counts both sides). The first row is whole. A
    missing time stamp, which real exports have only between a left-only and a right-only row, is not
    simulated: its effect on the samples is the same repeat."""
    held = rng.uniform(size=(n, 2)) < device.clock()["one_sided_row_share"] / 2
    held[0] = False
    return held


def simulate_insoles(motion: BodyMotion, *, mass_kg: float, insole_size: int, rng: np.random.Generator,
                     rate_hz: float = SAMPLE_RATE_HZ, clock_offset_s: float = 0.0,
                     subject_rng: np.random.Generator | None = None) -> InsoleRecording:
    """Both insoles' 100 Hz recording of ``motion`` for a subject of ``mass_kg`` wearing ``insole_size``.

    The subject's device (:func:`humaps.sim.device.draw`: IMU offsets, their drift, accelerometer scale,
    mounting tilt, cell sensitivities) comes from ``subject_rng`` when given (a fresh generator with the
    same seed for every trial of a subject gives that subject one device), else from ``rng``; ``rng``
    then draws the pressure noise, the IMU noise and the held samples, in that order. The first
    insole sample is ``clock_offset_s`` after the motion's first frame; ``time`` starts at 0.
    """
    assert insole_size in LENGTH_BY_SIZE_M, f"insole_size must be 1–8, got {insole_size!r}"
    assert rate_hz > 0 and motion.fs >= rate_hz, f"motion rate {motion.fs} Hz must be >= insole rate {rate_hz} Hz"
    assert 0.0 <= clock_offset_s < motion.n_frames / motion.fs, f"clock_offset_s {clock_offset_s} outside the motion"
    loads = physics.foot_loads(motion, mass_kg=mass_kg, insole_size=insole_size)
    ref = imu.flat_frame(motion)
    centres = _insole_centres(motion, insole_size)
    dev = device.draw(rng if subject_rng is None else subject_rng)
    acc, gyro = imu.insole_imu(motion, centre=centres, reference=ref, mount_deg=dev.mount_deg)

    t_src = np.arange(motion.n_frames) / motion.fs
    t_new = clock_offset_s + np.arange(int(np.floor((t_src[-1] - clock_offset_s) * rate_hz)) + 1) / rate_hz
    force = _resample(loads.force, t_src, t_new)
    cop = _resample(loads.cop, t_src, t_new)
    acc, gyro = _resample(acc, t_src, t_new), _resample(gyro, t_src, t_new)

    areas = areas_cm2(insole_size)
    noise = device.cell_noise_n_cm2()
    press = np.stack([pressure.cell_pressures(force[:, s], cop[:, s], side=side, size=insole_size, rng=rng,
                                              noise_n_cm2=noise,
                                              response=lambda p, s=s: device.cell_response(
                                                  p, dev.cell_gain[s] if device.CELL_GAINS_IN_COHORT else None))
                      for s, side in enumerate(SIDES)], axis=1)                 # (N, 2, 16)
    elapsed = (t_new - t_new[0])[:, None, None]
    acc = acc * dev.gravity_g[None, :, None] + rng.normal(0.0, 1.0, acc.shape) * device.acc_noise_g()
    gyro = (gyro + dev.gyro_offset_dps[None] + dev.gyro_drift_dps_per_s[None] * elapsed
            + rng.normal(0.0, 1.0, gyro.shape) * device.gyro_noise_dps())
    acc, gyro = imu.quantise_imu(acc, gyro)
    total = np.round((press * areas).sum(-1))                                   # N, integer like the export
    dev_cop = np.stack([np.nan_to_num(pressure.device_cop(pressure.centroid_of(press[:, s], side, insole_size),
                                                          side)) for s, side in enumerate(SIDES)], axis=1)
    idx = np.where(_held_samples(len(t_new), rng), -1, np.arange(len(t_new))[:, None])
    np.maximum.accumulate(idx, axis=0, out=idx)     # a held side repeats its previous sample (vectorised)
    press, acc, gyro, total, dev_cop = (np.take_along_axis(a, idx.reshape(idx.shape + (1,) * (a.ndim - 2)), axis=0)
                                        for a in (press, acc, gyro, total, dev_cop))
    return InsoleRecording(
        time=np.round(t_new - t_new[0], 6), pressure=press, acceleration=acc, angular_rate=gyro,
        total_force=total, cop=dev_cop, meta={"Size": str(insole_size), "Recording type": "simulated"},
        source=None, filled={},
    )

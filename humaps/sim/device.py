"""The insole device as the simulator draws it: offsets, noise, mounting and cell response, per subject.

The values come from ``calibration.json`` beside this module, fitted on the real
Moticon walking recordings by :mod:`humaps.data.calibration` (``python -m humaps
calibrate``; the file records which files, their SHA-256, the date and the
command). What differs between devices and people is drawn per subject within
the measured range (domain randomisation); what is a property of the device type
(noise, the clock) is the measured median.

Measured but not simulated, and why (each was tried on 64 simulated walking segments
against the realism table of :mod:`humaps.data.realism`):

- the cells' response (a deadband and a gain, :func:`cell_response`, which is how the real
  insoles read 0.74–0.82 of the body weight standing): the simulated pressure field spreads
  the load over more cells at lower pressure than the real one, so the response removed far
  more of the walking force than on the real cells (:data:`MEASURED_RESPONSE`);
- each cell's sensitivity (:data:`CELL_GAINS_IN_COHORT`): drawn per subject it moved the peak
  cell pressure and the per-cell pattern out of the real range; the training augmentation
  draws it per window instead (:mod:`humaps.training.augment`);
- the gait timing (stance 0.60–0.71 of the stride, double support, loading and unloading
  times): the simulated stance (median 0.60 of the stride, 5–95 % 0.57–0.66, in 52 walking
  segments of 32 book-cohort subjects, 2026-12-06) emerges from the kinematics and the foot's
  contact with the floor; a 2-cm contact tolerance (a shoe) brings it to 0.63 but keeps the centre of
  pressure on the heel longer, and the per-cell pattern fell inside the real range for 58 %
  of segments instead of 94 %.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CALIBRATION_JSON = Path(__file__).with_name("calibration.json")
#: whether the cohort's cells get each subject's sensitivities. No: the measured spread between insoles
#: mixes devices with how two people load their feet, and drawn per subject it moved the simulated walking
#: out of the real range (max cell pressure inside for 50 % of segments instead of 75 %, pattern r for
#: 75 % instead of 97 %); the pose training's augmentation draws it per window instead
CELL_GAINS_IN_COHORT = False
#: the cells' response: measured (deadband and gain, :func:`cell_response`), or linear (reads the true
#: pressure). Linear: applied to the simulated pressure field, which spreads the load over more cells at
#: lower pressure than the real one, the measured response removed 30 % of the walking force and put the
#: 1st force peak inside the real range for 59 % of segments (linear: 91 %)
MEASURED_RESPONSE = False


@functools.lru_cache(maxsize=1)
def calibration() -> dict:
    """The fitted values (``calibration.json``), read once."""
    return json.loads(CALIBRATION_JSON.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Device:
    """One subject's pair of insoles (side 0 left, 1 right); angles in degrees, rates in deg/s.

    ``gyro_offset_dps`` (2, 3) zero-rate offset; ``gyro_drift_dps_per_s`` (2, 3) its linear change over a
    recording; ``gravity_g`` (2,) the accelerometer's scale (what it reads of 1 g); ``mount_deg`` (2, 2)
    (pitch toe-down, roll) of the insole in the shoe; ``cell_gain`` (2, 16) each cell's sensitivity.
    """

    gyro_offset_dps: np.ndarray
    gyro_drift_dps_per_s: np.ndarray
    gravity_g: np.ndarray
    mount_deg: np.ndarray
    cell_gain: np.ndarray


def draw(rng: np.random.Generator) -> Device:
    """A device within the measured ranges: uniform per axis within ± the largest zero-rate offset and
    drift measured on any real insole (offsets have no preferred sign), uniform between the smallest
    and largest measured gravity reading and mounting tilt. ``cell_gain`` is drawn (log-normal, the
    measured spread of each cell's share of the stance pressure between insoles) but the simulator
    leaves it at 1 (:data:`CELL_GAINS_IN_COHORT`): the training augmentation applies it instead."""
    c = calibration()
    imu, cells = c["imu"], c["cells"]
    offset = rng.uniform(-1.0, 1.0, (2, 3)) * np.asarray(imu["gyro_offset_dps"]["max_abs"])
    drift = rng.uniform(-1.0, 1.0, (2, 3)) * imu["gyro_drift_dps_per_s"]["max_abs"]
    gravity = rng.uniform(*imu["gravity_g"], 2)
    mount = np.stack([rng.uniform(*imu["mount_pitch_deg"], 2), rng.uniform(*imu["mount_roll_deg"], 2)], -1)
    gain = np.exp(rng.normal(0.0, 1.0, (2, 16)) * np.asarray(cells["cell_gain_log_sd"]))
    return Device(gyro_offset_dps=offset, gyro_drift_dps_per_s=drift, gravity_g=gravity, mount_deg=mount,
                  cell_gain=gain)


def gyro_noise_dps() -> np.ndarray:
    """(3,) white noise of the angular rate per axis at rest, deg/s (median over the real insoles)."""
    return np.asarray(calibration()["imu"]["gyro_noise_dps"])


def acc_noise_g() -> np.ndarray:
    """(3,) white noise of the acceleration per axis at rest, g."""
    return np.asarray(calibration()["imu"]["acc_noise_g"])


def cell_response(p: np.ndarray, cell_gain: np.ndarray | None = None, *, gain: float | None = None,
                  deadband: float | None = None) -> np.ndarray:
    """What a cell reads (N/cm², before noise and quantisation) under a true pressure ``p`` (..., 16):
    ``gain · max(p − deadband, 0)`` times the cell's own sensitivity ``cell_gain`` (measured: the real
    insoles read 0.74–0.82 of the body weight in quiet standing and all of it averaged over whole
    strides). ``gain``, ``deadband``: the calibrated values when :data:`MEASURED_RESPONSE`, else 1 and 0,
    unless given."""
    cells = calibration()["cells"]
    gain = (cells["gain"] if MEASURED_RESPONSE else 1.0) if gain is None else gain
    deadband = (cells["deadband_n_cm2"] if MEASURED_RESPONSE else 0.0) if deadband is None else deadband
    out = gain * np.maximum(p - deadband, 0.0)
    return out if cell_gain is None else out * cell_gain


def cell_noise_n_cm2() -> float:
    """Noise of a loaded cell in quiet standing, N/cm² (about its 0.5-s running mean)."""
    return float(calibration()["cells"]["noise_n_cm2"])


def clock() -> dict:
    """``one_sided_row_share``: rows where one insole's sample is missing and the loader repeats its previous
    one; ``missing_share``: time stamps missing (only ever between a left-only and a right-only row);
    ``step_sd_s``: the time step's spread at the export's 0.01-s resolution. Fractions of frames."""
    return calibration()["clock"]

"""Device augmentation of pose-model training windows: what differs between insoles and wearers, per window.

The simulated cohort gives each subject one pair of insoles (:mod:`humaps.sim.device`); a
real reader's insoles are yet another pair. :func:`augment_windows` redraws, for every
training window, what the calibration on the real recordings (:mod:`humaps.data.calibration`)
measured to vary between insoles and people, within the measured ranges:

- each cell's sensitivity: a log-normal gain with the measured spread of that cell's share of the
  stance pressure between real insoles (``cell_gain_log_sd``, 0.06–0.65; the total force is the
  cells' sum, so it follows);
- how much of the body weight the insoles register: one gain per window, uniform within
  ± :data:`LOAD_SCALE` (the real insoles read 0.74–0.82 of it standing and all of it walking);
- the orientation filter's drift: pitch and roll of each foot offset by up to ± the spread of the
  measured mounting tilts and ramped across the window by up to ± :data:`DRIFT_DEG` (a gyroscope
  offset beyond the filter's correction drifts by that much per second);
- the insole's tilt in the shoe as the accelerometer sees it: acceleration offsets of
  ± sin(tilt spread) g on X and Y.

Yaw is window-relative already (:func:`humaps.data.features.relative_yaw`) and COP is a ratio of
the cells, so they are left alone. ``strength`` scales every range (0: no change).
Vectorised over the batch (torch), seeded by the caller's generator.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from humaps.data.channels import AUX, CELLS_PER_FOOT

LOAD_SCALE = 0.1          # ± fraction of the load registered (standing/walking force ratio 0.74–0.82 vs 1)
DRIFT_DEG = 3.0           # ± degrees of pitch/roll drift across a window
PITCH = (6, 9)            # pitch L, pitch R in A (orientation block: pitch, yaw, roll per foot)
ROLL = (8, 11)


def _ranges() -> dict:
    """The measured spreads, from the calibration the simulator uses."""
    from humaps.sim.device import calibration

    c = calibration()
    tilt = max(np.ptp(c["imu"]["mount_pitch_deg"]), np.ptp(c["imu"]["mount_roll_deg"])) / 2
    return {"cell_sd": np.asarray(c["cells"]["cell_gain_log_sd"], np.float32), "tilt_deg": float(tilt)}


def augment_windows(P: torch.Tensor, A: torch.Tensor, generator: torch.Generator,
                    strength: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Augmented copies of P (B, T, 32) N/cm² and A (B, T, 18) (see the module docstring)."""
    if strength <= 0:
        return P, A
    r = _ranges()
    B, T = P.shape[:2]
    u = lambda *shape: (torch.rand(*shape, generator=generator) * 2 - 1) * strength   # uniform ±strength
    sd = torch.as_tensor(np.tile(r["cell_sd"], 2)) * strength
    gain = torch.exp(torch.randn(B, 1, 2 * CELLS_PER_FOOT, generator=generator) * sd)
    load = 1.0 + LOAD_SCALE * u(B, 1, 1)
    P = P * gain * load
    A = A.clone()
    side_force = torch.stack([(gain[:, :, :CELLS_PER_FOOT]).mean(-1), (gain[:, :, CELLS_PER_FOOT:]).mean(-1)], -1)
    A[..., AUX["force"]] = A[..., AUX["force"]] * side_force * load
    ramp = torch.linspace(-0.5, 0.5, T)[None, :, None]
    for idx in (PITCH, ROLL):
        A[..., list(idx)] = A[..., list(idx)] + r["tilt_deg"] * u(B, 1, 2) + 2 * DRIFT_DEG * u(B, 1, 2) * ramp
    acc = AUX["acceleration"].start
    offset = math.sin(math.radians(r["tilt_deg"])) * u(B, 1, 2, 2)               # X, Y of each foot
    A[..., [acc, acc + 1, acc + 3, acc + 4]] = A[..., [acc, acc + 1, acc + 3, acc + 4]] + offset.reshape(B, 1, 4)
    return P, A

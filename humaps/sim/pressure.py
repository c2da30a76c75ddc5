"""The 16 cell pressures of one insole from its total force and centre of pressure.

Model (vectorised over frames): a smooth Gaussian kernel over the cell
centroids centred on the requested COP, times an anatomical weight per cell,
then exponentially tilted, ``q_i ∝ A_i·w_i·K_i·exp(λ·c_i)``, with λ (2 per
frame) found by a few Newton steps so the area-weighted centroid equals the
COP; finally scaled so ``Σ p_i·A_i = F``, quantised to 0.25 N/cm² and
saturated at the device maximum, as the OpenGo export does.

Measured on the real walking recordings (``moticon-opengo`` test data, see
:mod:`humaps.data.realism`):

- total force = Σ p_i·A_i (N/cm² × cm² = N) to 0.6 % (size 7) / 0.1 % (size 3);
- the exported COP is an exact affine map of the area-weighted centroid of the
  layout coordinates (:data:`DEVICE_COP`, residual < 0.001 on all four files):
  COP X = along the insole, + toward the toes; COP Y = across, + medial;
- mean stance pressure (N/cm²): hallux 14 highest for the size-7 wearer
  (8.7–11.2; cell 10 for the size-3 wearer), rearfoot
  1–6 ≈ 2–5, lateral midfoot 8 ≈ 1.5–3.5, medial arch 7 ≈ 0.05–0.4;
  max cell pressure 27–38 N/cm²;
- pressures are multiples of 0.25 N/cm² and total force is an integer in N.

:data:`ANATOMY` is fitted so that this kernel, fed the real force and COP,
reproduces the real mean stance pressure per cell (ratio of real to
kernel-predicted mean stance pressure, pooled over files and feet, iterated).
With it, the kernel
fed the *real* force and COP reproduces each real foot's mean stance pattern
with r = 0.93–0.99 (size-7 wearer) and 0.69–0.85 (size-3 wearer, who loads the
forefoot more). Kernel widths 0.16–0.4 fit equally well; 0.25 keeps the
anatomical weights moderate (hallux ×3, medial arch ×0.08, lesser toes ×0.3).
"""
from __future__ import annotations

import numpy as np

from humaps.insole import PRESSURE_MAX, PRESSURE_STEP, areas_cm2, centroids

KERNEL_SIGMA = 0.25            # kernel width in layout units (length-normalised)
NEWTON_STEPS = 12
#: per-cell anatomical weight (cells 1–16), fitted on the real recordings (see module docstring)
ANATOMY = np.array([0.893, 1.177, 0.761, 1.339, 0.481, 1.219, 0.076, 1.233,
                    1.319, 0.910, 0.892, 0.743, 1.273, 3.041, 0.273, 0.367])
#: device COP (X along, Y across) = M @ (x, y) + b of the layout centroid, per side, measured
DEVICE_COP: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "left": (np.array([[0.035, -0.988], [1.052, 0.265]]), np.array([0.475, -0.685])),
    "right": (np.array([[-0.035, -0.988], [-1.051, 0.266]]), np.array([0.510, 0.367])),
}


def device_cop(cop_layout: np.ndarray, side: str) -> np.ndarray:
    """(..., 2) layout-frame COP (x across, y along) → device COP (X along, Y across), −0.5…0.5."""
    m, b = DEVICE_COP[side]
    return cop_layout @ m.T + b


def layout_cop(cop_device: np.ndarray, side: str) -> np.ndarray:
    """Inverse of :func:`device_cop`."""
    m, b = DEVICE_COP[side]
    return (cop_device - b) @ np.linalg.inv(m).T


def centroid_of(pressure: np.ndarray, side: str, size: int) -> np.ndarray:
    """(..., 2) area-weighted layout centroid of pressures (..., 16); NaN where unloaded."""
    w = pressure * areas_cm2(size)
    tot = w.sum(-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (w @ centroids(side)) / np.where(tot > 0, tot, np.nan)


def kernel_weights(cop: np.ndarray, side: str, size: int, anatomy: np.ndarray = ANATOMY,
                   sigma: float = KERNEL_SIGMA) -> np.ndarray:
    """(N, 16) nonnegative weights q (Σ q = 1) whose area-weighted centroid ≈ ``cop`` (N, 2).

    ``q_i`` is cell i's share of the force. The COP is first pulled inside the
    cells' hull (a centroid cannot leave it) and then matched by exponential tilting.
    """
    c = centroids(side)                                            # (16, 2)
    a = areas_cm2(size)
    lo, hi = c.min(0) + 0.12, c.max(0) - 0.06   # keep off the hull: no single-cell spikes
    target = np.clip(cop, lo, hi)
    d2 = ((c[None] - target[:, None]) ** 2).sum(-1)                # (N, 16)
    logb = np.log(a * np.maximum(anatomy, 1e-6))[None] - d2 / (2 * sigma ** 2)
    lam = np.zeros_like(target)
    for _ in range(NEWTON_STEPS):                                  # Newton on the 2 tilt parameters
        z = logb + lam @ c.T
        q = np.exp(z - z.max(1, keepdims=True))
        q /= q.sum(1, keepdims=True)
        mean = q @ c                                               # (N, 2)
        dc = c[None] - mean[:, None]                               # (N, 16, 2)
        cov = np.einsum("nk,nki,nkj->nij", q, dc, dc) + 1e-6 * np.eye(2)
        lam = lam + np.linalg.solve(cov, (target - mean)[..., None])[..., 0]
        lam = np.clip(lam, -60.0, 60.0)
    z = logb + lam @ c.T
    q = np.exp(z - z.max(1, keepdims=True))
    return q / q.sum(1, keepdims=True)


def quantise(pressure: np.ndarray) -> np.ndarray:
    """Round to the device's 0.25 N/cm² grid and saturate at :data:`PRESSURE_MAX`."""
    return np.clip(np.round(pressure / PRESSURE_STEP) * PRESSURE_STEP, 0.0, PRESSURE_MAX)


def cell_pressures(force: np.ndarray, cop: np.ndarray, *, side: str, size: int,
                   anatomy: np.ndarray = ANATOMY, sigma: float = KERNEL_SIGMA,
                   rng: np.random.Generator | None = None, noise_n_cm2: float = 0.12,
                   quantised: bool = True) -> np.ndarray:
    """(N, 16) cell pressures N/cm² of one insole for force (N,) N and layout COP (N, 2).

    Unquantised, Σ p_i·A_i = force and the area-weighted centroid = cop (inside
    the cells' hull). ``rng`` adds white sensor noise (std ``noise_n_cm2``) on
    loaded cells before quantisation; unloaded cells stay 0.
    """
    force = np.asarray(force, float)
    assert force.ndim == 1 and cop.shape == (force.shape[0], 2), \
        f"force (N,) and cop (N, 2) expected, got {force.shape} and {cop.shape}"
    q = kernel_weights(cop, side, size, anatomy, sigma)
    p = force[:, None] * q / areas_cm2(size)[None]
    if rng is not None:
        p = np.where(p > 0.05, p + rng.normal(0.0, noise_n_cm2, p.shape), p)
    p = np.maximum(p, 0.0)
    return quantise(p) if quantised else p

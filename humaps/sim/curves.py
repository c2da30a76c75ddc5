"""Time and curve helpers of the motion programs: smooth steps, keyframes, periodic curves, slow noise.

All take and return NumPy arrays over time (seconds) or phase (stride fraction)
and are smooth (C1 or C2), so the joint angles built from them — and their
derivatives, which the insole IMU and the ground forces see — have no jumps.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.interpolate import CubicSpline, PchipInterpolator


def smoothstep(x: np.ndarray) -> np.ndarray:
    """C2-continuous 0→1 step over x in [0, 1] (clipped outside)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6 * x - 15) + 10)


def ramp(t: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """0 before t0, 1 after t1, smooth in between."""
    return smoothstep((t - t0) / max(t1 - t0, 1e-6))


def bump(t: np.ndarray, t0: float, t1: float, t2: float, t3: float) -> np.ndarray:
    """0 → 1 over [t0, t1], hold, 1 → 0 over [t2, t3]."""
    return ramp(t, t0, t1) * (1.0 - ramp(t, t2, t3))


def _floats(x) -> tuple:
    return tuple(float(v) for v in np.ravel(x))


# The programs rebuild the same few interpolants thousands of times per cohort (fixed gait curves,
# keyframes); building one costs more than evaluating it, so they are kept by their (knots, values).
@lru_cache(maxsize=4096)
def _pchip(times: tuple, values: tuple) -> PchipInterpolator:
    return PchipInterpolator(np.array(times), np.array(values))


@lru_cache(maxsize=1024)
def _periodic_spline(knots: tuple, values: tuple) -> CubicSpline:
    return CubicSpline(np.append(knots, 1.0), np.append(values, values[0]), bc_type="periodic")


def keys(t: np.ndarray, times, values) -> np.ndarray:
    """Monotone (PCHIP) interpolation of keyframes, held constant outside."""
    times = _floats(times)
    return _pchip(times, _floats(values))(np.clip(t, times[0], times[-1]))


def periodic(phase: np.ndarray, knots, values) -> np.ndarray:
    """C2 periodic cubic spline through (knot phase ∈ [0, 1), value); phase taken mod 1."""
    return _periodic_spline(_floats(knots), _floats(values))(np.mod(phase, 1.0))


def slow_noise(n: int, fs: float, rng: np.random.Generator, fmax: float = 0.6, k: int = 4) -> np.ndarray:
    """(n,) smooth zero-mean noise of unit-ish std: k sinusoids below ``fmax`` Hz.

    Tapered to exactly 0 over the first and last 0.4 s (or a quarter of the span), so programs and
    transitions built separately still join without a jump.
    """
    t = np.arange(n) / fs
    f = rng.uniform(0.08, fmax, k)
    ph = rng.uniform(0, 2 * np.pi, k)
    edge = min(0.4, 0.25 * t[-1]) if n > 1 else 0.0
    taper = bump(t, 0.0, edge, t[-1] - edge, t[-1]) if n > 1 else np.zeros(n)
    return (np.sin(2 * np.pi * f[None] * t[:, None] + ph[None]).sum(1)) * np.sqrt(2.0 / k) * taper


def timeline(duration_s: float, fs: float) -> np.ndarray:
    """(n,) s, the frame times of a program lasting ``duration_s`` at ``fs`` Hz (at least 2 frames)."""
    n = max(int(round(duration_s * fs)), 2)
    return np.arange(n) / fs

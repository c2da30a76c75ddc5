"""Per-channel z-scoring fitted on the training folds only: the one normaliser of the companion.

A channel's statistics are the mean and population std over every training
frame. The small-std rule: a channel whose training std is below
:data:`MIN_STD` is constant in training (a pressure cell the training
subjects never load, a joint coordinate pinned at the origin) and carries no
information; it is scaled by 1 instead of by its tiny std, so a test subject
who does load that cell gets a finite input rather than one amplified 10⁶×.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_STD = 1e-6


@dataclass(frozen=True)
class Normaliser:
    """``mean`` and ``std`` over every axis but the trailing ``channel_dims`` (float32)."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray, *, channel_dims: int = 1) -> "Normaliser":
        """Fit on training data ``x`` (..., *channels); (N,T,C) → channel_dims 1, (N,T,24,3) → 2."""
        if not 1 <= channel_dims <= x.ndim:
            raise ValueError(f"channel_dims must be in 1..{x.ndim} for an array of shape {x.shape}")
        axes = tuple(range(x.ndim - channel_dims))
        mean = x.mean(axis=axes, dtype=np.float64)
        std = x.std(axis=axes, dtype=np.float64)
        std = np.where(std < MIN_STD, 1.0, std)
        return cls(mean.astype(np.float32), std.astype(np.float32))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """z-scores of ``x`` (any leading axes, the fitted channel axes last), float32."""
        return ((np.asarray(x, dtype=np.float32) - self.mean) / self.std).astype(np.float32)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float32) * self.std + self.mean

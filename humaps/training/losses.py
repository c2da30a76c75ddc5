"""Training losses of the section-6 model (torch, differentiable), and their weighted sum.

Units: positions in metres, angles in radians, pressures and accelerations in
the normalised units the model sees (z-scores fitted on the training folds).
A term whose weight is 0 is not computed at all — that is how the ablations
(no MPJAE, no cycle networks) switch terms off.
"""
from __future__ import annotations

from typing import Callable, Mapping

import torch
import torch.nn.functional as F

from humaps.metrics import TRIPLET_INDEX

_TRIPLETS = torch.as_tensor(TRIPLET_INDEX)  # (12, 3)
#: the terms of :func:`total_loss`, in order
TERMS = ("mpjpe", "mpjae", "feat", "recon", "press", "acc")


def _norm(x: torch.Tensor, dim: int = -1, eps: float = 1e-12) -> torch.Tensor:
    """Euclidean norm with a finite gradient at 0 (perfect predictions do happen, e.g. the Hips)."""
    return torch.sqrt((x * x).sum(dim) + eps)


def mpjpe_loss(pred: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    """Mean per-joint position error, metres. pred, true: (..., 24, 3)."""
    return _norm(pred - true).mean()


def joint_angles(poses: torch.Tensor) -> torch.Tensor:
    """(..., 24, 3) → (..., 12) radians at the middle joint of each :data:`humaps.metrics.ANGLE_TRIPLETS`."""
    idx = _TRIPLETS.to(poses.device)
    a, m, c = (poses[..., idx[:, k], :] for k in range(3))  # 3 × (..., 12, 3)
    u, v = a - m, c - m
    return torch.atan2(_norm(torch.cross(u, v, dim=-1)), (u * v).sum(-1))


def mpjae_loss(pred: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    """Mean absolute angle error at the 12 triplet angles, radians. pred, true: (..., 24, 3)."""
    return (joint_angles(pred) - joint_angles(true)).abs().mean()


def feature_loss(z: torch.Tensor, z_pose: torch.Tensor) -> torch.Tensor:
    """‖z − z_pose‖² per frame, divided by the width d (mean squared error over (B,T,d))."""
    return F.mse_loss(z, z_pose)


def cycle_loss(reconstructed: torch.Tensor, measured: torch.Tensor) -> torch.Tensor:
    """L1 between a cycle network's reconstruction and the measured signal (mean absolute error)."""
    return F.l1_loss(reconstructed, measured)


def total_loss(weights: Mapping[str, float], *, out: dict, joints: torch.Tensor,
               pressure: torch.Tensor | None = None, acceleration: torch.Tensor | None = None,
               press_net: Callable | None = None, accel_net: Callable | None = None
               ) -> tuple[torch.Tensor, dict[str, float]]:
    """Σ_k w_k L_k over :data:`TERMS`; returns (total, {term: value} for the terms computed).

    ``weights``: {term: weight} (missing = 0). ``out``: :meth:`PoseNet.forward`'s dict;
    ``joints`` (B,T,24,3) ground truth. ``feat`` and ``recon`` need ``out["z_pose"]``;
    ``press``/``acc`` need ``press_net``/``accel_net`` (frozen, pose → normalised
    signal) and the measured normalised ``pressure`` (B,T,32) / ``acceleration`` (B,T,6).
    """
    unknown = set(weights) - set(TERMS)
    if unknown:
        raise ValueError(f"total_loss: unknown loss terms {sorted(unknown)}; known: {TERMS}")
    pred = out["joints"]
    terms: dict[str, Callable[[], torch.Tensor]] = {
        "mpjpe": lambda: mpjpe_loss(pred, joints),
        "mpjae": lambda: mpjae_loss(pred, joints),
        "feat": lambda: feature_loss(out["z"], out["z_pose"]),
        "recon": lambda: mpjpe_loss(out["joints_from_pose"], joints),
        "press": lambda: cycle_loss(press_net(pred), pressure),
        "acc": lambda: cycle_loss(accel_net(pred), acceleration),
    }
    total = pred.new_zeros(())
    values: dict[str, float] = {}
    for name in TERMS:
        w = float(weights.get(name, 0.0))
        if w == 0.0:
            continue
        if name in ("feat", "recon") and "z_pose" not in out:
            raise ValueError(f"loss term {name!r} has weight {w} but the model gave no z_pose "
                             "(pose encoder disabled or J not passed)")
        if name in ("press", "acc") and (press_net if name == "press" else accel_net) is None:
            raise ValueError(f"loss term {name!r} has weight {w} but no cycle network was given")
        value = terms[name]()
        values[name] = float(value.detach())
        total = total + w * value
    values["total"] = float(total.detach())
    return total, values

"""PressNet and AccelNet: pose sequences → insole signals, for the cycle-consistency losses (section 6.4).

Following SolePoser, both are small temporal networks trained on the training
folds' ground truth (true poses → measured insole signals), then frozen; the
pose model's *predicted* poses go through them and the L1 distance to the
measured signals is L_press / L_acc.

Input: poses (B,T,24,3) in metres, pelvis-centred. Each frame is described by
the joint positions (m), velocities (m/s) and accelerations (g) — finite
differences at ``fs_hz`` — because insole accelerations follow from how the
feet move, not only where they are. A two-layer temporal convolution (kernel
5, i.e. ±2 frames) then a bidirectional LSTM (a window is processed offline)
and a linear head give the signal per frame, in the normalised units the pose
model sees: PressNet → 32 pressures, AccelNet → 6 accelerations (left xyz, right xyz).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from humaps import skeleton
from humaps.constants import G  # m/s² per g


@dataclass(frozen=True)
class CycleNetConfig:
    """Width, frame rate and output size of a cycle network."""

    n_outputs: int
    hidden: int = 128
    fs_hz: float = 100.0
    kernel: int = 5

    def __post_init__(self):
        if self.n_outputs < 1 or self.hidden < 1 or self.fs_hz <= 0 or self.kernel % 2 == 0:
            raise ValueError(f"CycleNetConfig needs n_outputs, hidden >= 1, fs_hz > 0 and an odd kernel; got {self}")


def kinematic_features(poses: torch.Tensor, fs_hz: float) -> torch.Tensor:
    """(B,T,24,3) m → (B,T,216): positions (m), velocities (m/s), accelerations (g).

    Differences are one-sided at the window's first frames (repeated edge), so the
    output has T frames; everything is differentiable (the cycle loss backpropagates).
    """
    B, T = poses.shape[:2]
    x = poses.reshape(B, T, 3 * skeleton.N_JOINTS)  # (B,T,24,3) → (B,T,72)
    vel = torch.diff(x, dim=1, prepend=x[:, :1]) * fs_hz  # (B,T,72) m/s
    acc = torch.diff(vel, dim=1, prepend=vel[:, :1]) * fs_hz / G  # (B,T,72) g
    return torch.cat([x, vel, acc], dim=-1)  # (B,T,216)


class CycleNet(nn.Module):
    """poses (B,T,24,3) m → signal (B,T,n_outputs), normalised units."""

    def __init__(self, cfg: CycleNetConfig):
        super().__init__()
        self.cfg = cfg
        h, k = cfg.hidden, cfg.kernel
        self.conv = nn.Sequential(
            nn.Conv1d(9 * skeleton.N_JOINTS, h, k, padding=k // 2), nn.GELU(),
            nn.Conv1d(h, h, k, padding=k // 2), nn.GELU(),
        )
        self.lstm = nn.LSTM(h, h, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * h, cfg.n_outputs)

    def forward(self, poses: torch.Tensor) -> torch.Tensor:
        f = kinematic_features(poses, self.cfg.fs_hz)  # (B,T,216)
        h = self.conv(f.transpose(1, 2)).transpose(1, 2)  # (B,216,T) → conv → (B,h,T) → (B,T,h)
        h, _ = self.lstm(h)  # (B,T,2h)
        return self.head(h)  # (B,T,n_outputs)

    def freeze(self) -> "CycleNet":
        """Eval mode, no gradients into its weights (gradients still flow to its input)."""
        self.eval()
        for p in self.parameters():
            p.requires_grad_(False)
        return self


class PressNet(CycleNet):
    """Pose sequence → the 32 plantar pressures (left cells 1–16, then right), normalised."""

    def __init__(self, *, hidden: int = 128, fs_hz: float = 100.0):
        super().__init__(CycleNetConfig(n_outputs=32, hidden=hidden, fs_hz=fs_hz))


class AccelNet(CycleNet):
    """Pose sequence → the 6 insole accelerations (left xyz, right xyz), normalised."""

    def __init__(self, *, hidden: int = 128, fs_hz: float = 100.0):
        super().__init__(CycleNetConfig(n_outputs=6, hidden=hidden, fs_hz=fs_hz))

"""Synthetic fixtures shared by the tests (and the activity benchmark): not production code."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FakeWindows:
    """Same fields as ``ActivityWindows``: insole (N,T,38), pose (N,T,24,3), label, category, subject."""

    insole: np.ndarray
    pose: np.ndarray
    label: np.ndarray
    category: np.ndarray
    subject: np.ndarray


def make_fake_windows(*, n_subjects: int = 4, per_class: int = 2, n_classes: int = 30, seed: int = 0,
                      insole_frames: int = 300, pose_frames: int = 360, signal: float = 1.0) -> FakeWindows:
    """Synthetic windows whose classes differ by a learnable signal (for tests and benchmarks).

    Each class has a random ±1 pattern over the 38 insole channels and a random
    direction of motion of the 24 joints, scaled by ``signal`` and modulated by a class-specific
    rhythm, plus unit Gaussian noise; subjects add a small random offset.
    """
    from humaps.actions import ACTIONS

    rng = np.random.default_rng(seed)
    n = n_subjects * n_classes * per_class
    label = np.tile(np.repeat(np.arange(n_classes), per_class), n_subjects)  # (N,)
    subject = np.repeat([f"S{s + 1:02d}" for s in range(n_subjects)], n_classes * per_class)
    pat_in = rng.choice([-1.0, 1.0], size=(n_classes, 38))
    # a class moves all joints along one ±1 direction, joint by joint more or less (so it survives
    # the pose encoder's pooling over joints)
    pat_po = rng.choice([-1.0, 1.0], size=(n_classes, 1, 3)) * rng.uniform(0.5, 1.5, size=(n_classes, 24, 1))
    freq = 0.5 + 2.5 * rng.random(n_classes)  # Hz
    t_in = np.arange(insole_frames) / 100.0
    t_po = np.arange(pose_frames) / 120.0
    phase = rng.random(n)[:, None] * 2 * np.pi
    rhythm_in = 1 + 0.5 * np.sin(2 * np.pi * freq[label][:, None] * t_in + phase)  # (N, T)
    rhythm_po = 1 + 0.5 * np.sin(2 * np.pi * freq[label][:, None] * t_po + phase)
    offset = rng.normal(0, 0.2, size=(n_subjects, 1))[np.repeat(np.arange(n_subjects), n_classes * per_class)]
    insole = (signal * rhythm_in[:, :, None] * pat_in[label][:, None, :] + offset[:, :, None]
              + rng.normal(size=(n, insole_frames, 38)))
    pose = (signal * 0.1 * rhythm_po[:, :, None, None] * pat_po[label][:, None]
            + 0.1 * rng.normal(size=(n, pose_frames, 24, 3)))
    category = np.array([ACTIONS[k % len(ACTIONS)][1] for k in label])
    return FakeWindows(insole.astype(np.float32), pose.astype(np.float32), label.astype(np.int64),
                       category, subject)


def make_fake_sequences(n: int = 24, T: int = 16, seed: int = 0, n_subjects: int = 4):
    """``PoseSequences`` whose insole signals depend on the pose (for the pose-model tests).

    A rest pose plus a sinusoidal swing of the legs (random phase and amplitude per window);
    pressure of each foot grows as the foot is lower, accelerations follow the foot's motion.
    Each window gets a random constant heading (``yaw``).
    """
    from humaps import skeleton
    from humaps.data.features import PoseSequences

    rng = np.random.default_rng(seed)
    rest = rng.normal(0, 0.3, (24, 3))
    rest[skeleton.INDEX["Hips"]] = 0.0
    t = np.arange(T) / 100.0
    phase, amp = rng.uniform(0, 2 * np.pi, (n, 1)), rng.uniform(0.05, 0.2, (n, 1))
    swing = amp * np.sin(2 * np.pi * 1.5 * t[None] + phase)  # (n, T)
    J = np.broadcast_to(rest, (n, T, 24, 3)).copy()
    legs = skeleton.indices(skeleton.LOWER_BODY)
    J[:, :, legs[:4], 1] += swing[..., None]  # left leg forward/back
    J[:, :, legs[4:], 1] -= swing[..., None]
    J[:, :, legs[:4], 2] += 0.5 * np.abs(swing)[..., None]
    J += rng.normal(0, 0.005, J.shape)
    J -= J[:, :, :1]  # pelvis-centred
    load = np.stack([1 - swing, 1 + swing], axis=-1)  # (n, T, 2)
    P = (10 * np.repeat(load, 16, axis=-1) + rng.normal(0, 0.5, (n, T, 32))).clip(0, 50)
    A = rng.normal(0, 0.1, (n, T, 18))
    A[..., 0:3] += np.gradient(swing, axis=1)[..., None] * 50
    A[..., 3:6] -= np.gradient(swing, axis=1)[..., None] * 50
    A[..., 16:18] = 400 * load
    yaw = np.repeat(rng.uniform(-np.pi, np.pi, (n, 1)), T, axis=1)
    subject = np.array([f"S{k % n_subjects:02d}" for k in range(n)])
    return PoseSequences(P=P.astype(np.float32), A=A.astype(np.float32), J=J.astype(np.float32),
                         yaw=yaw.astype(np.float32), subject=subject,
                         label=np.array(["walk", "sit"] * (n // 2) + ["walk"] * (n % 2)),
                         trial=(np.arange(n) // 2).astype(str), t0=np.zeros(n), fs=100.0)


def random_insole(n: int = 200, seed: int = 0):
    """An :class:`InsoleRecording` of ``n`` frames at 100 Hz with random but valid values (pressures on
    the 0.25 N/cm² grid of the exports)."""
    from humaps.recordings import InsoleRecording

    r = np.random.default_rng(seed)
    return InsoleRecording(time=np.arange(n) / 100.0, pressure=np.round(r.uniform(0, 40, (n, 2, 16)) * 4) / 4,
                           acceleration=r.normal(0, 1, (n, 2, 3)), angular_rate=r.normal(0, 100, (n, 2, 3)),
                           total_force=r.uniform(0, 900, (n, 2)), cop=r.uniform(-.5, .5, (n, 2, 2)))


def random_mocap(m: int = 240, seed: int = 0):
    """A :class:`MocapRecording` of ``m`` frames at 120 Hz: random positions (m) and unit quaternions."""
    from humaps.recordings import MocapRecording

    r = np.random.default_rng(seed)
    q = r.normal(size=(m, 24, 4))
    q /= np.linalg.norm(q, axis=2, keepdims=True)
    return MocapRecording(time=np.arange(m) / 120.0, positions=r.normal(0, 1, (m, 24, 3)), rotations=q)


def gait(cop_x_of_phase=lambda u: -0.35 + 0.65 * u, n_strides: int = 8, stride: int = 110, stance: int = 70):
    """Hand-made walking at 100 Hz: each foot loaded with 600 N for ``stance`` of every ``stride`` frames
    (the right foot half a stride later), its COP X ``cop_x_of_phase(u)`` through the stance (u 0 → 1)."""
    from humaps.recordings import InsoleRecording

    n = n_strides * stride + stride
    force, cop = np.zeros((n, 2)), np.zeros((n, 2, 2))
    frame = np.arange(n)
    for side, lag in ((0, 10), (1, 10 + stride // 2)):
        u = (frame - lag) % stride
        on = (frame >= lag) & (u < stance) & (frame < n - stride // 2)
        force[on, side] = 600.0
        cop[on, side, 0] = cop_x_of_phase(u[on] / (stance - 1))
    zeros = np.zeros((n, 2, 3))
    return InsoleRecording(time=frame / 100.0, pressure=np.repeat(force[..., None] / 150.0, 16, -1),
                           acceleration=zeros, angular_rate=zeros, total_force=force, cop=cop)

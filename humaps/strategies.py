"""The four training strategies of section 7.1: the one place that says what each trains on and needs.

- ``insoles``          — insole encoder + classifier, cross-entropy;
- ``skeleton``         — pose encoder + classifier (the paper's "MoCap only");
- ``concat``           — both encoders, latents concatenated into one classifier;
- ``student_teacher``  — the fold's ``skeleton`` model, frozen, teaches an insole student
  (L = α · L_distill + (1 − α) · CE); at inference the student sees insoles only.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Strategy:
    name: str
    label: str  # as the paper's Table 7 names it
    modality: str  # the network's encoders: "insole", "pose" or "both"
    trains_on_poses: bool  # needs motion capture to train
    needs_poses_at_inference: bool  # needs motion capture to predict


STRATEGIES: dict[str, Strategy] = {s.name: s for s in (
    Strategy("insoles", "Insoles", "insole", trains_on_poses=False, needs_poses_at_inference=False),
    Strategy("skeleton", "Skeleton", "pose", trains_on_poses=True, needs_poses_at_inference=True),
    Strategy("concat", "Insoles+Skeleton", "both", trains_on_poses=True, needs_poses_at_inference=True),
    Strategy("student_teacher", "Student-teacher", "insole", trains_on_poses=True, needs_poses_at_inference=False),
)}
NAMES: tuple[str, ...] = tuple(STRATEGIES)


def strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ValueError(f"unknown strategy {name!r}; expected one of {NAMES}") from None

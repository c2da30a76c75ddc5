"""Distillation losses for the student-teacher strategy (section 7.2, equation 8).

L = α · L_distill + (1 − α) · L_cls, where L_cls is the cross-entropy of the
student's logits with the true labels and L_distill one of (or a sum of):

- ``"mse"``    — feature alignment: mean squared error between the student's
                 (projected) latent and the teacher's latent, (B, D) each;
- ``"cosine"`` — feature alignment by direction only: mean of 1 − cos(z_s, z_t);
- ``"kl"``     — soft labels (Hinton et al. 2015): τ² · KL(softmax(t/τ) ‖ softmax(s/τ)),
                 batch-mean, on the logits (B, n_classes); the τ² keeps the
                 gradient scale comparable to the cross-entropy when τ changes.

Several may be joined with "+" (e.g. ``"mse+kl"``); their sum is L_distill.
The teacher's tensors are detached: the teacher is frozen.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

DISTILL_LOSSES = ("mse", "cosine", "kl")


def feature_mse(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Mean squared error over (B, D) latents (mean over batch and features)."""
    _check_pair(student, teacher, "feature_mse")
    return F.mse_loss(student, teacher.detach())


def feature_cosine(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Batch mean of 1 − cosine similarity between (B, D) latents; 0 when aligned."""
    _check_pair(student, teacher, "feature_cosine")
    return (1.0 - F.cosine_similarity(student, teacher.detach(), dim=1, eps=1e-8)).mean()


def soft_label_kl(student_logits: torch.Tensor, teacher_logits: torch.Tensor, *, temperature: float) -> torch.Tensor:
    """τ² · KL(p_teacher^τ ‖ p_student^τ), averaged over the batch; logits (B, n_classes)."""
    _check_pair(student_logits, teacher_logits, "soft_label_kl")
    assert temperature > 0, f"temperature must be > 0, got {temperature}"
    log_p_student = F.log_softmax(student_logits / temperature, dim=1)
    log_p_teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=1)
    kl = F.kl_div(log_p_student, log_p_teacher, reduction="batchmean", log_target=True)
    return kl * temperature**2


def parse_distill_loss(name: str) -> tuple[str, ...]:
    """"mse+kl" -> ("mse", "kl"), checking every part."""
    parts = tuple(p.strip() for p in str(name).split("+"))
    bad = [p for p in parts if p not in DISTILL_LOSSES]
    if bad or not parts:
        raise ValueError(f"unknown distillation loss {name!r}: parts must be among {DISTILL_LOSSES} joined by '+'")
    return parts


def distillation_loss(name: str, *, student_latent: torch.Tensor, teacher_latent: torch.Tensor,
                      student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                      temperature: float) -> torch.Tensor:
    """L_distill for ``name`` ("mse", "cosine", "kl" or a "+"-joined sum of them)."""
    total = student_logits.new_zeros(())
    for part in parse_distill_loss(name):
        if part == "mse":
            total = total + feature_mse(student_latent, teacher_latent)
        elif part == "cosine":
            total = total + feature_cosine(student_latent, teacher_latent)
        else:
            total = total + soft_label_kl(student_logits, teacher_logits, temperature=temperature)
    return total


def combined_loss(*, alpha: float, distill: torch.Tensor, student_logits: torch.Tensor,
                  labels: torch.Tensor) -> torch.Tensor:
    """Equation 8: α · L_distill + (1 − α) · CE(student_logits, labels)."""
    assert 0.0 <= alpha <= 1.0, f"alpha must be in [0, 1], got {alpha}"
    cls = F.cross_entropy(student_logits, labels)
    if alpha == 0.0:  # exactly CE, even if the distillation term is not finite
        return cls
    return alpha * distill + (1.0 - alpha) * cls


def _check_pair(a: torch.Tensor, b: torch.Tensor, where: str) -> None:
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"{where}: student and teacher must both be (B, D); got {tuple(a.shape)} and {tuple(b.shape)}")

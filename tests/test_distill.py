"""Distillation losses of section 7.2 (humaps.training.distill)."""
import math

import pytest
import torch
import torch.nn.functional as F

from humaps.training.distill import (
    combined_loss,
    distillation_loss,
    feature_cosine,
    feature_mse,
    parse_distill_loss,
    soft_label_kl,
)


@pytest.fixture
def pair():
    g = torch.Generator().manual_seed(0)
    return torch.randn(6, 10, generator=g), torch.randn(6, 10, generator=g)


def test_zero_when_student_equals_teacher(pair):
    z, _ = pair
    assert feature_mse(z, z.clone()).item() == 0.0
    assert feature_cosine(z, z.clone()).item() == pytest.approx(0.0, abs=1e-6)
    assert soft_label_kl(z, z.clone(), temperature=3.0).item() == pytest.approx(0.0, abs=1e-6)


def test_mse_and_cosine_values(pair):
    a, b = pair
    assert feature_mse(a, b).item() == pytest.approx(((a - b) ** 2).mean().item(), rel=1e-6)
    cos = (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))
    assert feature_cosine(a, b).item() == pytest.approx((1 - cos).mean().item(), rel=1e-5)
    assert feature_cosine(a, -a).item() == pytest.approx(2.0, rel=1e-6)  # opposite directions
    assert feature_cosine(a, 3 * a).item() == pytest.approx(0.0, abs=1e-6)  # scale-free


def test_kl_matches_manual_computation():
    s = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 1.0]])
    t = torch.tensor([[2.0, 0.0, 1.0], [1.0, 1.0, -2.0]])
    tau = 2.0
    total = 0.0
    for i in range(2):
        ps = [math.exp(v / tau) for v in s[i].tolist()]
        pt = [math.exp(v / tau) for v in t[i].tolist()]
        ps = [v / sum(ps) for v in ps]
        pt = [v / sum(pt) for v in pt]
        total += sum(q * math.log(q / p) for q, p in zip(pt, ps))
    expected = tau**2 * total / 2  # batch mean, Hinton's τ² scaling
    assert soft_label_kl(s, t, temperature=tau).item() == pytest.approx(expected, rel=1e-5)


def test_alpha_zero_is_cross_entropy_and_alpha_weights(pair):
    logits, _ = pair
    labels = torch.tensor([0, 1, 2, 3, 4, 5])
    ce = F.cross_entropy(logits, labels)
    assert combined_loss(alpha=0.0, distill=torch.tensor(float("nan")), student_logits=logits,
                         labels=labels).item() == pytest.approx(ce.item())
    d = torch.tensor(2.0)
    assert combined_loss(alpha=0.25, distill=d, student_logits=logits, labels=labels).item() == \
        pytest.approx(0.25 * 2.0 + 0.75 * ce.item(), rel=1e-6)
    with pytest.raises(AssertionError):
        combined_loss(alpha=1.5, distill=d, student_logits=logits, labels=labels)


def test_teacher_gets_no_gradient_and_sums_parse(pair):
    a, b = pair
    a, b = a.requires_grad_(), b.requires_grad_()
    loss = distillation_loss("mse+cosine+kl", student_latent=a, teacher_latent=b, student_logits=a,
                             teacher_logits=b, temperature=2.0)
    loss.backward()
    assert b.grad is None and a.grad is not None
    assert parse_distill_loss("mse+kl") == ("mse", "kl")
    with pytest.raises(ValueError, match="unknown distillation loss"):
        parse_distill_loss("l1")
    with pytest.raises(ValueError, match=r"\(B, D\)"):
        feature_mse(a, b[:, :3])

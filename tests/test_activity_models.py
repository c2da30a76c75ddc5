"""Section-7 encoders and classifier: shapes, graph, configuration checks."""
import numpy as np
import pytest
import torch

from humaps.models.activity_net import (
    ActivityNet,
    ActivityNetConfig,
    InsoleEncoder,
    SharedClassifier,
    STGCNEncoder,
    Student,
    skeleton_adjacency,
)
from humaps.skeleton import BONES

CFG = ActivityNetConfig(insole_channels=(8, 4, 4), insole_kernel=3, insole_stride=2, insole_latent=12,
                        stgcn_channels=(4, 8, 8), stgcn_kernel=3, stgcn_strides=(2, 2, 1), pose_latent=10,
                        classifier_hidden=16, n_classes=30)


def test_insole_encoder_shapes_and_descriptor_sizes():
    enc = InsoleEncoder(config=CFG)
    x = torch.randn(3, 30, 38)
    d = enc.descriptors(x)
    assert d.shape == (3, 15, 38)  # p 32 + c 4 + f 2 per (strided) frame
    assert enc(x).shape == (3, 12)


def test_insole_branches_are_independent():
    """Changing only the force channels changes only the force descriptor f."""
    enc = InsoleEncoder(config=CFG).eval()
    x = torch.randn(2, 20, 38)
    y = x.clone()
    y[:, :, 36:] += 1.0
    dx, dy = enc.descriptors(x), enc.descriptors(y)
    assert torch.equal(dx[..., :36], dy[..., :36])
    assert not torch.equal(dx[..., 36:], dy[..., 36:])


def test_pose_encoder_shapes_and_uses_graph():
    enc = STGCNEncoder(config=CFG)
    assert enc(torch.randn(2, 24, 24, 3)).shape == (2, 10)
    a = skeleton_adjacency()
    assert a.shape == (24, 24) and np.allclose(a, a.T)
    ref = np.eye(24)  # D̃^-½ (A + I) D̃^-½ by hand from the bones
    for c, p in BONES:
        ref[c, p] = ref[p, c] = 1
    d = ref.sum(1) ** -0.5
    assert np.allclose(a, d[:, None] * ref * d[None, :], atol=1e-6)


def test_activity_net_modalities_and_none_inputs():
    x, j = torch.randn(2, 30, 38), torch.randn(2, 24, 24, 3)
    assert ActivityNet(config=CFG, modality="insole")(insole=x).shape == (2, 30)
    assert ActivityNet(config=CFG, modality="pose")(pose=j).shape == (2, 30)
    both = ActivityNet(config=CFG, modality="both")
    assert both.classifier.net[0].in_features == 12 + 10
    assert both(insole=x, pose=j).shape == (2, 30)
    with pytest.raises(AssertionError, match="needs the pose input"):
        both(insole=x, pose=None)
    student = Student(config=CFG)
    assert student.latent(x).shape == (2, 10)  # projected into the teacher's latent space
    assert student(x, None).shape == (2, 30)


def test_bad_configurations_are_rejected():
    with pytest.raises(AssertionError, match="insole_kernel"):
        ActivityNetConfig(insole_kernel=2)
    with pytest.raises(AssertionError, match="stgcn_channels"):
        ActivityNetConfig(stgcn_channels=(8, 8))
    with pytest.raises(AssertionError, match="modality"):
        ActivityNet(config=CFG, modality="imu")
    with pytest.raises(TypeError):
        SharedClassifier(10, 4, 3, 0.1)  # keyword-only
    with pytest.raises(AssertionError, match=r"\(B, T, 38\)"):
        InsoleEncoder(config=CFG)(torch.randn(2, 10, 37))

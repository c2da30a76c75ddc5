"""The causal PoseNet and its incremental step: causality, the banded attention, stream = batch."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fakes import make_fake_sequences

from humaps.data.stream_features import causal_relative_yaw
from humaps.models.causal_attention import causal_attention, visible
from humaps.models.pose_net import PoseNet, PoseNetConfig
from humaps.models.pose_stream import PoseStream
from humaps.training.pose import PoseTrainConfig, train_pose_model

W = 10  # attention window of the test models (frames)
T = 47  # frames of the test sequences: several windows, not a multiple of W or of the chunks


def _random_model(**overrides) -> PoseNet:
    """A tiny causal PoseNet with random weights everywhere (the decoder's last layer too: it starts at zero)."""
    torch.manual_seed(0)
    model = PoseNet(PoseNetConfig.tiny(causal=True, attention_window=W, **overrides)).eval()
    torch.nn.init.normal_(model.decoder[-1].weight, std=0.1)
    return model


def _inputs(seed: int = 1, length: int = T) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(2, length, 32, generator=g) * 10, torch.randn(2, length, 18, generator=g)


@pytest.fixture(scope="module")
def trained() -> PoseNet:
    """A tiny causal model trained for two epochs on fake windows (the causal yaw reference)."""
    data = make_fake_sequences(n=24, T=16)
    data = replace(data, A=causal_relative_yaw(data.A))
    cfg = PoseTrainConfig(epochs=2, batch_size=8, lr=3e-3, cycle_epochs=1, cycle_hidden=8, seed=3, threads=1)
    return train_pose_model(PoseNetConfig.tiny(causal=True, attention_window=16), cfg, data).model.eval()


@pytest.mark.parametrize("window", [0, 4, 10, 60])
def test_blocked_causal_attention_equals_the_masked_dense_one(window):
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, T, 8, generator=g) for _ in range(3))
    pos = torch.arange(T)
    dense = F.scaled_dot_product_attention(q, k, v, attn_mask=visible(pos, pos, window))
    assert torch.allclose(causal_attention(q, k, v, window=window), dense, atol=1e-6)


def test_causal_model_poses_do_not_depend_on_later_frames():
    model = _random_model()
    p, a = _inputs()
    p2, a2 = p.clone(), a.clone()
    p2[:, 30:], a2[:, 30:] = p2[:, 30:] * 2 + 1, -a2[:, 30:]
    with torch.no_grad():
        x, y = model(p, a)["joints"], model(p2, a2)["joints"]
    assert torch.allclose(x[:, :30], y[:, :30], atol=1e-6)
    assert not torch.allclose(x[:, 30:], y[:, 30:], atol=1e-3)


def test_the_window_limits_what_a_frame_attends_to():
    limited, unlimited = _random_model(), _random_model()
    unlimited.cfg = replace(unlimited.cfg, attention_window=0)
    for block in (*unlimited.fusion.press_blocks, *unlimited.fusion.imu_blocks):
        block.self_attn.window = block.cross_attn.window = 0
    p, a = _inputs()
    with torch.no_grad():
        x, y = limited(p, a)["joints"], unlimited(p, a)["joints"]
    assert torch.allclose(x[:, :W], y[:, :W], atol=1e-6)  # the first W frames see the same past
    assert not torch.allclose(x[:, W:], y[:, W:], atol=1e-4)


def test_a_window_needs_the_causal_variant():
    with pytest.raises(ValueError, match="attention_window"):
        PoseNetConfig.tiny(attention_window=5)
    assert PoseNetConfig().causal is False and PoseNetConfig().attention_window == 0  # the paper's model by default


def test_stream_refuses_a_bidirectional_model():
    with pytest.raises(ValueError, match="causal"):
        PoseStream(PoseNet(PoseNetConfig.tiny()))


@pytest.mark.parametrize("chunk,engine", [(1, "eager"), (1, "traced"), (4, "eager"), (4, "traced"), (T, "traced")])
def test_streamed_poses_equal_the_batch_poses_random_weights(chunk, engine):
    model = _random_model(press_node_features=2)  # a pressure width (64) ≠ d_model (32): the projection runs too
    p, a = _inputs()
    with torch.no_grad():
        batch = model(p, a)["joints"]
    stream = PoseStream(model, chunk=chunk)
    out = stream.run(p, a, core=stream.traced(batch=2) if engine == "traced" else None)
    assert out.shape == batch.shape
    assert torch.allclose(out, batch, atol=1e-4, rtol=0)


@pytest.mark.parametrize("chunk", [1, 5])
def test_streamed_poses_equal_the_batch_poses_trained_model(trained, chunk):
    p, a = _inputs(length=70)  # > 4 windows of 16 frames
    with torch.no_grad():
        batch = trained(p, a)["joints"]
    stream = PoseStream(trained, chunk=chunk)
    assert torch.allclose(stream.run(p, a, core=stream.traced(batch=2)), batch, atol=1e-4, rtol=0)


def test_a_step_advances_the_state_by_its_frames():
    stream = PoseStream(_random_model(), chunk=3)
    state = stream.initial_state(batch=2)
    p, a = _inputs()
    stream.step(p[:, :3], a[:, :3], state)
    stream.step(p[:, 3:5], a[:, 3:5], state)  # a shorter chunk, as at the end of a stream
    assert state.frames == 5
    assert sorted(state.slot_frame[state.slot_frame >= 0].tolist()) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="k <= 3"):
        stream.step(p[:, :4], a[:, :4], state)


def test_causal_relative_yaw_is_relative_to_the_mean_so_far():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 12, 18)).astype(np.float32)
    out = causal_relative_yaw(A + 5.0)  # a constant offset of the reference cancels
    expected = A[:, :, 7] - np.cumsum(A[:, :, 7], axis=1) / np.arange(1, 13)
    assert np.allclose(out[:, :, 7], expected, atol=1e-5)
    assert np.allclose(out[:, :, :7], A[:, :, :7] + 5.0)  # other channels untouched

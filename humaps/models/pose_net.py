"""The section-6 model: insole pressure + IMU/force windows → 3-D poses (Figure 6).

Data flow for one window of T frames (B windows in a batch, d = ``d_model``):

    P (B,T,32) ─ PressureEncoder: left/right 16-cell foot GCNs → concat → LSTM ─┐ pressure stream (B,T,d)
    A (B,T,18) ─ ImuEncoder: LSTM → MLP ─────────────────────────────────────────┤ IMU stream (B,T,d)
                 TwoStreamTransformer (self- + cross-attention per layer) → F (B,T,d)
                 latent MLP → z (B,T,d) → decoder MLP → Ĵ (B,T,72) → joints (B,T,24,3) m
    J (B,T,24,3) ─ PoseEncoder (training only): 16-joint kinematic GCN → LSTM → z_pose (B,T,d)

The model takes physical units (P in N/cm², A as listed in
:mod:`humaps.data.features`, J in metres pelvis-centred) and normalises them with
buffers set from the training folds (:meth:`PoseNet.set_normalisation`), so a
trained model is self-contained at inference.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from humaps import skeleton
from humaps.data.channels import CELLS_PER_FOOT, N_AUX, N_PRESSURE
from humaps.data.normalise import Normaliser
from humaps.models.causal_attention import causal_attention
from humaps.models.graph_conv import GCNStack
from humaps.models.graphs import FootGraph, SkeletonGraph

#: the dimensions of a few-thousand-parameter PoseNet: the unit tests' model and the smoke profile's
TINY: dict = dict(d_model=32, n_layers=1, n_heads=2, gcn_hidden=8, gcn_layers=1, press_node_features=1,
                  pose_node_features=2, imu_hidden=16, mlp_ratio=2)


@dataclass(frozen=True)
class PoseNetConfig:
    """Architecture of :class:`PoseNet`. Defaults are the ``paper`` profile (width 576).

    Choices the paper leaves open, made here:

    - streams of the two-stream transformer = the **pressure stream** (PressureEncoder
      output) and the **IMU stream** (ImuEncoder output); each layer runs self-attention
      within each stream, then cross-attention from each stream to the other stream's
      layer input, then an MLP (pre-LayerNorm residual blocks, as in nanoGPT). After the
      last layer the two streams are concatenated and linearly fused to F (B,T,d);
    - attention is bidirectional over the whole window (``causal=False``, the paper's model);
      there is no positional embedding: the encoders' LSTMs already make every frame's
      features order-aware;
    - ``causal=True`` (ours, for streaming): self- and cross-attention see only the current
      and earlier frames, at most ``attention_window`` of them (0 = all); the LSTMs are
      uni-directional and the GCNs per frame in both variants, so the whole model is then
      causal and :mod:`humaps.models.pose_stream` can run it frame by frame;
    - pressure GCN: ``gcn_layers`` layers per foot (separate weights for each foot, as
      "independent graphs"), each cell ending with ``press_node_features`` channels, so
      the concatenation is 32 × ``press_node_features`` wide (576 at the paper profile)
      and the LSTM keeps that width; a linear map to ``d_model`` follows only when the
      two differ (tiny presets). Same for the pose encoder: 16 joints × ``pose_node_features``;
    - foot graph edges: Delaunay triangulation of the cell centroids (:class:`FootGraph`);
    - the decoder predicts the offset from the training folds' mean pose (last layer
      zero-initialised, so an untrained model outputs the mean pose).
    """

    d_model: int = 576
    n_layers: int = 4
    n_heads: int = 8
    gcn_hidden: int = 64
    gcn_layers: int = 2
    press_node_features: int = 18  # 32 cells × 18 = 576
    pose_node_features: int = 36  # 16 joints × 36 = 576
    lstm_layers: int = 1
    imu_hidden: int = 128
    mlp_ratio: int = 4
    dropout: float = 0.1
    use_pose_encoder: bool = True
    foot_graph_rule: str = "delaunay"
    causal: bool = False  # ours: attention to the past only (streaming); False = the paper's model
    attention_window: int = 0  # causal only: frames a frame attends to, itself included (0 = all)

    def __post_init__(self):
        if self.d_model % self.n_heads:
            raise ValueError(f"PoseNetConfig: d_model={self.d_model} is not divisible by n_heads={self.n_heads}")
        for name in ("d_model", "n_layers", "n_heads", "gcn_hidden", "gcn_layers", "press_node_features",
                     "pose_node_features", "lstm_layers", "imu_hidden", "mlp_ratio"):
            if getattr(self, name) < 1:
                raise ValueError(f"PoseNetConfig.{name} must be >= 1, got {getattr(self, name)!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"PoseNetConfig.dropout must be in [0, 1), got {self.dropout!r}")
        if self.attention_window < 0 or (self.attention_window and not self.causal):
            raise ValueError(f"PoseNetConfig.attention_window must be >= 0 and needs causal=True, got "
                             f"attention_window={self.attention_window!r}, causal={self.causal!r}")

    @classmethod
    def tiny(cls, **overrides) -> "PoseNetConfig":
        """A few-thousand-parameter model (:data:`TINY`, no dropout) for CPU tests."""
        return cls(**(TINY | dict(dropout=0.0) | overrides))


def mlp(d_in: int, d_hidden: int, d_out: int, dropout: float = 0.0) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, d_hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(d_hidden, d_out))


class GraphLSTMEncoder(nn.Module):
    """Per-frame GCN over a graph, nodes flattened, an LSTM of the same width, then a map to d_model.

    (B, T, N, C_in) → (B, T, d_model). Shared by the pressure (per foot) and pose encoders.
    """

    def __init__(self, *, adjacency: torch.Tensor, in_features: int, hidden: int, node_features: int,
                 gcn_layers: int, lstm_layers: int, d_model: int):
        super().__init__()
        self.gcn = GCNStack(in_features=in_features, hidden=hidden, out_features=node_features,
                            n_layers=gcn_layers, adjacency=adjacency)
        self.width = adjacency.shape[0] * node_features
        self.lstm = nn.LSTM(self.width, self.width, num_layers=lstm_layers, batch_first=True)
        self.proj = nn.Identity() if self.width == d_model else nn.Linear(self.width, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, N, _ = x.shape
        h = self.gcn(x).reshape(B, T, self.width)  # (B,T,N,C) → (B,T,N·C)
        h, _ = self.lstm(h)  # (B,T,N·C): the LSTM keeps the width
        return self.proj(h)  # (B,T,d)


class PressureEncoder(nn.Module):
    """P (B,T,32) N/cm² (normalised) → pressure stream (B,T,d).

    Left cells 1–16 and right cells 1–16 are two independent 16-node foot graphs; a GCN
    per foot (own weights) gives per-cell features, concatenated over both feet, then an LSTM.
    """

    def __init__(self, cfg: PoseNetConfig):
        super().__init__()
        self.gcn_left = GCNStack(in_features=1, hidden=cfg.gcn_hidden, out_features=cfg.press_node_features,
                                 n_layers=cfg.gcn_layers,
                                 adjacency=FootGraph(side="left", rule=cfg.foot_graph_rule).normalized_adjacency())
        self.gcn_right = GCNStack(in_features=1, hidden=cfg.gcn_hidden, out_features=cfg.press_node_features,
                                  n_layers=cfg.gcn_layers,
                                  adjacency=FootGraph(side="right", rule=cfg.foot_graph_rule).normalized_adjacency())
        self.width = N_PRESSURE * cfg.press_node_features
        self.lstm = nn.LSTM(self.width, self.width, num_layers=cfg.lstm_layers, batch_first=True)
        self.proj = nn.Identity() if self.width == cfg.d_model else nn.Linear(self.width, cfg.d_model)

    def forward(self, p: torch.Tensor) -> torch.Tensor:
        B, T, _ = p.shape
        cells = p.reshape(B, T, 2, CELLS_PER_FOOT, 1)  # (B,T,32) → (B,T,foot,cell,1 channel)
        h = torch.cat([self.gcn_left(cells[:, :, 0]), self.gcn_right(cells[:, :, 1])], dim=2)  # (B,T,32,C)
        h = h.reshape(B, T, self.width)  # (B,T,32·C): features of both feet concatenated
        h, _ = self.lstm(h)  # (B,T,32·C)
        return self.proj(h)  # (B,T,d)


class ImuEncoder(nn.Module):
    """A (B,T,18) (normalised) → IMU stream (B,T,d): an LSTM for foot dynamics, then a small MLP."""

    def __init__(self, cfg: PoseNetConfig):
        super().__init__()
        self.lstm = nn.LSTM(N_AUX, cfg.imu_hidden, num_layers=cfg.lstm_layers, batch_first=True)
        self.mlp = mlp(cfg.imu_hidden, cfg.d_model, cfg.d_model, cfg.dropout)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(a)  # (B,T,imu_hidden)
        return self.mlp(h)  # (B,T,d)


class PoseEncoder(nn.Module):
    """J (B,T,24,3) m (centred on the mean pose) → z_pose (B,T,d); training only.

    GCN over the kinematic graph of the 16 non-arm joints (:class:`SkeletonGraph`
    ``without_arms=True``), joints flattened, an LSTM of the same width.
    """

    def __init__(self, cfg: PoseNetConfig):
        super().__init__()
        graph = SkeletonGraph(without_arms=True)
        self.register_buffer("joint_index", torch.as_tensor(graph.index), persistent=False)
        self.encoder = GraphLSTMEncoder(adjacency=graph.normalized_adjacency(), in_features=3,
                                        hidden=cfg.gcn_hidden, node_features=cfg.pose_node_features,
                                        gcn_layers=cfg.gcn_layers, lstm_layers=cfg.lstm_layers, d_model=cfg.d_model)

    def forward(self, j: torch.Tensor) -> torch.Tensor:
        return self.encoder(j[:, :, self.joint_index])  # (B,T,24,3) → (B,T,16,3) → (B,T,d)


class Attention(nn.Module):
    """Multi-head attention of queries from x (B,T,d) over keys/values from ctx (B,S,d).

    ``causal``: x and ctx are the same T frames and frame t attends to frames
    (t - ``window``, t] of ctx (:func:`~humaps.models.causal_attention.causal_attention`).
    """

    def __init__(self, d: int, n_heads: int, dropout: float, *, causal: bool = False, window: int = 0):
        super().__init__()
        self.n_heads, self.dropout = n_heads, dropout
        self.causal, self.window = causal, window
        self.q = nn.Linear(d, d)
        self.kv = nn.Linear(d, 2 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x: torch.Tensor, ctx: torch.Tensor) -> torch.Tensor:
        B, T, d = x.shape
        S, H = ctx.shape[1], self.n_heads
        q = self.q(x).view(B, T, H, d // H).transpose(1, 2)  # (B,T,d) → (B,H,T,d/H)
        k, v = self.kv(ctx).split(d, dim=2)  # 2 × (B,S,d)
        k = k.view(B, S, H, d // H).transpose(1, 2)  # (B,H,S,d/H)
        v = v.view(B, S, H, d // H).transpose(1, 2)  # (B,H,S,d/H)
        p = self.dropout if self.training else 0.0
        if self.causal:
            y = causal_attention(q, k, v, window=self.window, dropout_p=p)
        else:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p)
        y = y.transpose(1, 2).reshape(B, T, d)  # (B,H,T,d/H) → (B,T,d)
        return self.out(y)


class StreamBlock(nn.Module):
    """One stream's half of a layer: self-attention, cross-attention to the other stream, MLP."""

    def __init__(self, cfg: PoseNetConfig):
        super().__init__()
        d = cfg.d_model
        self.ln_self, self.ln_cross, self.ln_ctx, self.ln_mlp = (nn.LayerNorm(d) for _ in range(4))
        self.self_attn = Attention(d, cfg.n_heads, cfg.dropout, causal=cfg.causal, window=cfg.attention_window)
        self.cross_attn = Attention(d, cfg.n_heads, cfg.dropout, causal=cfg.causal, window=cfg.attention_window)
        self.mlp = mlp(d, cfg.mlp_ratio * d, d, cfg.dropout)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
        h = self.ln_self(x)
        x = x + self.drop(self.self_attn(h, h))
        x = x + self.drop(self.cross_attn(self.ln_cross(x), self.ln_ctx(other)))
        return x + self.drop(self.mlp(self.ln_mlp(x)))  # (B,T,d)


class TwoStreamTransformer(nn.Module):
    """(pressure stream, IMU stream), each (B,T,d) → fused F (B,T,d); width d throughout."""

    def __init__(self, cfg: PoseNetConfig):
        super().__init__()
        self.press_blocks = nn.ModuleList(StreamBlock(cfg) for _ in range(cfg.n_layers))
        self.imu_blocks = nn.ModuleList(StreamBlock(cfg) for _ in range(cfg.n_layers))
        self.ln_press, self.ln_imu = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.fuse = nn.Linear(2 * cfg.d_model, cfg.d_model)

    def forward(self, press: torch.Tensor, imu: torch.Tensor) -> torch.Tensor:
        for pb, ib in zip(self.press_blocks, self.imu_blocks):
            press, imu = pb(press, imu), ib(imu, press)  # both cross-attend to the other's layer input
        both = torch.cat([self.ln_press(press), self.ln_imu(imu)], dim=-1)  # (B,T,2d)
        return self.fuse(both)  # (B,T,d)


class PoseNet(nn.Module):
    """The full model of Figure 6. ``forward(P, A, J=None)`` → dict.

    Inputs in physical units: P (B,T,32) N/cm², A (B,T,18), J (B,T,24,3) m pelvis-centred.
    Returns ``joints`` (B,T,24,3) m and ``z`` (B,T,d); with J given (training) and a pose
    encoder, also ``z_pose`` (B,T,d) and ``joints_from_pose`` (B,T,24,3), z_pose decoded by
    the same decoder (how the pose encoder itself is supervised — our choice, the paper is
    silent on it: without a target of its own, z and z_pose could both collapse).
    """

    def __init__(self, cfg: PoseNetConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.pressure_encoder = PressureEncoder(cfg)
        self.imu_encoder = ImuEncoder(cfg)
        self.pose_encoder = PoseEncoder(cfg) if cfg.use_pose_encoder else None
        self.fusion = TwoStreamTransformer(cfg)
        self.latent = mlp(d, d, d, cfg.dropout)
        self.decoder = mlp(d, d, 3 * skeleton.N_JOINTS)
        nn.init.zeros_(self.decoder[-1].weight)  # untrained model outputs the mean pose
        nn.init.zeros_(self.decoder[-1].bias)
        # normalisation statistics, set from the training folds (identity until then)
        self.register_buffer("p_mean", torch.zeros(N_PRESSURE))
        self.register_buffer("p_std", torch.ones(N_PRESSURE))
        self.register_buffer("a_mean", torch.zeros(N_AUX))
        self.register_buffer("a_std", torch.ones(N_AUX))
        self.register_buffer("joint_mean", torch.zeros(skeleton.N_JOINTS, 3))

    def set_normalisation(self, *, pressure: Normaliser, aux: Normaliser, joint_mean: np.ndarray) -> None:
        """Copy the training folds' input statistics and mean pose (24, 3) m into the buffers."""
        for name, value in (("p_mean", pressure.mean), ("p_std", pressure.std), ("a_mean", aux.mean),
                            ("a_std", aux.std), ("joint_mean", joint_mean)):
            buf = getattr(self, name)
            value = torch.as_tensor(np.asarray(value), dtype=buf.dtype)
            if value.shape != buf.shape:
                raise ValueError(f"normalisation {name!r}: expected shape {tuple(buf.shape)}, got {tuple(value.shape)}")
            buf.copy_(value)

    def normalise_p(self, p: torch.Tensor) -> torch.Tensor:
        return (p - self.p_mean) / self.p_std

    def normalise_a(self, a: torch.Tensor) -> torch.Tensor:
        return (a - self.a_mean) / self.a_std

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        B, T, _ = z.shape
        return self.decoder(z).view(B, T, skeleton.N_JOINTS, 3) + self.joint_mean  # (B,T,72) → (B,T,24,3)

    def forward(self, p: torch.Tensor, a: torch.Tensor, j: torch.Tensor | None = None) -> dict:
        if p.ndim != 3 or p.shape[-1] != N_PRESSURE or a.shape != (*p.shape[:2], N_AUX):
            raise ValueError(f"PoseNet expects P (B,T,{N_PRESSURE}) and A (B,T,{N_AUX}); "
                             f"got {tuple(p.shape)} and {tuple(a.shape)}")
        press = self.pressure_encoder(self.normalise_p(p))  # (B,T,d)
        imu = self.imu_encoder(self.normalise_a(a))  # (B,T,d)
        z = self.latent(self.fusion(press, imu))  # (B,T,d)
        out = {"joints": self.decode(z), "z": z}
        if j is not None and self.pose_encoder is not None:
            if j.shape != (*p.shape[:2], skeleton.N_JOINTS, 3):
                raise ValueError(f"PoseNet expects J {(*p.shape[:2], skeleton.N_JOINTS, 3)}, got {tuple(j.shape)}")
            z_pose = self.pose_encoder(j - self.joint_mean)  # (B,T,d)
            out["z_pose"] = z_pose
            out["joints_from_pose"] = self.decode(z_pose)
        return out

    def n_parameters(self, *, inference_only: bool = False) -> int:
        params = sum(p.numel() for p in self.parameters())
        if inference_only and self.pose_encoder is not None:
            params -= sum(p.numel() for p in self.pose_encoder.parameters())
        return params

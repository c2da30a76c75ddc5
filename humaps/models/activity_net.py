"""Section 7's activity-recognition networks (Figure 10): two encoders and one shared classifier.

- :class:`InsoleEncoder` — three independent CNN branches turn every insole frame
  into a pressure descriptor p ∈ R^32, a centre-of-pressure descriptor c ∈ R^4
  and a total-force descriptor f ∈ R^2; the 38 concatenated values per frame go
  through a uni-directional LSTM over the window (T = 300 at 100 Hz) whose last
  hidden state is the insole latent.
- :class:`STGCNEncoder` — three spatial-temporal graph-convolution layers
  (ST-GCN, Yan et al. 2018) on the 24-joint skeleton graph, then an LSTM over
  the window (T = 360 at 120 Hz) that sees every joint's features side by side
  at each step; its last hidden state is the pose latent.
- :class:`SharedClassifier` — one MLP over one latent or both concatenated.
- :class:`ActivityNet` — the three assembled for one modality ("insole", "pose")
  or both ("both", the concatenated multimodal strategy).

The paper leaves the widths, kernel sizes and strides open; they are fields of
:class:`ActivityNetConfig`:

- each insole branch is a stack of two 1-D convolutions *over time* whose
  output has one descriptor per frame (``insole_kernel`` = 1 makes it strictly
  per-frame; 3 lets each descriptor see its neighbours); ``insole_stride`` > 1
  subsamples the descriptor sequence before the LSTM (cheaper on a CPU);
- ST-GCN layers use the symmetric-normalised adjacency D̃^-½ (A + I) D̃^-½ of
  the kinematic tree (one partition, the "uni-labelling" of ST-GCN), a
  ``stgcn_kernel`` × 1 temporal convolution with per-layer ``stgcn_strides``,
  batch norm, ReLU and a residual connection.

Tensor layouts: insole (B, T, 38) = [pressure 32 | COP 4 | force 2] per frame;
pose (B, T, 24, 3) metres, pelvis-centred. Inputs are expected normalised
(zero mean, unit variance per channel; see ``humaps.training.activity``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from humaps.data.channels import CLASSIFIER, N_CLASSIFIER
from humaps.models.graphs import SkeletonGraph
from humaps.skeleton import N_JOINTS

PRESSURE, COP, FORCE = CLASSIFIER["pressure"], CLASSIFIER["cop"], CLASSIFIER["force"]


@dataclass(frozen=True)
class ActivityNetConfig:
    """Architecture of the section-7 networks (the paper fixes only the descriptor sizes 32/4/2).

    insole_channels: hidden channels of the (pressure, COP, force) CNN branches.
    insole_kernel: temporal kernel of the branch convolutions (odd; 1 = per frame).
    insole_stride: temporal subsampling of the descriptor sequence before the LSTM.
    insole_latent: hidden size of the insole LSTM = size of the insole latent.
    stgcn_channels: output channels of the three ST-GCN layers.
    stgcn_kernel: temporal kernel of each ST-GCN layer (odd).
    stgcn_strides: temporal stride of each ST-GCN layer.
    pose_pool: how the joints reach the LSTM: "flatten" feeds the C × 24 features of every joint per
        step, so the LSTM knows which joint (left or right leg, hand, head) moves; "mean" averages the
        joints first, and left/right and limb identity are lost (book profile: 15 points of mean
        class accuracy; mirror pairs such as jumping on the left / right leg are confused).
    pose_latent: hidden size of the pose LSTM = size of the pose latent.
    insole_readout, pose_readout: what of the encoder's LSTM is the latent: "last", its last hidden
        state (the paper), or "mean", its hidden states averaged over the window's steps (every step
        gets a direct gradient, so a short training converges further).
    classifier_hidden: hidden width of the shared MLP classifier.
    dropout: dropout before the classifier's output layer.
    n_classes: number of activity classes (30 in HUMAPS-4D).
    """

    insole_channels: tuple[int, int, int] = (64, 16, 8)
    insole_kernel: int = 3
    insole_stride: int = 1
    insole_latent: int = 128
    stgcn_channels: tuple[int, int, int] = (64, 64, 128)
    stgcn_kernel: int = 9
    stgcn_strides: tuple[int, int, int] = (1, 2, 2)
    pose_pool: str = "flatten"
    pose_latent: int = 128
    insole_readout: str = "last"
    pose_readout: str = "last"
    classifier_hidden: int = 128
    dropout: float = 0.2
    n_classes: int = 30

    def __post_init__(self):
        assert len(self.insole_channels) == 3 and min(self.insole_channels) >= 1, \
            f"insole_channels must be 3 positive ints (pressure, COP, force), got {self.insole_channels}"
        assert self.insole_kernel >= 1 and self.insole_kernel % 2 == 1, \
            f"insole_kernel must be odd and >= 1, got {self.insole_kernel}"
        assert self.stgcn_kernel >= 1 and self.stgcn_kernel % 2 == 1, \
            f"stgcn_kernel must be odd and >= 1, got {self.stgcn_kernel}"
        assert self.insole_stride >= 1, f"insole_stride must be >= 1, got {self.insole_stride}"
        assert len(self.stgcn_channels) == 3 and min(self.stgcn_channels) >= 1, \
            f"stgcn_channels must be 3 positive ints (three ST-GCN layers), got {self.stgcn_channels}"
        assert len(self.stgcn_strides) == 3 and min(self.stgcn_strides) >= 1, \
            f"stgcn_strides must be 3 ints >= 1, got {self.stgcn_strides}"
        assert min(self.insole_latent, self.pose_latent, self.classifier_hidden) >= 1, \
            "insole_latent, pose_latent and classifier_hidden must be >= 1"
        assert 0.0 <= self.dropout < 1.0, f"dropout must be in [0, 1), got {self.dropout}"
        assert self.n_classes >= 2, f"n_classes must be >= 2, got {self.n_classes}"
        assert self.pose_pool in ("flatten", "mean"), f"pose_pool must be 'flatten' or 'mean', got {self.pose_pool!r}"
        assert {self.insole_readout, self.pose_readout} <= set(READOUTS), \
            f"insole_readout and pose_readout must be in {READOUTS}, got {self.insole_readout!r}, {self.pose_readout!r}"


READOUTS = ("last", "mean")


def lstm_readout(lstm: nn.LSTM, x: torch.Tensor, readout: str) -> torch.Tensor:
    """Run ``lstm`` over (B, T, C) and return the (B, hidden) latent: the last hidden state ("last")
    or the hidden states averaged over the T steps ("mean")."""
    out, (h, _) = lstm(x)  # out: (B, T, hidden); h: (1, B, hidden), the last step
    return h[0] if readout == "last" else out.mean(dim=1)


def skeleton_adjacency() -> np.ndarray:
    """D̃^-½ (A + I) D̃^-½ of the 24-joint kinematic tree, (24, 24) float32 (``humaps.models.graphs.SkeletonGraph``)."""
    return SkeletonGraph().normalized_adjacency().numpy().astype(np.float32)


# --------------------------------------------------------------------------- insole encoder

class _Branch(nn.Module):
    """Two temporal convolutions: (B, C_in, T) -> (B, C_out, T/stride), one descriptor per frame."""

    def __init__(self, *, c_in: int, hidden: int, c_out: int, kernel: int, stride: int):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(c_in, hidden, kernel, padding=kernel // 2),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Conv1d(hidden, c_out, kernel, stride=stride, padding=kernel // 2),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class InsoleEncoder(nn.Module):
    """(B, T, 38) normalised insole frames -> (B, insole_latent)."""

    def __init__(self, *, config: ActivityNetConfig):
        super().__init__()
        cp, cc, cf = config.insole_channels
        k, s = config.insole_kernel, config.insole_stride
        self.pressure = _Branch(c_in=32, hidden=cp, c_out=32, kernel=k, stride=s)  # -> p ∈ R^32
        self.cop = _Branch(c_in=4, hidden=cc, c_out=4, kernel=k, stride=s)  # -> c ∈ R^4
        self.force = _Branch(c_in=2, hidden=cf, c_out=2, kernel=k, stride=s)  # -> f ∈ R^2
        self.lstm = nn.LSTM(N_CLASSIFIER, config.insole_latent, batch_first=True)
        self.readout = config.insole_readout
        self.latent_size = config.insole_latent

    def descriptors(self, insole: torch.Tensor) -> torch.Tensor:
        """(B, T, 38) -> (B, T/stride, 38): [p | c | f] per (subsampled) frame."""
        assert insole.ndim == 3 and insole.shape[-1] == N_CLASSIFIER, \
            f"insole must be (B, T, {N_CLASSIFIER}), got {tuple(insole.shape)}"
        x = insole.transpose(1, 2)  # (B, 38, T): channels first for Conv1d
        p = self.pressure(x[:, PRESSURE])  # (B, 32, T')
        c = self.cop(x[:, COP])  # (B, 4, T')
        f = self.force(x[:, FORCE])  # (B, 2, T')
        return torch.cat([p, c, f], dim=1).transpose(1, 2)  # (B, T', 38)

    def forward(self, insole: torch.Tensor) -> torch.Tensor:
        return lstm_readout(self.lstm, self.descriptors(insole), self.readout)  # (B, latent)


# --------------------------------------------------------------------------- pose encoder

class STGCNLayer(nn.Module):
    """One ST-GCN block: graph conv over joints, temporal conv over frames, residual.

    (B, C_in, T, V) -> (B, C_out, T/stride, V):
    y = ReLU( BN(TCN( ReLU(BN(Â x W)) )) + residual(x) ).
    """

    def __init__(self, *, c_in: int, c_out: int, kernel: int, stride: int, adjacency: torch.Tensor):
        super().__init__()
        self.register_buffer("adjacency", adjacency)  # (V, V), fixed (no learnable edge weights)
        self.spatial = nn.Conv2d(c_in, c_out, kernel_size=1)  # W: per-joint channel mixing
        self.bn_s = nn.BatchNorm2d(c_out)
        self.temporal = nn.Conv2d(c_out, c_out, kernel_size=(kernel, 1), stride=(stride, 1),
                                  padding=(kernel // 2, 0))
        self.bn_t = nn.BatchNorm2d(c_out)
        if c_in == c_out and stride == 1:
            self.residual = nn.Identity()
        else:  # 1x1 conv matches channels and the temporal stride
            self.residual = nn.Sequential(nn.Conv2d(c_in, c_out, kernel_size=1, stride=(stride, 1)),
                                          nn.BatchNorm2d(c_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.spatial(x)  # (B, C_out, T, V)
        h = torch.einsum("bctv,vw->bctw", h, self.adjacency)  # Â is symmetric: aggregate neighbours
        h = torch.relu(self.bn_s(h))
        h = self.bn_t(self.temporal(h))  # (B, C_out, T/stride, V)
        return torch.relu(h + self.residual(x))


class STGCNEncoder(nn.Module):
    """(B, T, 24, 3) normalised pelvis-centred poses -> (B, pose_latent)."""

    def __init__(self, *, config: ActivityNetConfig):
        super().__init__()
        adjacency = torch.from_numpy(skeleton_adjacency())
        channels = (3,) + tuple(config.stgcn_channels)
        self.layers = nn.Sequential(*[
            STGCNLayer(c_in=channels[i], c_out=channels[i + 1], kernel=config.stgcn_kernel,
                       stride=config.stgcn_strides[i], adjacency=adjacency)
            for i in range(3)
        ])
        self.pool = config.pose_pool
        self.lstm = nn.LSTM(channels[-1] * (N_JOINTS if self.pool == "flatten" else 1), config.pose_latent,
                            batch_first=True)
        self.readout = config.pose_readout
        self.latent_size = config.pose_latent

    def forward(self, pose: torch.Tensor) -> torch.Tensor:
        assert pose.ndim == 4 and pose.shape[2:] == (N_JOINTS, 3), \
            f"pose must be (B, T, {N_JOINTS}, 3), got {tuple(pose.shape)}"
        # (B, 3, T, V): coordinates are the input channels. contiguous() matters: torch 2.13's CPU
        # backward of a strided 1x1 Conv2d on this permuted view corrupts the heap (glibc abort).
        x = pose.permute(0, 3, 1, 2).contiguous()
        x = self.layers(x)  # (B, C, T', V)
        if self.pool == "flatten":  # (B, T', C·V): every joint's features, time first for the LSTM
            B, C, T, V = x.shape
            x = x.permute(0, 2, 1, 3).reshape(B, T, C * V)
        else:  # (B, T', C): the mean over the joints
            x = x.mean(dim=3).transpose(1, 2)
        return lstm_readout(self.lstm, x, self.readout)  # (B, latent)


# --------------------------------------------------------------------------- classifier and assembly

class SharedClassifier(nn.Module):
    """MLP (B, in_features) -> (B, n_classes) logits, over one latent or both concatenated."""

    def __init__(self, *, in_features: int, hidden: int, n_classes: int, dropout: float):
        super().__init__()
        assert in_features >= 1 and hidden >= 1 and n_classes >= 2, \
            f"bad classifier sizes in={in_features} hidden={hidden} classes={n_classes}"
        self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(hidden, n_classes))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


MODALITIES = ("insole", "pose", "both")


class ActivityNet(nn.Module):
    """Encoder(s) + shared classifier for one modality or both.

    ``forward(insole=None, pose=None)`` returns logits (B, n_classes); the
    modality that is not used may be passed as ``None`` (so an insole-only model
    runs without MoCap data). ``latent(...)`` returns the classifier's input.
    """

    def __init__(self, *, config: ActivityNetConfig, modality: str):
        super().__init__()
        assert modality in MODALITIES, f"modality must be one of {MODALITIES}, got {modality!r}"
        self.config, self.modality = config, modality
        self.insole_encoder = InsoleEncoder(config=config) if modality in ("insole", "both") else None
        self.pose_encoder = STGCNEncoder(config=config) if modality in ("pose", "both") else None
        in_features = ((config.insole_latent if self.insole_encoder is not None else 0)
                       + (config.pose_latent if self.pose_encoder is not None else 0))
        self.classifier = SharedClassifier(in_features=in_features, hidden=config.classifier_hidden,
                                           n_classes=config.n_classes, dropout=config.dropout)

    def latent(self, insole: torch.Tensor | None = None, pose: torch.Tensor | None = None) -> torch.Tensor:
        parts = []
        if self.insole_encoder is not None:
            assert insole is not None, f"a {self.modality!r} ActivityNet needs the insole input"
            parts.append(self.insole_encoder(insole))  # (B, insole_latent)
        if self.pose_encoder is not None:
            assert pose is not None, f"a {self.modality!r} ActivityNet needs the pose input"
            parts.append(self.pose_encoder(pose))  # (B, pose_latent)
        return torch.cat(parts, dim=1)  # (B, in_features)

    def forward(self, insole: torch.Tensor | None = None, pose: torch.Tensor | None = None) -> torch.Tensor:
        return self.classifier(self.latent(insole, pose))


class Student(nn.Module):
    """The student-teacher strategy's insole model: encoder -> projection -> classifier.

    The projection maps the insole latent into the teacher's (pose) latent space
    so feature-alignment losses compare like with like; it is a Linear layer when
    the sizes differ and the identity otherwise. The classifier has the
    teacher's input size and may be initialised from the teacher's.
    """

    def __init__(self, *, config: ActivityNetConfig):
        super().__init__()
        self.config, self.modality = config, "insole"
        self.insole_encoder = InsoleEncoder(config=config)
        self.projection = (nn.Identity() if config.insole_latent == config.pose_latent
                           else nn.Linear(config.insole_latent, config.pose_latent))
        self.classifier = SharedClassifier(in_features=config.pose_latent, hidden=config.classifier_hidden,
                                           n_classes=config.n_classes, dropout=config.dropout)

    def latent(self, insole: torch.Tensor, pose: torch.Tensor | None = None) -> torch.Tensor:
        """(B, T, 38) -> (B, pose_latent); ``pose`` is ignored (insoles only at inference)."""
        return self.projection(self.insole_encoder(insole))

    def forward(self, insole: torch.Tensor, pose: torch.Tensor | None = None) -> torch.Tensor:
        return self.classifier(self.latent(insole))


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)

"""Every hyperparameter of the section-6 pose experiment, and its profiles.

Defaults are the ``paper`` profile. The paper fixes the width (576, transformer
and latents), the 4-fold subject-wise protocol and the loss terms; everything
else is our choice and is marked "ours" below (the book lists them).
Field names are unique across the sections a notebook may combine (the
cohort section uses ``n_subjects``, ``repetitions``, ``cohort_seed``...), hence
the ``pose_`` prefix on generic names.
"""
from __future__ import annotations

from dataclasses import dataclass

from humaps.models.pose_net import PoseNetConfig
from humaps.training.pose import TrainConfig

VARIANTS = ("full", "no_mpjae", "no_cycle")


@dataclass(frozen=True)
class PoseConfig:
    # --- model (section 6.1–6.3) ---
    d_model: int = 576  # paper: width of the transformer, z and z_pose
    tf_layers: int = 4  # ours
    tf_heads: int = 8  # ours (576 / 8 = 72 per head)
    gcn_hidden: int = 64  # ours
    gcn_layers: int = 2  # ours
    press_node_features: int = 18  # ours: 32 cells × 18 = 576, so the pressure LSTM is 576 wide
    pose_node_features: int = 36  # ours: 16 joints × 36 = 576
    lstm_layers: int = 1  # ours
    imu_hidden: int = 128  # ours
    mlp_ratio: int = 4  # ours
    pose_dropout: float = 0.1  # ours
    foot_graph_rule: str = "delaunay"  # ours: see humaps.graphs.FootGraph
    use_pose_encoder: bool = True  # paper: pose encoder during training
    # --- windows (passed to humaps.data.features.pose_sequences) ---
    window_s: float = 3.0  # ours (section 7 uses 3-s windows)
    fs_hz: float = 100.0  # ours: windows at the insole rate; poses resampled from 120 Hz to it
    stride_s: float = 0.5  # ours: hop between training windows
    max_train_windows: int = 0  # 0 = all; smaller profiles subsample (seeded) to fit a CPU
    max_test_windows: int = 0
    # --- optimisation (ours: the paper gives none) ---
    pose_epochs: int = 100
    pose_batch_size: int = 32
    pose_lr: float = 1e-4
    pose_weight_decay: float = 0.01
    grad_clip: float = 1.0
    # --- loss weights (section 6.4–6.6; a weight of 0 switches the term off) ---
    w_mpjpe: float = 1.0  # m
    w_mpjae: float = 1.0  # rad
    w_feat: float = 0.1  # ‖z − z_pose‖² / d
    w_recon: float = 1.0  # ours: MPJPE of the decoded z_pose, trains the pose encoder
    w_press: float = 0.1  # L1 in z-scored N/cm²
    w_acc: float = 0.1  # L1 in z-scored g
    use_cycle: bool = True  # paper: PressNet/AccelNet cycle losses
    # --- cycle networks (SolePoser-style) ---
    cycle_hidden: int = 128
    cycle_epochs: int = 30
    cycle_lr: float = 1e-3
    # --- baselines ---
    ridge_alpha: float = 10.0
    ridge_lags_s: tuple = (-0.5, -0.25, 0.0, 0.25, 0.5)  # context frames of the ridge features
    # --- protocol ---
    n_folds: int = 4  # paper: ± across folds
    pose_seed: int = 0
    pose_threads: int = 0  # 0 = torch's default; regression runs fix it (bitwise reproducibility)
    plot_windows: int = 16  # test windows per fold kept with their predictions for figures

    def __post_init__(self):
        if self.n_folds < 2:
            raise ValueError(f"PoseConfig.n_folds must be >= 2, got {self.n_folds}")
        if self.window_s <= 0 or self.fs_hz <= 0 or self.stride_s <= 0:
            raise ValueError(f"PoseConfig window_s, fs_hz, stride_s must be > 0, got "
                             f"{self.window_s}, {self.fs_hz}, {self.stride_s}")
        for name in ("w_mpjpe", "w_mpjae", "w_feat", "w_recon", "w_press", "w_acc"):
            if getattr(self, name) < 0:
                raise ValueError(f"PoseConfig.{name} must be >= 0, got {getattr(self, name)}")
        self.model_config()  # validates the architecture fields with PoseNetConfig's messages

    @property
    def window_frames(self) -> int:
        return int(round(self.window_s * self.fs_hz))

    def variant(self, name: str) -> "PoseConfig":
        """The config of an ablation: "full", "no_mpjae" (w_mpjae = 0) or "no_cycle" (no PressNet/AccelNet)."""
        from dataclasses import replace

        if name == "full":
            return self
        if name == "no_mpjae":
            return replace(self, w_mpjae=0.0)
        if name == "no_cycle":
            return replace(self, use_cycle=False)
        raise ValueError(f"unknown pose variant {name!r}; expected one of {VARIANTS}")

    def model_config(self) -> PoseNetConfig:
        return PoseNetConfig(d_model=self.d_model, n_layers=self.tf_layers, n_heads=self.tf_heads,
                             gcn_hidden=self.gcn_hidden, gcn_layers=self.gcn_layers,
                             press_node_features=self.press_node_features,
                             pose_node_features=self.pose_node_features, lstm_layers=self.lstm_layers,
                             imu_hidden=self.imu_hidden, mlp_ratio=self.mlp_ratio, dropout=self.pose_dropout,
                             T=self.window_frames, use_pose_encoder=self.use_pose_encoder,
                             foot_graph_rule=self.foot_graph_rule)

    def train_config(self) -> TrainConfig:
        cycle = self.use_cycle
        weights = (("mpjpe", self.w_mpjpe), ("mpjae", self.w_mpjae),
                   ("feat", self.w_feat if self.use_pose_encoder else 0.0),
                   ("recon", self.w_recon if self.use_pose_encoder else 0.0),
                   ("press", self.w_press if cycle else 0.0), ("acc", self.w_acc if cycle else 0.0))
        return TrainConfig(epochs=self.pose_epochs, batch_size=self.pose_batch_size, lr=self.pose_lr,
                           weight_decay=self.pose_weight_decay, grad_clip=self.grad_clip, weights=weights,
                           cycle_epochs=self.cycle_epochs, cycle_lr=self.cycle_lr, cycle_hidden=self.cycle_hidden,
                           fs_hz=self.fs_hz, seed=self.pose_seed, threads=self.pose_threads)


_SMALL_MODEL = dict(d_model=32, tf_layers=1, tf_heads=2, gcn_hidden=8, gcn_layers=1, press_node_features=1,
                    pose_node_features=2, imu_hidden=16, mlp_ratio=2, pose_dropout=0.0)

PRESETS: dict[str, dict] = {
    # seconds on a CPU: a tiny model, 1 epoch, a few windows per fold
    "smoke": _SMALL_MODEL | dict(window_s=1.0, stride_s=1.0, max_train_windows=24, max_test_windows=8,
                                 pose_epochs=1, pose_batch_size=8, pose_lr=1e-3, cycle_hidden=16, cycle_epochs=1,
                                 plot_windows=2, pose_threads=1),
    # the whole pose chapter (3 variants × 4 folds + cycle nets + baselines) in ≈15 min of a 2-core CPU,
    # with run_cv(..., workers=2) (one thread per fold process); 1-s windows halve the cost of 2-s ones
    "book": dict(d_model=64, tf_layers=2, tf_heads=4, gcn_hidden=16, gcn_layers=2, press_node_features=2,
                 pose_node_features=4, imu_hidden=32, mlp_ratio=2, pose_dropout=0.1,
                 window_s=1.0, stride_s=0.5, max_train_windows=400, max_test_windows=120,
                 pose_epochs=12, pose_batch_size=16, pose_lr=1e-3, cycle_hidden=32, cycle_epochs=6,
                 plot_windows=12, pose_threads=1),
    "paper": {},
}

"""Configuration of the activity-recognition chapter (section 7), with its profiles.

Every hyperparameter of the encoders, the four training strategies, the
distillation sweep, the fold protocol and the classical baseline is a field of
:class:`ActivityConfig`; the defaults are the paper's settings where the paper
gives them (T = 300 / 360 frames, α = 0.5, α ∈ {0.25, 0.5, 0.75}, LOSO over
all subjects) and documented choices where it does not (widths, kernels,
epochs, optimiser). ``PRESETS`` holds what each profile changes:

- ``smoke``: seconds on a CPU — tiny nets, 2 epochs, 2 subject groups;
- ``book``: the whole chapter (four strategies, the α × loss sweep and the
  classical baseline) in about 15 minutes on 2 CPU cores — smaller nets, the
  insole and pose windows subsampled in time, subjects grouped into 4 folds
  (each subject is still tested exactly once);
- ``paper``: the defaults — leave-one-subject-out, full frame rate.

Field names are unique across the sections a notebook combines (the cohort
section owns ``n_subjects``, ``repetitions``, ``cohort_seed``, …).
"""
from __future__ import annotations

from dataclasses import dataclass

from humaps.distill import parse_distill_loss
from humaps.models.activity_net import ActivityNetConfig

#: the four strategies of section 7.1, keyed as in ``humaps.paper.STRATEGIES``
STRATEGIES: tuple[str, ...] = ("insoles", "skeleton", "concat", "student_teacher")


@dataclass(frozen=True)
class ActivityConfig:
    # --- encoders (open choices of the paper; see humaps.models.activity_net)
    insole_channels: tuple = (64, 16, 8)  # hidden channels of the pressure / COP / force CNN branches
    insole_kernel: int = 3  # temporal kernel of the branch convolutions (1 = strictly per frame)
    insole_stride: int = 1  # stride of the last branch convolution (subsamples the LSTM sequence)
    insole_latent: int = 128  # insole LSTM hidden size = insole latent
    stgcn_channels: tuple = (64, 64, 128)  # the three ST-GCN layers
    stgcn_kernel: int = 9  # ST-GCN temporal kernel (as in Yan et al. 2018)
    stgcn_strides: tuple = (1, 2, 2)
    pose_latent: int = 128  # pose LSTM hidden size = pose latent
    classifier_hidden: int = 128
    dropout: float = 0.2
    # --- inputs: subsampling in time before the encoders (1 = the paper's 100 Hz / 120 Hz)
    insole_frame_step: int = 1
    pose_frame_step: int = 1
    # --- optimisation (AdamW; same schedule for every strategy and for the teacher)
    epochs: int = 40
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-2
    max_grad_norm: float = 1.0
    # --- student-teacher (section 7.2)
    alpha: float = 0.5  # L = α L_distill + (1 − α) L_cls
    distill_loss: str = "mse"  # "mse", "cosine", "kl" or a "+"-joined sum
    alphas: tuple = (0.25, 0.5, 0.75)  # the sweep of section 7.2
    distill_losses: tuple = ("mse", "cosine", "kl")  # the losses compared in the sweep
    temperature: float = 4.0  # soft-label temperature τ of the "kl" loss
    student_from_teacher: bool = True  # initialise the student's classifier from the teacher's
    # --- classical baseline
    classical_trees: int = 300  # RandomForest size
    contact_threshold: float = 20.0  # N; a foot is in contact when its total force exceeds this
    # --- protocol and execution
    folds: str = "loso"  # "loso" or the number of subject groups, as a string ("4")
    n_workers: int = 2  # fold jobs run in parallel processes
    threads: int = 1  # torch threads per fold job (results are bit-identical at a fixed count)
    seed: int = 0
    device: str = "auto"  # "cpu", "cuda" or "auto" (cuda when available)
    progress: bool = True  # tqdm progress bars

    def __post_init__(self):
        assert self.folds == "loso" or (self.folds.isdigit() and int(self.folds) >= 2), \
            f"ActivityConfig.folds must be 'loso' or an integer >= 2 written as a string, got {self.folds!r}"
        assert self.epochs >= 1 and self.batch_size >= 2, \
            f"ActivityConfig needs epochs >= 1 and batch_size >= 2, got {self.epochs}, {self.batch_size}"
        assert self.lr > 0 and self.weight_decay >= 0, "ActivityConfig.lr must be > 0, weight_decay >= 0"
        assert 0.0 <= self.alpha <= 1.0 and all(0.0 <= a <= 1.0 for a in self.alphas), \
            f"ActivityConfig alpha/alphas must lie in [0, 1], got {self.alpha}, {self.alphas}"
        parse_distill_loss(self.distill_loss)
        for name in self.distill_losses:
            parse_distill_loss(name)
        assert self.temperature > 0, f"ActivityConfig.temperature must be > 0, got {self.temperature}"
        assert self.insole_frame_step >= 1 and self.pose_frame_step >= 1, "frame steps must be >= 1"
        assert self.n_workers >= 1 and self.threads >= 1, "n_workers and threads must be >= 1"
        assert self.classical_trees >= 1 and self.contact_threshold >= 0
        assert self.device in ("auto", "cpu", "cuda"), f"device must be auto/cpu/cuda, got {self.device!r}"
        self.net_config()  # asserts on bad architectures

    def net_config(self, n_classes: int = 30) -> ActivityNetConfig:
        """The architecture part, as the model module's config."""
        return ActivityNetConfig(
            insole_channels=tuple(self.insole_channels), insole_kernel=self.insole_kernel,
            insole_stride=self.insole_stride, insole_latent=self.insole_latent,
            stgcn_channels=tuple(self.stgcn_channels), stgcn_kernel=self.stgcn_kernel,
            stgcn_strides=tuple(self.stgcn_strides), pose_latent=self.pose_latent,
            classifier_hidden=self.classifier_hidden, dropout=self.dropout, n_classes=n_classes,
        )

    def resolved_device(self) -> str:
        if self.device != "auto":
            return self.device
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"


PRESETS: dict[str, dict] = {
    "smoke": dict(
        insole_channels=(8, 4, 4), insole_kernel=3, insole_stride=2, insole_latent=16,
        stgcn_channels=(8, 8, 16), stgcn_kernel=3, stgcn_strides=(1, 2, 2), pose_latent=16,
        classifier_hidden=16, insole_frame_step=5, pose_frame_step=6,
        epochs=2, batch_size=32, classical_trees=30, folds="2", device="cpu",
        alphas=(0.25, 0.5, 0.75), distill_losses=("mse", "cosine", "kl"),
    ),
    "book": dict(
        insole_channels=(32, 8, 8), insole_kernel=3, insole_stride=2, insole_latent=64,
        stgcn_channels=(16, 16, 32), stgcn_kernel=5, stgcn_strides=(2, 2, 1), pose_latent=64,
        classifier_hidden=64, insole_frame_step=3, pose_frame_step=4,
        epochs=15, batch_size=32, classical_trees=200, folds="4", device="cpu",
    ),
    "paper": {},
}

"""The pose model's device-robustness options, side by side on one fold: simulated and real checks.

An *option* is a pair of settings: the per-recording input normalisation
(``PoseConfig.input_norm``, :func:`humaps.data.features.normalised_input`) and the device
augmentation of the training windows (``PoseTrainConfig.augment``,
:mod:`humaps.training.augment`). :func:`option_folds` trains one fold per option (the
chapter's own model of that fold stands in for the option it was trained with, so it is
not trained twice) and :func:`compare` scores every option the same way: the MPJPE on the
fold's validation subjects (inside its training subjects: the column that chooses), the
heading-frame MPJPE on its simulated test subjects, the contact timing on their walking (predicted
and true poses), and on real recordings the contact timing and the step time
(:mod:`humaps.experiments.pose_real`).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from humaps.config import update
from humaps.data.features import PoseSequences
from humaps.experiments import pose_real
from humaps.experiments.crossval import run_jobs
from humaps.experiments.pose_cv import PoseFold, PoseJob, run_fold
from humaps.verdicts import Verdict, verdict

#: the options compared: (input_norm, augment)
OPTIONS: dict[str, tuple[str, float]] = {
    "none": ("none", 0.0),
    "normalisation": ("device", 0.0),
    "normalisation + augmentation": ("device", 1.0),
}


@dataclasses.dataclass
class NormData:
    """The pose windows under each input normalisation (one process pool serves every option)."""

    none: PoseSequences
    device: PoseSequences


def _option_fold(job: PoseJob, data: NormData) -> PoseFold:
    return run_fold(job, getattr(data, job.config.input_norm))


def option_of(config) -> str | None:
    """The name of the option ``config`` (a PoseConfig) is trained with, or None."""
    return next((k for k, (norm, aug) in OPTIONS.items()
                 if config.input_norm == norm and config.train.augment == aug), None)


def option_folds(config, data: NormData, own: PoseFold, *, fold: int = 0) -> dict[str, PoseFold]:
    """{option: trained fold ``fold``}: ``own`` (the chapter's model of that fold) for the option its
    config has, the others trained here with ``own``'s selected MPJAE weight (``config.workers``
    processes, cached like every fold)."""
    jobs = [PoseJob(update(config, input_norm=norm, augment=aug), "full", fold, own.job.w_mpjae)
            for name, (norm, aug) in OPTIONS.items() if name != option_of(config)]
    done = run_jobs(_option_fold, jobs, data, name="pose_option", workers=config.workers,
                    threads=max(1, config.train.threads))
    out = {option_of(f.job.config): f for f in done}
    if option_of(config) is not None:
        out[option_of(config)] = own
    return {name: out[name] for name in OPTIONS if name in out}


def compare(folds: dict[str, PoseFold], test_trials: list, real: list, *, window: int, fs_hz: float) -> pd.DataFrame:
    """One row per option: the fold's validation MPJPE (cm, the selection's column) and simulated
    test heading MPJPE (cm); onsets matched within 0.15 s on the
    test subjects' simulated walking with predicted and with true poses; onsets matched on the ``real``
    recordings; mean |step-time error| (s) on them."""
    rows = []
    for name, f in folds.items():
        norm = f.job.config.input_norm
        model = pose_real.trained_model(f)
        ctl = pose_real.simulated_control(model, test_trials, window=window, fs_hz=fs_hz, input_norm=norm)
        pct = 100 * ctl["matched within 0.15 s"] / ctl["force onsets"]
        pred = [pose_real.predict_recording(model, r, window=window, fs_hz=fs_hz, input_norm=norm) for r in real]
        agree = pd.concat([pose_real.contact_agreement(r, t, p) for r, (t, p) in zip(real, pred)])
        steps = [pose_real.step_time(r, t, p)["error (s)"] for r, (t, p) in zip(real, pred)]
        rows.append({"option": name, "validation MPJPE, simulated (cm)": f.val_mpjpe_cm,
                     "heading MPJPE, simulated (cm)": f.metrics("heading")["mpjpe_cm"],
                     "simulated walking, predicted poses (%)": pct["predicted"],
                     "simulated walking, true poses (%)": pct["true"],
                     "real recordings (%)": 100 * agree["matched within 0.15 s"].sum() / agree["force onsets"].sum(),
                     "real step time, mean |error| (s)": float(np.nanmean(np.abs(steps)))})
    return pd.DataFrame(rows).set_index("option")


def chosen(options: pd.DataFrame) -> str:
    """The option with the lowest validation MPJPE of :func:`compare`'s table (ties: the first):
    chosen on validation subjects, never on test subjects or real recordings."""
    return str(options["validation MPJPE, simulated (cm)"].idxmin())


MPJPE_COST = 0.05  # issue 18: robustness may cost the simulated heading-frame MPJPE at most 5 %


def verdicts(options: pd.DataFrame, config) -> list[Verdict]:
    """The configured option (``config``: the PoseConfig) is :func:`chosen`, and its simulated test MPJPE
    is at most :data:`MPJPE_COST` worse than without any robustness option ("none")."""
    configured, pick = option_of(config), chosen(options)
    mpjpe = options["heading MPJPE, simulated (cm)"]
    out = [verdict("The configured option is the one with the lowest validation MPJPE (fold 0's validation subjects)",
                   pick == configured, f"configured: {configured}; lowest: {pick}")]
    if configured in mpjpe.index and "none" in mpjpe.index:
        ratio = mpjpe[configured] / mpjpe["none"]
        out.append(verdict(f"Robustness to the device costs at most {MPJPE_COST:.0%} of the simulated heading-frame "
                           "MPJPE", ratio <= 1 + MPJPE_COST,
                           f"{configured}: {mpjpe[configured]:.2f} cm against {mpjpe['none']:.2f} cm without "
                           f"({ratio - 1:+.1%}; fold 0's test subjects)"))
    return out

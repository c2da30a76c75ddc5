"""A trained pose model as one self-contained file: architecture, weights, normalisation, frame rate.

``python -m humaps train-pose`` writes it and ``python -m humaps pose`` reads it. The file is a
``torch.save`` of plain data only (dicts, lists, strings, numbers, tensors), so it loads with
``weights_only=True`` — opening a checkpoint never runs code from it:

- ``format``: :data:`FORMAT`;
- ``config``: the :class:`~humaps.models.pose_net.PoseNetConfig` fields;
- ``state_dict``: the weights and the normalisation buffers (``p_mean`` … ``joint_mean``);
- ``fs_hz``: the model's frame rate; ``window``: its training window in frames (the yaw
  reference of a causal model, the window of a bidirectional one);
- ``meta``: provenance (humaps version, git commit, profile, parameters, data, training curves).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import torch

from humaps.io.errors import FormatError
from humaps.models.pose_net import PoseNet, PoseNetConfig

FORMAT = "humaps-pose-model/1"


@dataclass
class PoseModelFile:
    """A loaded checkpoint: the model (eval mode), its frame rate (Hz), window (frames) and provenance."""

    model: PoseNet
    fs_hz: float
    window: int
    meta: dict

    @property
    def causal(self) -> bool:
        return self.model.cfg.causal


def save_pose_model(path, model: PoseNet, *, fs_hz: float, window: int, meta: dict | None = None) -> Path:
    """Write ``model`` (its normalisation buffers set) with its frame rate and window to ``path``."""
    if not (fs_hz > 0 and window >= 1):
        raise ValueError(f"save_pose_model needs fs_hz > 0 and window >= 1, got {fs_hz!r}, {window!r}")
    path = Path(path)
    state = {"format": FORMAT, "config": dataclasses.asdict(model.cfg),
             "state_dict": {k: v.detach().clone() for k, v in model.state_dict().items()},
             "fs_hz": float(fs_hz), "window": int(window), "meta": dict(meta or {})}
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # an interrupted save never leaves a half-written model behind
    return path


def load_pose_model(path) -> PoseModelFile:
    """Read a file written by :func:`save_pose_model`; :class:`FormatError` for anything else."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such model file")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # not a torch file, truncated, or holding objects we do not load
        raise FormatError(path, None, f"a pose model written by `python -m humaps train-pose` ({FORMAT})",
                          f"a file torch cannot load safely ({type(err).__name__}: {str(err)[:120]})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        found = state.get("format") if isinstance(state, dict) else type(state).__name__
        raise FormatError(path, None, f"a pose model of format {FORMAT!r}", repr(found))
    missing = [k for k in ("config", "state_dict", "fs_hz", "window", "meta") if k not in state]
    if missing:
        raise FormatError(path, None, "the keys config, state_dict, fs_hz, window, meta", f"none of {missing}")
    known = {f.name for f in dataclasses.fields(PoseNetConfig)}
    unknown = sorted(set(state["config"]) - known)
    if unknown:
        raise FormatError(path, None, "PoseNetConfig fields this humaps knows",
                          f"{unknown} (written by a newer humaps?)")
    model = PoseNet(PoseNetConfig(**state["config"]))
    try:
        model.load_state_dict(state["state_dict"])
    except RuntimeError as err:
        raise FormatError(path, None, "weights matching the stored config", str(err).splitlines()[0]) from None
    return PoseModelFile(model=model.eval(), fs_hz=float(state["fs_hz"]), window=int(state["window"]),
                         meta=state["meta"])

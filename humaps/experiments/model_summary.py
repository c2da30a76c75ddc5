"""Block-by-block summary of a model: parameters and output shape of every block.

``python -m humaps model-summary pose --profile paper`` calls :func:`main_model_summary`.
"""
from __future__ import annotations

import argparse

import pandas as pd
import torch
import torch.nn as nn


def summary(model: nn.Module, example_inputs: tuple, *, depth: int = 2) -> pd.DataFrame:
    """One row per module up to ``depth`` levels below ``model``: block, type, parameters, output shape.

    Output shapes are recorded by forward hooks during one ``model(*example_inputs)`` call
    (no gradients); blocks that did not run (e.g. the pose encoder when J is not passed)
    show "not run". Parameters of a block include its children's. The last row is the total.
    """
    rows, shapes, hooks = [], {}, []

    def shape_of(out):
        if isinstance(out, torch.Tensor):
            return tuple(out.shape)
        if isinstance(out, (tuple, list)) and out:
            return shape_of(out[0])  # LSTM: (output, (h, c)) → output
        if isinstance(out, dict):
            return {k: shape_of(v) for k, v in out.items()}
        return None

    modules = dict(model.named_modules())
    for name, module in modules.items():
        parts = name.split(".") if name else []
        # an item of a ModuleList sits at its list's level (so the transformer layers show at depth 2)
        level = sum(not (isinstance(modules[".".join(parts[:k])], nn.ModuleList)) for k in range(len(parts)))
        if 0 < level <= depth:
            rows.append((name, level, module))
            hooks.append(module.register_forward_hook(_recorder(name, shapes, shape_of)))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(*example_inputs)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    table = pd.DataFrame([{"block": "  " * (level - 1) + name, "type": type(m).__name__,
                           "parameters": sum(p.numel() for p in m.parameters()),
                           "output shape": "(see items)" if isinstance(m, (nn.ModuleList, nn.ModuleDict))
                           else str(shapes.get(name, "not run"))} for name, level, m in rows])
    total = {"block": "total", "type": type(model).__name__,
             "parameters": sum(p.numel() for p in model.parameters()), "output shape": ""}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def _recorder(name: str, shapes: dict, shape_of):
    def hook(module, inputs, output):  # returns None: a hook that returns a value replaces the output
        shapes.setdefault(name, shape_of(output))
    return hook


def pose_model_summary(profile_or_config, *, batch: int = 1, depth: int = 2) -> pd.DataFrame:
    """Summary of the pose model (a profile name or a PoseConfig) on one window of zeros
    (with J, so the pose encoder runs)."""
    from humaps.config import resolve
    from humaps.data.channels import N_AUX, N_PRESSURE
    from humaps.models.pose_net import PoseNet

    cfg = resolve("pose", profile_or_config) if isinstance(profile_or_config, str) else profile_or_config
    torch.manual_seed(0)
    model = PoseNet(cfg.model)
    T = cfg.window_frames
    inputs = (torch.zeros(batch, T, N_PRESSURE), torch.zeros(batch, T, N_AUX), torch.zeros(batch, T, 24, 3))
    return summary(model, inputs, depth=depth)


def activity_model_summary(profile_or_config, *, depth: int = 2) -> pd.DataFrame:
    """Summary of the activity model with both encoders ("concatenated" strategy) on one window of zeros."""
    from humaps.config import resolve
    from humaps.models.activity_net import ActivityNet

    cfg = resolve("activity", profile_or_config) if isinstance(profile_or_config, str) else profile_or_config
    torch.manual_seed(0)
    model = ActivityNet(config=cfg.model, modality="both")
    return summary(model, (torch.zeros(1, 300, 38), torch.zeros(1, 360, 24, 3)), depth=depth)


def main_model_summary(argv: list[str] | None = None) -> int:
    """CLI: ``model-summary pose [--profile smoke|book|paper] [--depth N]``; prints the table."""
    parser = argparse.ArgumentParser(prog="humaps model-summary", description=main_model_summary.__doc__)
    parser.add_argument("model", choices=["pose", "activity"])
    parser.add_argument("--profile", default="paper")
    parser.add_argument("--depth", type=int, default=2)
    args = parser.parse_args(argv)
    build = pose_model_summary if args.model == "pose" else activity_model_summary
    table = build(args.profile, depth=args.depth)
    with pd.option_context("display.max_rows", None, "display.width", 160, "display.max_colwidth", 60):
        print(f"{args.model} model, profile {args.profile!r}")
        width = int(table["block"].str.len().max())
        print(table.to_string(index=False, justify="left",
                              formatters={"parameters": "{:,}".format, "block": lambda b: b.ljust(width)}))
    return 0

"""What produced a result: profile, parameter values, package version, git commit."""
from __future__ import annotations

import dataclasses
import platform
import subprocess
from pathlib import Path

import pandas as pd

from humaps import __version__

REPO = Path(__file__).resolve().parent.parent


def git_commit() -> str:
    """Short commit hash of the checkout, with ``+dirty`` when it has uncommitted changes."""
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def run_table(run: dict) -> pd.DataFrame:
    """One row per parameter of a collected notebook run (see :func:`humaps.config.collect`)."""
    rows = [("run", "profile", run["profile"])]
    for section, cfg in run.items():
        if section == "profile":
            continue
        for f in dataclasses.fields(cfg):
            rows.append((section, f.name, repr(getattr(cfg, f.name))))
    return pd.DataFrame(rows, columns=["section", "parameter", "value"])


def provenance() -> dict[str, str]:
    import torch

    return {"humaps": __version__, "git commit": git_commit(), "python": platform.python_version(),
            "torch": torch.__version__}


def show_run(run: dict) -> None:
    """Print which profile, parameters, package version and commit produced this notebook."""
    print(" · ".join(f"{k} {v}" for k, v in provenance().items()))
    with pd.option_context("display.max_rows", 500, "display.max_colwidth", 80):
        print(run_table(run).to_string(index=False))

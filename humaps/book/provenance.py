"""What produced a result: profile, overridden parameters, package version, git commit."""
from __future__ import annotations

import html
import platform
import subprocess
from pathlib import Path

import pandas as pd

from humaps import __version__
from humaps.config import Run, flatten
from humaps.data.source import shown
from humaps.paths import REPO


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


def versions() -> dict[str, str]:
    import torch

    return {"humaps": __version__, "git commit": git_commit(), "python": platform.python_version(),
            "torch": torch.__version__}


def run_table(run: Run) -> pd.DataFrame:
    """One row per parameter of a collected run: section, parameter, value, whether it was overridden."""
    recordings = None if run.recordings is None else shown(Path(run.recordings))
    rows = [("run", "profile", repr(run.profile), False), ("run", "recordings", repr(recordings), False)]
    for section, cfg in run.configs.items():
        rows += [(section, k, repr(v), k in run.overrides) for k, v in flatten(cfg).items()]
    return pd.DataFrame(rows, columns=["section", "parameter", "value", "overridden"])


class Provenance:
    """One visible line (profile, overrides, commit, versions); every parameter folded beneath it."""

    def __init__(self, run: Run):
        self.run, self.versions = run, versions()

    def line(self) -> str:
        over = ", ".join(f"{k}={v!r}" for k, v in self.run.overrides.items()) or "none"
        source = f"recordings {shown(Path(self.run.recordings))}" if self.run.recordings else "simulated cohort"
        return (f"profile {self.run.profile} · {source} · overridden: {over} · "
                + " · ".join(f"{k} {v}" for k, v in self.versions.items()))

    def __repr__(self) -> str:
        return self.line()

    def _repr_html_(self) -> str:
        table = run_table(self.run).to_html(index=False, border=0, classes="provenance-table")
        return (f'<p class="provenance">{html.escape(self.line())}</p>'
                f"<details><summary>all {len(run_table(self.run))} parameters of this run</summary>{table}</details>")

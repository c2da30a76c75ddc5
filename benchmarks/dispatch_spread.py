"""Spread of every recorded smoke metric across runs under different CPU dispatch settings.

    python benchmarks/dispatch_spread.py _build/dispatch/*/executed   (what `make dispatch-check` runs)

Prints, per metric, the min, max and range over the runs beside the tolerance that
``tests/test_metric_snapshot.py`` allows for it, so tolerances are picked from measurement.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_metric_snapshot import tolerance  # noqa: E402

from humaps.book.results import collect, flatten  # noqa: E402


def _tolerance(name: str):
    try:
        return tolerance(name)
    except KeyError:
        return "none declared"


def main(folders: list[str]) -> None:
    runs = {Path(f).parent.name: flatten(collect(f)) for f in folders}
    table = pd.DataFrame(runs)
    numeric = table.apply(pd.to_numeric, errors="coerce")
    out = pd.DataFrame({"min": numeric.min(axis=1), "max": numeric.max(axis=1)})
    out["range"] = out["max"] - out["min"]
    out["tolerance (abs, rel)"] = [_tolerance(name) for name in out.index]
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200, "display.float_format", "{:.6g}".format):
        print(f"{len(runs)} runs: {', '.join(runs)}")
        print(out)


if __name__ == "__main__":
    main(sys.argv[1:])

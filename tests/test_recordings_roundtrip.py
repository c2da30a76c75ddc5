"""Round trip: the smoke chapters run on a folder the simulator wrote give the default run's numbers.

The smoke cohort is written to a temporary folder by the public writer
(:func:`humaps.data.cohort.write`, what ``python -m humaps simulate`` runs). The data chapter
and one chapter of each experiment (``pose_model``, ``activity_strategies``) are executed
with ``-p recordings FOLDER`` and compared with the default run, which reads the simulated
cohort from the cache: every result recorded with :func:`humaps.book.chapter.record`, exactly,
and the outputs of the three chapters' ``nbval-check-output`` cells, after nbval's
sanitising of volatile text (``tests/nbval_sanitize.cfg``).

The default run is the one ``make test`` builds just before pytest (``_build/executed/smoke``,
or ``$HUMAPS_EXECUTED``) when it is newer than every source it depends on; otherwise this
test executes it too. The recordings run parses the folder and rebuilds every window from
it; trained models are cached under a digest of those windows, so they are reused only if
the windows are bit-identical to the default run's — the property under test.
"""
from __future__ import annotations

import configparser
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

from humaps.book.chapter import RESULTS_MIME
from humaps.book.notebooks import BOOK, REPO, execute
from humaps.book.results import notebook_results
from humaps.config import resolve
from humaps.data import cohort

CHAPTERS = ("data", "pose_model", "activity_strategies")
EXECUTED = Path(os.environ.get("HUMAPS_EXECUTED", REPO / "_build" / "executed" / "smoke"))


def _sanitisers() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(REPO / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def checked_outputs(path: Path) -> list[list[str]]:
    """Per ``nbval-check-output`` cell, its text outputs (streams, text/plain), sanitised like nbval."""
    subs = _sanitisers()
    out = []
    for cell in nbformat.read(str(path), as_version=4).cells:
        if cell.cell_type != "code" or "nbval-check-output" not in cell.metadata.get("tags", []):
            continue
        texts = []
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                texts.append(f"ERROR {o.ename}: {o.evalue}")
            text = o.get("text") if o.output_type == "stream" else o.get("data", {}).get("text/plain")
            if text is not None and RESULTS_MIME not in o.get("data", {}):
                for rx, rep in subs:
                    text = rx.sub(rep, text)
                texts.append(text)
        out.append(texts)
    return out


def _fresh(path: Path) -> bool:
    """An executed notebook newer than the package, its source and the real recordings' manifest."""
    if not path.is_file():
        return False
    sources = [*(REPO / "humaps").rglob("*.py"), BOOK / f"{path.stem}.py",
               REPO / ".cache" / "real" / "recordings" / "trials.csv"]
    return path.stat().st_mtime > max(p.stat().st_mtime for p in sources if p.exists())


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, Path]]:
    tmp = tmp_path_factory.mktemp("roundtrip")
    folder = tmp / "recordings"
    t0 = time.perf_counter()
    cohort.write(resolve("cohort", "smoke"), folder, progress=False)
    out = {"default": {}, "recordings": {}}
    for name in CHAPTERS:
        done = EXECUTED / f"{name}.ipynb"
        out["default"][name] = done if _fresh(done) else execute(name, profile="smoke", out_dir=tmp / "default",
                                                                 progress=False)
        out["recordings"][name] = execute(name, profile="smoke", out_dir=tmp / "rec", progress=False,
                                          parameters={"recordings": str(folder)})
    print(f"round trip: {time.perf_counter() - t0:.0f} s (default run "
          f"{'reused from ' + str(EXECUTED) if all(_fresh(EXECUTED / f'{n}.ipynb') for n in CHAPTERS) else 'executed'})")
    return out


@pytest.mark.parametrize("name", CHAPTERS)
def test_recorded_results_are_the_default_runs(runs, name):
    default, recordings = (notebook_results(runs[k][name]) for k in ("default", "recordings"))
    assert recordings == default


def test_the_comparison_covers_recorded_numbers(runs):
    assert {k for n in ("data", "pose_model") for k in notebook_results(runs["default"][n])} >= {
        "data.subjects", "data.clock_offset.within_10ms_fraction", "pose.mpjpe_cm.heading"}


@pytest.mark.parametrize("name", CHAPTERS)
def test_checked_outputs_are_the_default_runs(runs, name):
    """nbval's cells (the platform-stable ones: counts, table structure, paper verdicts); the trained
    numbers are compared exactly by the test above."""
    default, recordings = (checked_outputs(runs[k][name]) for k in ("default", "recordings"))
    assert len(recordings) == len(default) >= 1
    for i, (a, b) in enumerate(zip(default, recordings)):
        assert b == a, f"{name}: checked cell {i} differs"


def test_the_recordings_run_says_it_read_the_folder(runs):
    nb = nbformat.read(str(runs["recordings"]["data"]), as_version=4)
    text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                   for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    n = resolve("cohort", "smoke").n_subjects  # one trial each
    assert "data: recordings in " in text and f"{n} subjects, {n} trials" in text
    assert "simulated cohort of profile" not in text

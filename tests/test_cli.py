"""The command line and the papermill pipeline refuse bad profiles and parameters clearly."""
import subprocess
import sys

import pytest

from humaps.book.notebooks import execute
from humaps.cli import main


def test_profiles_command_prints_every_section(capsys):
    assert main(["profiles"]) == 0
    assert "[cohort]" in capsys.readouterr().out


def test_unknown_profile_exits_2_with_a_message(capsys, tmp_path):
    assert main(["notebooks", "--profile", "fast", "--out", str(tmp_path)]) == 2
    assert "unknown profile 'fast'" in capsys.readouterr().err


def test_unknown_notebook_is_refused(capsys, tmp_path):
    assert main(["notebooks", "--profile", "smoke", "--only", "nope", "--out", str(tmp_path)]) == 2
    assert "not notebooks of the TOC" in capsys.readouterr().err


def test_papermill_stops_at_an_unknown_parameter(tmp_path):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError, match="unknown parameter"):
        execute("paper_at_a_glance", profile="smoke", out_dir=tmp_path, parameters={"epochs": 3}, progress=False)


def test_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "humaps", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "notebooks" in out.stdout


@pytest.mark.parametrize("experiment", ["pose", "activity"])
def test_model_summary_prints_every_block(experiment, capsys):
    assert main(["model-summary", experiment, "--profile", "smoke"]) == 0
    out = capsys.readouterr().out
    assert f"{experiment} model, profile 'smoke'" in out and "parameters" in out and "total" in out


def test_inspect_rejects_an_empty_file(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["inspect", str(empty)]) != 0
    assert "empty.txt" in capsys.readouterr().err

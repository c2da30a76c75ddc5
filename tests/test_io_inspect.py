"""``python -m humaps inspect``: one line naming the file and the problem, a non-zero exit, never a traceback."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from humaps.io.inspect import main_inspect
from humaps.io.qtm import write_qtm_skeleton
from humaps.recordings import MocapRecording


def _qtm(path: Path) -> Path:
    q = np.tile([1.0, 0, 0, 0], (5, 24, 1))
    return write_qtm_skeleton(MocapRecording(time=np.arange(5) / 120, positions=np.zeros((5, 24, 3)), rotations=q),
                              path)


def _bad(tmp_path: Path, case: str) -> Path:
    p = tmp_path / f"{case}.txt"
    if case == "missing":
        return p
    if case == "directory":
        p.mkdir()
    elif case == "encoding":
        p.write_bytes(b"# Start time: x\n# time\tleft\xff\n0.00\t1\n")
    elif case == "format":
        p.write_text("# Start time: x\n# time\tleft pressure 1[N/cm\u00b2]\n0.00\t1\n", encoding="utf-8")
    elif case in ("qtm_frequency", "permission"):
        p = _qtm(tmp_path / f"{case}.tsv")
        if case == "qtm_frequency":
            p.write_text(p.read_text().replace("FREQUENCY\t120", "FREQUENCY\t0"))
    elif case == "annotations":
        p = tmp_path / "a.csv"
        p.write_text('trial,start_s,end_s,label\nT01,0,"3,Walking\n')
    return p


@pytest.mark.parametrize("case", ["missing", "directory", "permission", "encoding", "format", "qtm_frequency",
                                  "annotations"])
def test_inspect_one_line(tmp_path, capsys, monkeypatch, case):
    p = _bad(tmp_path, case)
    if case == "permission":  # tests may run as root, who can read a chmod 000 file: refuse the read itself
        real_open = Path.open

        def deny(self, *a, **k):
            if self == p:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *a, **k)

        monkeypatch.setattr(Path, "open", deny)
        monkeypatch.setattr(Path, "read_bytes", lambda self: deny(self))
    assert main_inspect([str(p)]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    err = out.err.strip().splitlines()
    assert len(err) == 1 and str(p) in err[0] and "Traceback" not in out.err, out.err
    assert {"missing": "no such file", "directory": "a directory", "permission": "Permission denied",
            "encoding": "UTF-8", "format": "left pressure 2", "qtm_frequency": "FREQUENCY > 0",
            "annotations": "quote"}[case] in err[0], err[0]


def test_inspect_good_file(tmp_path, capsys):
    assert main_inspect([str(_qtm(tmp_path / "ok.tsv"))]) == 0
    assert "QTM skeleton TSV export" in capsys.readouterr().out


def test_cli_directory_no_traceback(tmp_path):
    """The real entry point, in a subprocess: exit status 1 and one line on stderr."""
    r = subprocess.run([sys.executable, "-m", "humaps", "inspect", str(tmp_path)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [f"error: {tmp_path}: expected a device file, found a directory"]

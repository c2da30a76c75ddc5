"""Device-format I/O throughput on ~100k-row files: python benchmarks/io_throughput.py [ROWS]."""
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from humaps.data.orientation import foot_orientation
from humaps.io.moticon import ROW_FORMAT, read_moticon, recording_table, write_moticon
from humaps.io.qtm import read_qtm_skeleton, write_qtm_skeleton
from humaps.recordings import InsoleRecording, MocapRecording


def clock(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(n: int = 100_000) -> None:
    r = np.random.default_rng(0)
    ins = InsoleRecording(time=np.arange(n) / 100, pressure=np.round(r.uniform(0, 40, (n, 2, 16)) * 4) / 4,
                          acceleration=r.normal(0, 1, (n, 2, 3)), angular_rate=r.normal(0, 100, (n, 2, 3)),
                          total_force=r.uniform(0, 900, (n, 2)), cop=r.uniform(-.5, .5, (n, 2, 2)))
    q = r.normal(size=(n, 24, 4)); q /= np.linalg.norm(q, axis=2, keepdims=True)
    mo = MocapRecording(time=np.arange(n) / 120, positions=r.normal(0, 1, (n, 24, 3)), rotations=q)
    d = Path(tempfile.mkdtemp())
    tw, p = clock(lambda: write_moticon(ins, d / "a.txt"))
    mb = p.stat().st_size / 1e6
    tp, _ = clock(lambda: "\n".join(ROW_FORMAT % tuple(row) for row in recording_table(ins).tolist()))
    tr, rec = clock(lambda: read_moticon(p))
    tm, _ = clock(lambda: read_moticon(p, engine="moticon"))
    print(f"Moticon {n} rows x 51 cols ({mb:.1f} MB): write {tw:.2f} s (per-row %-format {tp:.2f} s), "
          f"read pandas {tr:.2f} s ({mb / tr:.0f} MB/s), read moticon-opengo {tm:.2f} s")
    tw, p = clock(lambda: write_qtm_skeleton(mo, d / "b.tsv"))
    mb = p.stat().st_size / 1e6
    tr, _ = clock(lambda: read_qtm_skeleton(p))
    print(f"QTM {n} rows x 194 cols ({mb:.1f} MB): write {tw:.2f} s, read {tr:.2f} s ({mb / tr:.0f} MB/s)")
    k = min(n, 20_000)
    sub = InsoleRecording(time=ins.time[:k], pressure=ins.pressure[:k], acceleration=ins.acceleration[:k],
                          angular_rate=ins.angular_rate[:k], total_force=ins.total_force[:k], cop=ins.cop[:k])
    tf, _ = clock(lambda: foot_orientation(sub))
    ta, _ = clock(lambda: foot_orientation(sub, engine="ahrs"))
    print(f"Madgwick orientation, {2 * k} samples: fast {tf / (2 * k) * 1e6:.1f} us/sample, "
          f"ahrs {ta / (2 * k) * 1e6:.1f} us/sample")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

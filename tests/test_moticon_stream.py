"""Reading a Moticon export line by line: the rows of the file reader, and a FormatError per bad line."""
from __future__ import annotations

import numpy as np
import pytest
from fakes import random_insole

from humaps.io.errors import FormatError
from humaps.io.moticon import read_moticon, write_moticon
from humaps.io.moticon_stream import MoticonLineReader


@pytest.fixture
def export(tmp_path) -> tuple[list[bytes], int]:
    """A 30-row export's lines, and the line number of its first data row."""
    path = write_moticon(random_insole(30, seed=2), tmp_path / "x.txt")
    lines = path.read_bytes().splitlines(keepends=True)
    first = next(i for i, l in enumerate(lines) if l.startswith(b"# time")) + 2
    return lines, first


def _read(lines, on_error="stop") -> tuple[MoticonLineReader, list]:
    reader = MoticonLineReader(name="stream.txt", on_error=on_error)
    rows = [r for r in (reader.feed(l) for l in lines) if r is not None]
    reader.finish()
    return reader, rows


def _cells(line: bytes) -> list[bytes]:
    return line.rstrip(b"\n").split(b"\t")


def test_rows_equal_the_file_readers(export, tmp_path):
    lines, _ = export
    reader, rows = _read(lines)
    path = tmp_path / "y.txt"
    path.write_bytes(b"".join(lines))
    rec = read_moticon(path)
    assert reader.rows == rec.n_frames == 30
    assert np.array_equal([t for t, _ in rows], rec.time)
    assert np.array_equal(np.stack([s for _, s in rows])[:, :, :16], rec.pressure)


def test_truncated_last_line(export):
    lines, first = export
    lines[-1] = lines[-1][:40]  # the stream ended inside its last line
    with pytest.raises(FormatError, match=rf"stream.txt, line {first + 29}: .*truncated.*in '") as err:
        _read(lines)
    assert err.value.line == first + 29


def test_text_in_a_numeric_cell(export):
    lines, first = export
    cells = _cells(lines[first + 4])
    cells[5] = b"abc"
    lines[first + 4] = b"\t".join(cells) + b"\n"
    with pytest.raises(FormatError, match=rf"line {first + 5}: expected a number in column 6 "
                                          r"\('left pressure 5\[N/cm²\]'\), found 'abc' in '"):
        _read(lines)


def test_wrong_number_of_cells(export):
    lines, first = export
    lines[first + 2] = b"\t".join(_cells(lines[first + 2])[:30]) + b"\n"
    with pytest.raises(FormatError, match=rf"line {first + 3}: expected 51 tab-separated columns .*found 30 in"):
        _read(lines)


def test_time_going_backwards(export):
    lines, first = export
    cells = _cells(lines[first + 6])  # row 7 (0.07 s) stamped 0.05 s
    cells[0] = b"0.05"
    lines[first + 6] = b"\t".join(cells) + b"\n"
    with pytest.raises(FormatError, match=rf"line {first + 7}: expected time increasing past 0.06 s, found 0.05 s"):
        _read(lines)


def test_skip_records_each_bad_line_and_keeps_the_rest(export):
    lines, first = export
    bad = {first + 2: b"0.02\tnot a number\n", first + 10: b"\n"}
    for number, text in bad.items():
        lines[number - 1] = text
    reader, rows = _read(lines, on_error="skip")
    assert [s.line for s in reader.skipped] == sorted(bad)
    assert reader.rows == len(rows) == 28
    assert "columns" in reader.skipped[0].reason and "blank line" in reader.skipped[1].reason
    assert reader.skipped[0].text.startswith("'0.02")


def test_a_time_gap_stops_or_is_recorded(export):
    lines, first = export
    del lines[first + 9:first + 12]  # rows 10–12 lost, no line garbled: row 13 is now on line first + 10
    with pytest.raises(FormatError, match="3 rows missing"):
        _read(lines)
    reader, rows = _read(lines, on_error="skip")
    assert len(rows) == 27 and [(g.line, g.missing) for g in reader.gaps] == [(first + 10, 3)]


def test_a_header_problem_stops_even_when_skipping(export):
    lines, first = export
    lines[first - 2] = lines[first - 2].replace(b"left pressure 3", b"left pressure three")
    with pytest.raises(FormatError, match="'left pressure 3\\[N/cm²\\]'"):
        _read(lines, on_error="skip")

"""The bytes of a device text file, checked once before any format-specific parsing.

Every reader (Moticon, QTM, annotations) starts here, so the failures that do
not depend on the format — a directory or a missing file, an empty file, bytes
that are not UTF-8, NUL bytes, stray carriage returns, a last line cut short —
give the same :class:`FormatError` everywhere, with the line they are on.

Tolerated and normalised (the parse is the same as without them):

- a UTF-8 byte-order mark at the start (Windows editors add one);
- CRLF line endings (converted to LF; line numbers are unchanged).

Rejected: a bare CR that does not end a line, a NUL byte anywhere, invalid
UTF-8, and a missing final newline (every export ends with one, so a file
without it was cut inside its last line, possibly inside a number or a label).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from humaps.io.errors import FormatError

BOM = b"\xef\xbb\xbf"


def line_at(raw: bytes, offset: int) -> int:
    """1-based line number of byte ``offset`` of ``raw``."""
    return raw.count(b"\n", 0, offset) + 1


def read_bytes(path, what: str) -> bytes:
    """The file's bytes, BOM dropped and CRLF → LF; ``what`` names the format in messages.

    Raises ``FileNotFoundError`` for a missing path (the caller's mistake, not the
    file's), :class:`FormatError` for a directory, an empty file, a bare CR or a
    NUL byte; a permission problem propagates as ``PermissionError``.
    """
    path = Path(path)
    if path.is_dir():
        raise FormatError(path, None, f"{what} (a file)", "a directory")
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise FormatError(path, None, f"{what} (a regular file)", "a special file")
    raw = path.read_bytes()
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    if not raw or raw.isspace():  # not raw.strip(): that copies the whole file
        raise FormatError(path, 1, what, "an empty file")
    if b"\r" in raw:  # memchr; most files never pay for the replace
        raw = raw.replace(b"\r\n", b"\n")
        if b"\r" in raw:
            raise FormatError(path, line_at(raw, raw.index(b"\r")), "lines ending in LF or CRLF",
                              "a carriage return (CR) inside a line")
    if b"\x00" in raw:  # the C tokenizer would end a cell at a NUL and read '1.\x005' as 1.0
        raise FormatError(path, line_at(raw, raw.index(b"\x00")), "text without NUL bytes", "a NUL byte")
    return raw


def decode(path, raw: bytes, start: int = 0, stop: int | None = None) -> str:
    """``raw[start:stop]`` as UTF-8 text; :class:`FormatError` at the line of the first bad byte."""
    chunk = raw[start:stop]
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = chunk[err.start:err.start + 1]
        raise FormatError(path, line_at(raw, start + err.start), "UTF-8 text",
                          f"the byte {bad!r} ({err.reason})") from None


def check_utf8(path, raw: bytes, start: int = 0) -> None:
    """Raise :class:`FormatError` unless ``raw[start:]`` is UTF-8 (ASCII data blocks: one fast scan, no copy)."""
    if start < len(raw) and np.frombuffer(raw, dtype=np.uint8, offset=start).max() >= 128:
        decode(path, raw, start)


def check_final_newline(path, raw: bytes) -> None:
    """A complete export ends with a newline; without one the last line may be cut inside a field."""
    if not raw.endswith(b"\n"):
        raise FormatError(path, raw.count(b"\n") + 1, "a final newline (every complete export ends with one)",
                          "a last line without it (truncated last line)")


def lines(raw: bytes) -> Iterator[tuple[int, int, int]]:
    """(line number from 1, start offset, stop offset before the ``\n``) of each line of ``raw``, lazily:
    a header parser stops at its column line without splitting the data."""
    pos, number = 0, 1
    while pos < len(raw):
        end = raw.find(b"\n", pos)
        stop = len(raw) if end < 0 else end
        yield number, pos, stop
        pos, number = stop + 1, number + 1


def line_starts(raw: bytes, start: int = 0) -> np.ndarray:
    """Byte offsets (into ``raw``) where the lines of ``raw[start:]`` begin (error paths only)."""
    nl = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8)[start:] == 10)
    return np.concatenate([[0], nl + 1]) + start


def cell_text(raw: bytes, start: int, row: int, col: int, sep: bytes = b"\t") -> str:
    """The text of field ``col`` on data row ``row`` (0-based) of ``raw[start:]``, for error messages."""
    starts = line_starts(raw, start)
    a = int(starts[row])
    b = raw.find(b"\n", a)
    fields = raw[a:b if b >= 0 else None].split(sep)
    return fields[col].decode("utf-8", errors="replace") if col < len(fields) else ""

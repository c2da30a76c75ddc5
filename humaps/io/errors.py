"""One error type for every malformed device file: it names the file, the line and what was expected."""
from __future__ import annotations


class FormatError(ValueError):
    """A device file does not have the layout its loader expects.

    ``file`` is the path as given, ``line`` the 1-based line number (``None``
    when the problem is not tied to one line), ``expected`` what the loader
    wanted and ``found`` what it saw. ``str(err)`` reads like
    ``data/S01_T01_insoles.txt, line 12: expected 51 tab-separated columns, found 40``.
    """

    def __init__(self, file, line: int | None, expected: str, found: str | None = None):
        self.file = str(file)
        self.line = None if line is None else int(line)
        self.expected = expected
        self.found = found
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        msg = f"{where}: expected {expected}" + (f", found {found}" if found is not None else "")
        super().__init__(msg)

    def __reduce__(self):  # picklable across process pools
        return (type(self), (self.file, self.line, self.expected, self.found))

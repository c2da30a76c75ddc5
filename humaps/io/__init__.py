"""Device-format I/O: Moticon OpenGo text exports, QTM skeleton TSV exports,
annotation CSVs and the cohort manifest. Every reader validates its input and
raises :class:`FormatError` naming the file and line on bad input."""
from humaps.io.errors import FormatError

__all__ = ["FormatError"]

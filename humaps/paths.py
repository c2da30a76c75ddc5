"""Where things live on disk: the repository, the result cache, the real recordings.

One module so that each folder is named once. Every folder can be moved with an environment
variable (a shared filesystem for a Dask cluster, a read-only checkout).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # humaps/
REPO = PACKAGE.parent  # the checkout: book/, _toc.yml, tests/
BOOK = REPO / "book"  # the chapters' jupytext sources
REAL = REPO / ".cache" / "real"  # what `make setup` fetches: the moticon-opengo sdist and its recordings


def cache_dir() -> Path:
    """The result cache: ``$HUMAPS_CACHE``, default ``<repo>/.cache/humaps``."""
    return Path(os.environ.get("HUMAPS_CACHE") or REPO / ".cache" / "humaps")

"""A result cache keyed on what produced the result: inputs *and* the humaps source.

``cached(name, key, fn)`` returns ``fn()`` and stores it under
``$HUMAPS_CACHE`` (default ``<repo>/.cache/humaps``). The key hashes the
caller's ``key`` (any repr-stable object, e.g. a config dataclass) together
with the bytes of every ``humaps/**/*.py`` file, so editing the package
invalidates every cached cohort, model and table — a stale result can never
leak into the book. ``lookup`` reads an entry without computing it (the Dask
runner checks the cache before sending a job to a worker); ``root`` lets a
caller name the folder explicitly (the runner passes its own to the workers).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import uuid
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np

from humaps.paths import PACKAGE as PACKAGE_DIR
from humaps.paths import cache_dir  # noqa: F401  (re-exported: the cache's folder)


@lru_cache(maxsize=1)
def source_digest() -> str:
    """SHA-256 over the package's Python sources (path and bytes, sorted)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def key_digest(name: str, key: Any) -> str:
    h = hashlib.sha256()
    h.update(name.encode())
    h.update(repr(key).encode())
    h.update(source_digest().encode())
    return h.hexdigest()[:20]


def _path(name: str, key: Any, root: str | Path | None) -> Path:
    return Path(root or cache_dir()) / name / f"{key_digest(name, key)}.pkl"


def _on(enabled: bool) -> bool:
    return enabled and not os.environ.get("HUMAPS_NO_CACHE")


def lookup(name: str, key: Any, *, enabled: bool = True, root: str | Path | None = None) -> tuple[bool, Any]:
    """``(True, value)`` when ``cached(name, key, ...)`` would load a stored value, else ``(False, None)``."""
    if not _on(enabled):
        return False, None
    path = _path(name, key, root)
    if not path.exists():
        return False, None
    with path.open("rb") as fh:
        return True, pickle.load(fh)


def cached(name: str, key: Any, fn: Callable[[], Any], *, enabled: bool = True,
           root: str | Path | None = None) -> Any:
    """Return ``fn()``, memoised on disk under ``name`` and ``key`` in ``root`` (default :func:`cache_dir`)."""
    found, value = lookup(name, key, enabled=enabled, root=root)
    if found:
        return value
    value = fn()
    if not _on(enabled):
        return value
    path = _path(name, key, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")  # unique across the hosts sharing the cache
    with tmp.open("wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)  # atomic: parallel fold workers never read half a file
    return value


def data_digest(data) -> str:
    """SHA-256 (20 hex) over the dtype, shape and bytes of every array field of ``data`` (a dataclass;
    dataclass fields by their own digest)."""
    h = hashlib.sha256()
    for f in fields(data):
        value = getattr(data, f.name)
        if is_dataclass(value) and not isinstance(value, type):      # nested data: its own digest
            h.update(f"{f.name}:{data_digest(value)}".encode())
            continue
        if not isinstance(value, np.ndarray):
            h.update(f"{f.name}={value!r}".encode())
            continue
        h.update(f"{f.name}:{value.dtype}:{value.shape}".encode())
        h.update(np.ascontiguousarray(value).tobytes() if value.dtype != object else repr(value.tolist()).encode())
    return h.hexdigest()[:20]

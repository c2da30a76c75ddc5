"""Execute the book's notebooks with papermill and stage them for Jupyter Book.

The only notebook sources in git are jupytext percent-format files
``book/<name>.py``. papermill does not read them, so each is converted to an
``.ipynb`` first, then executed with ``profile`` (and any overrides) injected
after its ``parameters`` cell. The list and order of notebooks comes from
``_toc.yml``: every entry ``book/executed/<name>`` is a notebook built from
``book/<name>.py``. Jupyter Book itself never executes anything.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import yaml

from humaps.config import PROFILES, ParameterError
from humaps.paths import BOOK, REPO

EXECUTED_PREFIX = "book/executed/"


def _toc_files(node) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        if "file" in node:
            out.append(node["file"])
        for value in node.values():
            if isinstance(value, (list, dict)):
                out += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            out += _toc_files(item)
    return out


def toc_entries(root: Path = REPO) -> list[str]:
    """Every file the TOC names (root first), without suffixes."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [toc["root"], *_toc_files(toc)]


def notebook_names(root: Path = REPO) -> list[str]:
    """The notebooks the TOC renders, in the order they are executed: the chapters in book order,
    then the landing page (the TOC root), which summarises what the chapters computed."""
    names = [f[len(EXECUTED_PREFIX):] for f in toc_entries(root) if f.startswith(EXECUTED_PREFIX)]
    return names[1:] + names[:1] if toc_entries(root)[0].startswith(EXECUTED_PREFIX) else names


def to_ipynb(source: Path, target: Path) -> Path:
    """Convert a jupytext percent-format ``.py`` notebook to ``.ipynb`` (kernel python3)."""
    import jupytext

    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(nb, target, fmt="ipynb")
    return target


def execute(name: str, *, profile: str, out_dir: Path, parameters: dict | None = None,
            progress: bool = True) -> Path:
    """Execute ``book/<name>.py`` at ``profile`` into ``out_dir/<name>.ipynb``; returns that path."""
    import papermill as pm

    if profile not in PROFILES:
        raise ParameterError(f"unknown profile {profile!r}; expected one of {PROFILES}")
    source = BOOK / f"{name}.py"
    if not source.exists():
        raise FileNotFoundError(f"{source}: no notebook source for TOC entry {EXECUTED_PREFIX}{name}")
    out_dir = Path(out_dir)
    work = out_dir / ".src" / f"{name}.ipynb"
    to_ipynb(source, work)
    output = out_dir / f"{name}.ipynb"
    pm.execute_notebook(str(work), str(output), parameters={"profile": profile, **(parameters or {})},
                        kernel_name="python3", cwd=str(BOOK), progress_bar=progress)
    return output


def execute_all(*, profile: str, out_dir: Path, only: list[str] | None = None,
                parameters: dict | None = None) -> list[Path]:
    """Execute every TOC notebook (or ``only`` those), printing a line per notebook with its time."""
    names = notebook_names()
    unknown = sorted(set(only or []) - set(names))
    if unknown:
        raise ParameterError(f"not notebooks of the TOC: {unknown}; known: {names}")
    paths = []
    for i, name in enumerate(n for n in names if not only or n in only):
        t0 = time.perf_counter()
        print(f"[{i + 1}/{len(only or names)}] {name} (profile {profile}) ...", flush=True)
        paths.append(execute(name, profile=profile, out_dir=out_dir, parameters=parameters))
        print(f"      done in {time.perf_counter() - t0:.0f} s", flush=True)
    return paths


#: papermill's cells (the defaults and the values it injected): hidden from the rendered page
HIDDEN_CELL_TAGS = ("parameters", "injected-parameters")


def _stage_notebook(src: Path, target: Path) -> None:
    """Copy an executed notebook, tagging papermill's parameter cells ``remove-cell`` (other tags kept)."""
    import nbformat

    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if any(t in tags for t in HIDDEN_CELL_TAGS) and "remove-cell" not in tags:
            cell.setdefault("metadata", {})["tags"] = [*tags, "remove-cell"]
    nbformat.write(nb, target)


def stage_book(executed_dir: Path, stage_dir: Path) -> Path:
    """A clean source tree for Jupyter Book: config, TOC, pages, static files and the executed notebooks.

    papermill's ``parameters`` and ``injected-parameters`` cells are tagged ``remove-cell`` on the
    way, so the rendered pages do not show them; ``book/_static`` (CSS) is copied as it is.
    """
    stage_dir = Path(stage_dir)
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    (stage_dir / "book" / "executed").mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(REPO / name, stage_dir / name)
    for entry in toc_entries():
        if entry.startswith(EXECUTED_PREFIX):
            src = Path(executed_dir) / f"{entry[len(EXECUTED_PREFIX):]}.ipynb"
            if not src.exists():
                raise FileNotFoundError(f"{src}: notebook not executed; run the notebooks first")
            _stage_notebook(src, stage_dir / f"{entry}.ipynb")
        else:
            shutil.copy2(REPO / f"{entry}.md", stage_dir / f"{entry}.md")
    for asset in ("references.bib", "logo.png"):
        if (BOOK / asset).exists():
            shutil.copy2(BOOK / asset, stage_dir / "book" / asset)
    if (BOOK / "_static").is_dir():
        shutil.copytree(BOOK / "_static", stage_dir / "book" / "_static")
    return stage_dir

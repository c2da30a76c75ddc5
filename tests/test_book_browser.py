"""The built book, seen in a browser: headless Chromium renders each page; figures and tables are there.

Runs on the smoke-profile build that `make test` produces (``_build/smoke/_build/html``).
Skips, saying why, when that build or Chromium is missing; a screenshot of each
page is kept next to the build for a person to look at.
"""
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from humaps.notebooks import REPO, notebook_names

HTML = REPO / "_build" / "smoke" / "_build" / "html"
#: (figures, tables) a chapter must at least show
MINIMUM = {"paper_at_a_glance": (3, 4)}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--virtual-time-budget=5000"]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        pytest.skip("no Chromium on this machine (make test installs Debian's 'chromium' when it can)")
    return exe


def _page(name: str) -> Path:
    page = HTML / "book" / "executed" / f"{name}.html"
    if not page.exists():
        pytest.skip(f"{page} not built: run `make test` (it builds the smoke book first)")
    return page


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("name", notebook_names())
def test_page_renders_with_its_figures_and_tables(name, tmp_path):
    exe, page = _chromium(), _page(name)
    run = subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120)
    dom = run.stdout
    assert "<article" in dom, f"Chromium did not render {page}: {run.stderr[-500:]}"
    images = re.findall(r'<img[^>]+src="([^"]+)"', dom)
    figures = [src for src in images if "_images/" in src]
    tables = re.findall(r"<table", dom)
    need_fig, need_tab = MINIMUM.get(name, (1, 1))
    assert len(figures) >= need_fig, f"{name}: {len(figures)} figures rendered, expected ≥ {need_fig}"
    assert len(tables) >= need_tab, f"{name}: {len(tables)} tables rendered, expected ≥ {need_tab}"
    for src in figures:
        width, height = _png_size((page.parent / src).resolve())
        assert width > 100 and height > 100, f"{name}: figure {src} is {width}×{height}"
    assert "Traceback (most recent call last)" not in dom, f"{name}: an executed cell raised"
    shot = HTML.parent / "screenshots" / f"{name}.png"
    shot.parent.mkdir(exist_ok=True)
    subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1200,3000",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and _png_size(shot) == (1200, 3000)

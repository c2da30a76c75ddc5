"""The notebook sources: TOC ↔ files, papermill parameters cells, no logic shared between notebooks."""
import ast
import re
from collections import Counter

import jupytext
import pytest

from humaps import config
from humaps.book.notebooks import BOOK, REPO, notebook_names, toc_entries

NOTEBOOKS = notebook_names()


def test_every_toc_entry_has_a_source():
    for entry in toc_entries():
        if entry.startswith("book/executed/"):
            assert (BOOK / f"{entry.rsplit('/', 1)[1]}.py").exists(), entry
        else:
            assert (REPO / f"{entry}.md").exists(), entry


def test_only_jupytext_sources_are_tracked():
    assert not list(BOOK.glob("*.ipynb")), "notebook sources are jupytext .py files; .ipynb are build products"


def _sections(source: str) -> list[str]:
    match = re.search(r"chapter\.setup\(globals\(\)((?:,\s*\"\w+\")*)", source)
    assert match, "each notebook resolves its parameters with humaps.book.chapter.setup(globals(), ...)"
    return re.findall(r"\"(\w+)\"", match.group(1))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_cell_holds_the_run_parameters_only(name):
    source = (BOOK / f"{name}.py").read_text()
    nb = jupytext.reads(source, fmt="py:percent")
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{name}: exactly one cell tagged 'parameters'"
    assigned = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign), f"{name}: the parameters cell holds assignments only"
        assigned[node.targets[0].id] = ast.literal_eval(node.value)
    assert assigned.get("profile") in config.PROFILES
    # a chapter that reads the cohort takes `recordings`; hyperparameters come through papermill -p
    expected = {"profile", "recordings"} if "cohort" in _sections(source) else {"profile"}
    assert set(assigned) == expected, f"{name}: parameters cell must be exactly {sorted(expected)}"
    assert assigned.get("recordings") is None


def test_no_function_is_defined_in_two_notebooks():
    defined = Counter()
    for name in NOTEBOOKS:
        cells = jupytext.read(BOOK / f"{name}.py").cells
        tree = ast.parse("\n".join(c.source for c in cells if c.cell_type == "code"))
        defined.update({n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))})
    shared = [n for n, k in defined.items() if k > 1]
    assert not shared, f"logic needed by several notebooks belongs in humaps: {shared}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_chapter_has_an_nbval_reference_with_checked_cells(name):
    import nbformat

    ref = REPO / "tests" / "notebooks" / f"{name}.ipynb"
    assert ref.exists(), f"{ref} missing: run `make references`"
    nb = nbformat.read(ref, as_version=4)
    checked = [c for c in nb.cells if "nbval-check-output" in c.metadata.get("tags", [])]
    assert checked and all(c.get("outputs") for c in checked), f"{name}: compared cells must have outputs"
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "profile = \"smoke\"" in injected[0].source, f"{name}: references are smoke-profile runs"

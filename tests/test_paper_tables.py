"""The paper's tables load, and the arithmetic checks find what is (not) consistent."""
import numpy as np

from humaps.book import paper
from humaps.skeleton import LOWER_BODY, PAPER_NAMES, UPPER_BODY


def test_tables_have_the_papers_shape():
    assert paper.load_table(4).shape == (19, 7)
    assert len(paper.load_table(7)) == 30
    assert set(paper.load_table(7)["category"]) == set(paper.CATEGORIES)
    assert len(paper.load_table(8)) == 32


def test_table4_names_match_the_skeleton_groups():
    parts = set(paper.load_table(4)["body_part"])
    assert {PAPER_NAMES[j] for j in UPPER_BODY + LOWER_BODY} | {"Upper Body", "Lower Body", "Global"} == parts


def test_known_facts_of_the_checks():
    checks = paper.arithmetic_checks().set_index("check")
    # hand-computed: (41.2+29.6+20.7+27.7+27.6+12.3+5.5+5e-7)/8 = 20.575
    row = checks.loc["Upper Body MPJPE (cm) = mean of its 8 reported joints"]
    assert np.isclose(row["computed"], 20.575, atol=1e-3) and row["holds"]
    # MPJAE aggregates are not the means of the joints with a value: (13.9+4.5+4.6+7.2+11.7)/5 = 8.38
    row = checks.loc["Upper Body MPJAE (°) = mean of its 5 reported joints"]
    assert np.isclose(row["computed"], 8.38) and not row["holds"]
    pop = checks[checks.index.str.contains("population std")]
    assert pop["holds"].all() and len(pop) == 10


def test_a_changed_cell_breaks_its_check(monkeypatch):
    original = paper.load_table

    def tampered(number):
        t = original(number)
        if number == 4:
            t.loc[t.body_part == "Head", "mpjpe_cm_mean"] = 51.2
        return t

    monkeypatch.setattr(paper, "load_table", tampered)
    checks = paper.arithmetic_checks().set_index("check")
    assert not checks.loc["Upper Body MPJPE (cm) = mean of its 8 reported joints", "holds"]



"""Relations that each keep two unknowns can still corner a figure together; the exact check finds it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crimeplan.disclosure import Relation, attack
from crimeplan.disclosure._attack import exact_relations
from crimeplan.disclosure._exact import solved_rows
from crimeplan.disclosure._relations import figures
from crimeplan.disclosure._suppress import secondary

# rows: 0 = 1 + 2 (a total and two parts); 3 = 1 + 2 + 4 (a longer total with a third part)
COUNTS = [30.0, 10.0, 20.0, 33.0, 3.0]
RELS = [Relation("parts", 0, (1, 2)), Relation("parts", 3, (1, 2, 4))]
WITHHELD = np.array([False, True, True, False, True])  # 4 is small; 1 and 2 withheld beside it


def table() -> pd.DataFrame:
    return pd.DataFrame({"current_numerator": COUNTS, "previous_numerator": COUNTS, "unit": "count"})


def test_two_relations_together_give_back_what_neither_gives_alone():
    # 0 = 1 + 2 has two unknowns and 3 = 1 + 2 + 4 three, but together 4 = 33 - 30 = 3
    vals, present = figures(table())["current"]
    assert solved_rows(RELS, WITHHELD, vals, present) == {4}
    public = table().astype(object)
    public.loc[WITHHELD, ["current_numerator", "previous_numerator"]] = None
    # subtraction along single relations alone does not find it (which is why the exact check exists)
    assert [r for r in attack(public, RELS, exact_relations(table(), RELS)) if r.kind == "row"] == []


def test_secondary_suppression_closes_it():
    hidden = secondary(table(), RELS, WITHHELD, 5)
    assert hidden.tolist() == [False, True, True, True, True]  # the longer total goes too
    vals, present = figures(table())["current"]
    assert 4 not in solved_rows(RELS, hidden, vals, present)

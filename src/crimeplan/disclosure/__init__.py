"""Disclosure control for public editions: small counts withheld, and every figure that would reveal one.

Primary suppression withholds any count from 1 to threshold - 1 (zero is shown: it discloses
no one), with every figure computed from it (this year, last year, the change, the test).
Secondary suppression then makes sure no withheld count can be worked out by subtraction.  The
figures a document prints are tied by additive relations (`_relations`): the force is its LPAs
plus the rows with no district, an LPA is its districts; a longer window is a shorter one plus
the months between (12 months ⊃ financial year to date ⊃ quarter ⊃ month); a total measure is
its declared parts (`parts_of` in the plan) plus whatever no part counts.  Wherever a relation
would give back a withheld figure (it has a single unknown), or a small remainder (no-district
rows, the months between two windows), or withheld figures that add up to a small count, the
smallest non-zero shown part is withheld too.  Each year is protected for its own sake (a row
withheld for last year's small count is, this year, as good as printed).  This repeats until no
relation, alone or combined with the others (`_exact`), gives a small count back.  `attack` is
the reader who tries.

Public modules: none. What the package offers is its `__all__`; its modules are private.
"""

from crimeplan.disclosure._attack import Recovery, attack
from crimeplan.disclosure._relations import Relation, relations
from crimeplan.disclosure._suppress import VALUE_COLUMNS, primary, suppress

__all__ = ["VALUE_COLUMNS", "Recovery", "Relation", "attack", "primary", "relations", "suppress"]

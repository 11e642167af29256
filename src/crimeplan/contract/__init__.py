"""Canonical tables (CONTRACT.md §2) and what a valid row of each is.

Public modules: `forces` (force names), `loss` (the quarantine share rule), `overlap` (ids across
files), `schema` (the canonical tables), `severity` (crime severity weights), `validate` (the rules
a row must keep, declared; `crimeplan.store.check_file` runs them over a file).
"""

from crimeplan.contract.schema import TABLES, Column, Table, personal_columns, table
from crimeplan.contract.validate import Checked, Rule, rules

__all__ = ["TABLES", "Checked", "Column", "Rule", "Table", "personal_columns", "rules", "table"]

"""Canonical tables (CONTRACT.md §2) and their validation.

Public modules: `forces` (force names), `loss` (the quarantine share rule), `overlap` (ids across
files), `schema` (the canonical tables), `severity` (crime severity weights), `validate` (checking
a file).
"""

from crimeplan.contract.schema import TABLES, Column, Table, personal_columns, table
from crimeplan.contract.validate import Checked, check_file

__all__ = ["TABLES", "Checked", "Column", "Table", "check_file", "personal_columns", "table"]

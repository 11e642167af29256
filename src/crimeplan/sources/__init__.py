"""Importers: outside formats (data.police.uk, ONS, Home Office, STATS19) → canonical tables.

Each importer module has `import_files(paths, *, force, options) -> ImportResult` and reads raw
files only; `run_import` stages the result and loads it into a store as one snapshot.

Public modules: `home_office_prc`, `ons_pfa`, `police_uk`, `stats19` (the importers),
`real_data` (the real-data demo's loader), `run` (staging and loading), `severity` (the Crime
Severity Score from Home Office counts), `starter` (the starter plan of `crimeplan init`).
"""

from crimeplan.sources._result import FileCount, ImportResult, QRow
from crimeplan.sources.run import IMPORTERS, importer, run_import

__all__ = ["IMPORTERS", "FileCount", "ImportResult", "QRow", "importer", "run_import"]

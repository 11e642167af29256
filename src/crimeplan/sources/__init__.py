"""Importers: outside formats (data.police.uk, ONS, Home Office, STATS19) → canonical tables."""

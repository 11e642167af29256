"""Fixtures: the sample document, rendered once per test session in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from crimeplan.report.render import render

from .sample import sample_document


@pytest.fixture(scope="session")
def document():
    return sample_document()


@pytest.fixture(scope="session")
def rendered(document, tmp_path_factory) -> dict[str, Path]:
    """{'.html': path, '.pdf': path, '.docx': path, '.xlsx': path} for the sample document."""
    folder = tmp_path_factory.mktemp("rendered")
    return {ext: render(document, folder / f"sample{ext}") for ext in (".html", ".pdf", ".docx", ".xlsx")}


"""Reports: document models built from results, rendered to files."""

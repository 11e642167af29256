"""Reports: document models built from results, rendered to files.

Public modules: `build` (a document of any kind and edition), `annual`, `monthly_doc`,
`quarterly` (the builders), `document` (the document model), `common`, `format`, `sections`
(shared pieces of the builders), `sparkline`, `spc_chart` (charts), `lineage` (what a document was
made from: metadata and the manifest beside it), and the package `render`.
"""

from crimeplan.report.build import EDITIONS, KINDS, build_document
from crimeplan.report.document import Document

__all__ = ["EDITIONS", "KINDS", "Document", "build_document"]

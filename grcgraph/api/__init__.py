"""The Python API: one object over a store and a workspace, answering in records and in pandas
DataFrames; the only thing the command line and the server call.

>>> from grcgraph.api import GRCGraph
>>> g = GRCGraph.open()                     # in-memory store with the bundled frameworks and crosswalks
>>> g.requirement("Art. 12(1)").ref.curie
'euaiact:art-12-1'
>>> g.close()

`GRCGraph` is built in layers, one module each: `parts` (the store, the reference indexes and one
workspace), `reference` (frameworks, requirements, mappings, validation, export), `workspace`
(evidence, AI systems, the Statement of Applicability, API tokens), `coverage` (coverage and its
explanations, gap reports, applicability), `reports` (the same answers for people: report tables,
workbooks, the printable SoA), `evidence_files` (evidence files in and out), `aims` (the AI
management system's records, which coverage counts as evidence; `aims_records` beneath it) and `indexes`
(the memory a workspace's indexes hold, and dropping them).
"""

from __future__ import annotations

from grcgraph.api.audit import AuditAPI
from grcgraph.api.evidence_files import EvidenceFilesAPI
from grcgraph.api.indexes import IndexesAPI
from grcgraph.api.parts import open_configured
from grcgraph.api.workspace import one_write_at_a_time
from grcgraph.model import STATUSES


class GRCGraph(EvidenceFilesAPI, IndexesAPI, AuditAPI):
    """Frameworks, crosswalks and one workspace's evidence and AIMS records, with coverage, gaps and history."""


__all__ = ["STATUSES", "GRCGraph", "one_write_at_a_time", "open_configured"]

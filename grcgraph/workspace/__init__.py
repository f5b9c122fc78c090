"""What users write, kept in one named graph per workspace: evidence and its links to requirements,
the AI inventory and Statements of Applicability; and the API tokens, in a graph of their own.

`Workspace` reads (`reads.py`) and writes (`writes.py`) one workspace; `inputs.py` holds what a
write checks first, `shape_rules.py` the workspace shapes compiled into plain checks, `tokens.py`
the token records.
"""

from __future__ import annotations

from grcgraph.workspace.writes import Workspace

__all__ = ["Workspace"]

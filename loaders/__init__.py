"""Readers that turn data files into records or triples; they never write to a store (the Python API
does, with what they return). One module per kind of file, in a registry by kind:

| kind | module | reads |
|---|---|---|
| `catalog` | `catalog_csv.py` | a framework's catalog (CSV with a YAML header) |
| `application-rules` | `application_rules.py` | the EU AI Act's dates of application |
| `obligations` | `obligations.py` | who the EU AI Act binds, by role and category |
| `mapping-set` | `sssom.py` | a mapping set as SSSOM TSV (`.sssom.tsv` by convention) |
| `evidence` | `evidence.py` (with `evidence_rows.py`, `evidence_xlsx.py`) | evidence items (CSV, JSON or XLSX) |
| `measurements` | `measurements.py` | measurements of objectives (CSV) |

Every delimited file is read into one table type (`table.py`); `header.py` splits off the `#` YAML
header; `sources.py` builds the reference graph from a set of source files.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reader:
    kind: str
    module: str  # grcgraph.loaders.<module>
    suffixes: tuple[str, ...]  # the file names it takes
    reads: str


READERS: dict[str, Reader] = {
    r.kind: r
    for r in (
        Reader("catalog", "catalog_csv", (".csv",), "a framework's catalog"),
        Reader("application-rules", "application_rules", (".csv",), "the EU AI Act's dates of application"),
        Reader("obligations", "obligations", (".csv",), "who the EU AI Act binds, by role and category"),
        Reader("mapping-set", "sssom", (".tsv",), "a mapping set as SSSOM TSV"),
        Reader("evidence", "evidence", (".csv", ".json", ".xlsx"), "evidence items"),
        Reader("measurements", "measurements", (".csv",), "measurements of objectives"),
    )
}


def reader_for(kind: str, file_name: str) -> Reader:
    """The reader of `kind` for a file; ValueError naming the kinds and suffixes it takes."""
    found = READERS.get(kind)
    if found is None:
        raise ValueError(f"no reader for {kind!r}; known: {', '.join(READERS)}")
    if not file_name.lower().endswith(found.suffixes):
        raise ValueError(f"{file_name}: a {kind} file ends in {' or '.join(found.suffixes)}")
    return found

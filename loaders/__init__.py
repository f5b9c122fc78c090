"""Readers that turn data files into records or triples; they never write to a store (the Python API
does, with what they return). One module per kind of file, in a registry by kind:

| kind | module | reads |
|---|---|---|
| `catalog` | `catalog_csv.py` | a framework's catalog (CSV with a YAML header) |
| `catalog` | `oscal_catalog.py` (with `oscal_json.py`) | a framework's catalog as an OSCAL 1.2 catalog (JSON) |
| `application-rules` | `application_rules.py` | the EU AI Act's dates of application |
| `obligations` | `obligations.py` | who the EU AI Act binds, by role and category |
| `mapping-set` | `sssom.py` | a mapping set as SSSOM TSV (`.sssom.tsv` by convention) |
| `mapping-set` | `oscal_mapping.py` (with `oscal_json.py`) | mapping sets as an OSCAL 1.2 mapping collection (JSON) |
| `evidence` | `evidence.py` (with `evidence_rows.py`, `evidence_xlsx.py`) | evidence items (CSV, JSON or XLSX) |
| `measurements` | `measurements.py` | measurements of objectives (CSV) |

Every delimited file is read into one table type (`table.py`); `header.py` splits off the `#` YAML
header; `sources.py` builds the reference graph from a set of source files. A kind may have a reader
per file type: the file's name chooses it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reader:
    kind: str
    module: str  # grcgraph.loaders.<module>
    suffixes: tuple[str, ...]  # the file names it takes
    reads: str


READERS: tuple[Reader, ...] = (
    Reader("catalog", "catalog_csv", (".csv",), "a framework's catalog"),
    Reader("catalog", "oscal_catalog", (".json",), "a framework's catalog as an OSCAL 1.2 catalog"),
    Reader("application-rules", "application_rules", (".csv",), "the EU AI Act's dates of application"),
    Reader("obligations", "obligations", (".csv",), "who the EU AI Act binds, by role and category"),
    Reader("mapping-set", "sssom", (".tsv",), "a mapping set as SSSOM TSV"),
    Reader("mapping-set", "oscal_mapping", (".json",), "mapping sets as an OSCAL 1.2 mapping collection"),
    Reader("evidence", "evidence", (".csv", ".json", ".xlsx"), "evidence items"),
    Reader("measurements", "measurements", (".csv",), "measurements of objectives"),
)


def reader_for(kind: str, file_name: str) -> Reader:
    """The reader of `kind` for a file; ValueError naming the kinds and suffixes it takes."""
    found = [reader for reader in READERS if reader.kind == kind]
    if not found:
        raise ValueError(f"no reader for {kind!r}; known: {', '.join(dict.fromkeys(r.kind for r in READERS))}")
    for reader in found:
        if file_name.lower().endswith(reader.suffixes):
            return reader
    suffixes = [suffix for reader in found for suffix in reader.suffixes]
    raise ValueError(f"{file_name}: a {kind} file ends in {' or '.join(suffixes)}")

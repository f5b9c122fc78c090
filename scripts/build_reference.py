"""Write grcgraph/prebuilt/reference.nt.gz: the reference graph built from the bundled frameworks and
crosswalks exactly as `grcgraph load` builds it, SHACL-checked, with the digest of its sources.

A first start loads this file instead of building and checking the graph (seconds of SHACL), as long
as the digest matches the bundled sources; otherwise it builds and checks as before. Run this after
changing anything in ontology/, frameworks/, crosswalks/ or the loaders: tests/test_prebuilt.py
fails while the committed file is stale.
"""

from __future__ import annotations

from pathlib import Path

from grcgraph.reference.build import build_checked, bundled_sources, digest, write_prebuilt

TARGET = Path(__file__).resolve().parent.parent / "grcgraph" / "prebuilt" / "reference.nt.gz"

if __name__ == "__main__":
    sources = bundled_sources()
    graph = build_checked(sources)
    write_prebuilt(TARGET, graph, digest(sources))
    print(f"{TARGET}: {len(graph)} triples")

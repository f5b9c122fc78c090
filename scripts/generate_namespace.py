"""Write grcgraph/vocab/namespace.py from ontology/grcgraph.ttl (run after adding a term to the vocabulary).

tests/test_namespace.py fails when the two disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
VOCAB = "https://w3id.org/grcgraph/vocab#"


def terms() -> list[str]:
    graph = Graph().parse(ROOT / "ontology" / "grcgraph.ttl")
    found = {str(s)[len(VOCAB) :] for s in graph.subjects() if str(s).startswith(VOCAB)}
    return sorted(found, key=lambda term: (term[0].islower(), term))


def render() -> str:
    lines = [
        '"""The grcgraph vocabulary as a closed namespace: a misspelled term fails loudly.',
        "",
        "Generated from ontology/grcgraph.ttl by scripts/generate_namespace.py; do not edit by hand.",
        '"""',
        "",
        "from rdflib import URIRef",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "",
        "",
        "class GRC(DefinedNamespace):",
        '    """Terms of https://w3id.org/grcgraph/vocab#."""',
        "",
        "    _fail = True",
        "",
    ]
    lines += [f"    {term}: URIRef" for term in terms()]
    lines += ["", f'    _NS = Namespace("{VOCAB}")', ""]
    return "\n".join(lines)


if __name__ == "__main__":
    (ROOT / "grcgraph" / "vocab" / "namespace.py").write_text(render(), encoding="utf-8")
    sys.exit(0)

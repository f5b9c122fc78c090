"""The requirement-and-mapping graph as networkx: the small, static part of grcgraph.

Nodes are requirement IRIs with attributes `curie`, `notation`, `title`, `kind`, `framework`
(the CURIE prefix). Edges of a `networkx.MultiDiGraph`:

- hierarchy: child -> parent, `kind="broader"`;
- mappings: one edge per direction for every mapping row, `kind="mapping"`, with `predicate`
  (as read from the edge's source: the inverse relationship on the reverse edge), `inverted`
  (True on the reverse edge), `rationale`, `confidence`, `mapping` (the row's IRI),
  `mapping_set`, `set_title`, `comment`, `author`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grcgraph.reference.catalog import Catalog
from grcgraph.reference.mappings import Mappings

if TYPE_CHECKING:
    import networkx as nx


def requirement_graph(catalog: Catalog, mappings: Mappings) -> nx.MultiDiGraph:
    import networkx as nx  # noqa: PLC0415 (a command that only writes never builds the network)

    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for ref in catalog.refs():
        graph.add_node(ref.iri, curie=ref.curie, notation=ref.notation, title=ref.title, kind=ref.kind, framework=ref.framework)
    for child, parent in catalog.parents().items():
        graph.add_edge(child, parent, key="broader", kind="broader")
    for mapping in mappings.all:
        if mapping.object is None:
            continue
        for edge in (mapping, mappings.inverted(mapping)):
            assert edge.object is not None
            graph.add_edge(
                edge.subject.iri,
                edge.object.iri,
                key=f"{mapping.iri}{'#inverse' if edge.inverted else ''}",
                kind="mapping",
                predicate=edge.predicate,
                inverted=edge.inverted,
                rationale=edge.rationale,
                confidence=float(edge.confidence) if edge.confidence else None,
                mapping=mapping.iri,
                mapping_set=mapping.mapping_set,
                set_title=mapping.set_title,
                comment=edge.comment,
                author=mapping.extra.get("author_label"),
            )
    return graph

"""Where the triples live: the store interface, the embedded Oxigraph store and a remote SPARQL 1.1
store, bulk loads under an undo journal, N-Triples batches, revision stamps, and SPARQL queries
evaluated in worker processes."""

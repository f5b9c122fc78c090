"""Data shipped with grcgraph; read through grcgraph.paths."""

"""The GraphQL output types: `core` (requirements, mappings, evidence, coverage: types that refer
to one another) and `records` (plain records: frameworks, gap rows, the inventory, tokens)."""

"""The engine: coverage rules, the requirement-and-mapping network, the in-memory link index,
what applies to whom and when, and the report rows built from them."""

"""The read-only reference graph: building and checking it from the bundled files, the catalog of
requirements, the mapping sets, the EU AI Act's dates of application, and SHACL validation."""

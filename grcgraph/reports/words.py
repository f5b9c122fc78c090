"""How reports name things for people: frameworks by their published names, requirement kinds,
EU AI Act roles and categories as words, yes or no, and the statuses with what each means."""

from __future__ import annotations

from grcgraph.model import FrameworkVersion

# The published names, for cover sheets and columns; a framework of your own is named by its catalog.
FRAMEWORK_NAMES = {
    "iso42001": "ISO/IEC 42001:2023",
    "iso27001": "ISO/IEC 27001:2022",
    "euaiact": "EU AI Act (Regulation (EU) 2024/1689)",
    "nistairmf": "NIST AI RMF 1.0",
    "nistgai": "NIST AI 600-1",
}
# Sheet names (at most 31 characters, none of / \ ? * [ ] :).
SHEET_NAMES = {
    "iso42001": "ISO-IEC 42001",
    "iso27001": "ISO-IEC 27001",
    "euaiact": "EU AI Act",
    "nistairmf": "NIST AI RMF",
    "nistgai": "NIST AI 600-1",
}
KINDS = {
    "Clause": "clause",
    "ControlArea": "control area",
    "Control": "control",
    "Chapter": "chapter",
    "Section": "section",
    "Article": "article",
    "Paragraph": "paragraph",
    "Annex": "annex",
    "Function": "function",
    "Category": "category",
    "Subcategory": "subcategory",
    "GenAIAction": "generative-AI action",
}
ROLES = {
    "provider": "provider",
    "deployer": "deployer",
    "importer": "importer",
    "distributor": "distributor",
    "authorised-representative": "authorised representative",
    "product-manufacturer": "product manufacturer",
}
CATEGORIES = {
    "prohibited": "prohibited practice (Art. 5)",
    "high-risk-annex-i": "high-risk, product under Annex I Section A",
    "high-risk-annex-i-b": "high-risk, product under Annex I Section B",
    "high-risk-annex-iii": "high-risk, Annex III",
    "transparency": "transparency obligations (Art. 50)",
    "gpai": "general-purpose AI model",
    "gpai-systemic": "general-purpose AI model with systemic risk",
    "minimal": "minimal risk",
}
STATUS_MEANINGS = {
    "covered": "evidence covers it fully (directly, or through a mapping that carries full coverage)",
    "partial": "evidence covers part of it: more is needed",
    "related": "evidence on a related requirement only: a lead to check, never counted",
    "stale": "the only evidence is past its valid-until date",
    "uncovered": "no evidence yet",
    "not applicable": "excluded in the Statement of Applicability, not binding for the system, or not yet in force",
}
# Implementation status in the Statement of Applicability, by coverage status.
IMPLEMENTATION = {
    "covered": "implemented",
    "partial": "partly implemented",
    "related": "not implemented: related evidence only",
    "stale": "not demonstrated: evidence expired",
    "uncovered": "not implemented: no evidence",
    "not applicable": "not applicable: excluded",
}
# What each implementation status of the Statement of Applicability means.
IMPLEMENTATION_MEANINGS = {IMPLEMENTATION[status]: meaning for status, meaning in STATUS_MEANINGS.items()} | {
    "not applicable: excluded": "excluded in the Statement of Applicability, with the justification given"
}


def framework_name(prefix: str, versions: list[FrameworkVersion] | None = None) -> str:
    if prefix in FRAMEWORK_NAMES:
        return FRAMEWORK_NAMES[prefix]
    for version in versions or []:
        if version.prefix == prefix:
            return f"{version.framework} {version.version}"
    return prefix


def sheet_name(prefix: str) -> str:
    name = SHEET_NAMES.get(prefix, prefix)
    return "".join("-" if ch in "/\\?*[]:" else ch for ch in name)[:31]


def kind(name: str) -> str:
    return KINDS.get(name, name)


def role(name: str) -> str:
    return ROLES.get(name, name.replace("-", " "))


def category(name: str) -> str:
    return CATEGORIES.get(name, name.replace("-", " "))


def yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"

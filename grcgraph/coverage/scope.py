"""What applies: EU AI Act provisions for an AI system by role, category and date; Statement of
Applicability exclusions for ISO Annex A; NIST AI 600-1 actions for generative systems."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from grcgraph.model import AISystem, ApplicableProvision
from grcgraph.reference.applicability import CATEGORY_NOTATIONS, Applicability
from grcgraph.reference.catalog import PREFIXES, Catalog
from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.vocab.terms import OPERATOR_ROLES as ROLES
from grcgraph.vocab.terms import is_true
from grcgraph.workspace.reads import WorkspaceReads


class Scope:
    def __init__(self, store: GraphStore, catalog: Catalog, applicability: Applicability) -> None:
        self.store = store
        self.catalog = catalog
        self.dates = applicability

    @cached_property
    def obligations(self) -> list[tuple[str, set[str], set[str], bool, str, str]]:
        """(provision IRI, role IRIs, category IRIs, conditional, basis, note) per obligation row."""
        graph = f"<{iris.REFERENCE_GRAPH}>"
        rows: dict[str, tuple[str, set[str], set[str], bool, str, str]] = {}
        for node, provision, role, category, conditional, basis, note in self.store.query(
            PREFIXES
            + f"""SELECT ?o ?p ?role ?cat ?cond ?basis ?note WHERE {{ GRAPH {graph} {{
                ?o a grc:Obligation ; grc:provision ?p ; grc:operatorRole ?role ; grc:forCategory ?cat ;
                   grc:conditional ?cond ; grc:basis ?basis . OPTIONAL {{ ?o skos:note ?note }} }} }}"""
        ):
            entry = rows.setdefault(str(node), (str(provision), set(), set(), is_true(conditional), str(basis), str(note or "")))
            entry[1].add(str(role))
            entry[2].add(str(category))
        return list(rows.values())

    def eu_provisions(self, system: AISystem, on: dt.date) -> list[ApplicableProvision]:
        """The provisions that bind the organisation for `system`, each with its date for the system's category."""
        roles = {str(ROLES[r]) for r in system.roles}
        category = str(CATEGORY_NOTATIONS[system.category])
        found: dict[str, ApplicableProvision] = {}
        role_names = {str(v): k for k, v in ROLES.items()}
        for provision, obligation_roles, categories, conditional, basis, note in self.obligations:
            matched = roles & obligation_roles
            if not matched or category not in categories:
                continue
            answer = self.dates.resolve(provision, category)
            ref = self.catalog.ref(provision)
            previous = found.get(provision)
            entry = ApplicableProvision(
                provision=provision,
                curie=ref.curie,
                title=ref.title,
                roles=tuple(sorted({role_names[r] for r in matched} | (set(previous.roles) if previous else set()))),
                conditional=conditional and (previous.conditional if previous else True),
                basis=basis if not previous or basis in previous.basis else f"{previous.basis}; {basis}",
                note=note if not previous or note in previous.note else f"{previous.note} {note}",
                applies_from=answer.applies_from if answer else None,
                in_force=answer is not None and answer.applies_from <= on,
                date_source=answer.rule.source if answer else "",
            )
            found[provision] = entry
        return sorted(found.values(), key=lambda p: self.catalog.order(p.provision))

    def units(self, provisions: list[str]) -> set[str]:
        """The provisions with everything under them (an article with its paragraphs)."""
        children: dict[str, list[str]] = {}
        for child, parent in self.catalog.parents().items():
            children.setdefault(parent, []).append(child)
        result: set[str] = set()
        pending = list(provisions)
        while pending:
            node = pending.pop()
            if node not in result:
                result.add(node)
                pending.extend(children.get(node, []))
        return result

    def applicable(
        self, framework: str, workspace: WorkspaceReads, system: AISystem | None, on: dt.date
    ) -> tuple[set[str], dict[str, str]]:
        """The requirements of `framework` that apply, and a reason for each that does not, given the
        workspace's Statement of Applicability and AI systems (or the one `system` asked about)."""
        members = [ref.iri for ref in self.catalog.refs(framework)]
        not_applicable: dict[str, str] = {}
        if framework in ("iso42001", "iso27001"):
            for entry in workspace.soa():
                if not entry.included and entry.control in members:
                    not_applicable[entry.control] = f"excluded in the Statement of Applicability: {entry.reason}"
            return set(members) - set(not_applicable), not_applicable
        if framework == "nistgai":
            systems = [system] if system else workspace.systems()
            if systems and not any(s.generative for s in systems):
                return set(), dict.fromkeys(members, "NIST AI 600-1 applies to generative AI systems")
            return set(members), {}
        if framework == "euaiact":
            systems = [system] if system else workspace.systems()
            if not systems:
                in_table = {row[0] for row in self.obligations}
                return self.units(sorted(in_table)), {}
            binding: set[str] = set()
            for each in systems:
                for p in self.eu_provisions(each, on):
                    if p.in_force:
                        binding.add(p.provision)
                    else:
                        not_applicable.setdefault(p.provision, f"applies from {p.applies_from} ({p.date_source.split(',')[0]})")
            units = self.units(sorted(binding))
            later = {u: reason for p, reason in not_applicable.items() for u in self.units([p]) if u not in units}
            for provision, reason in not_applicable.items():
                for ancestor in self.catalog.ancestors(provision):
                    later.setdefault(ancestor, reason)
            ancestors = {a for u in units for a in self.catalog.ancestors(u)}
            others = {
                m: "not an obligation of this organisation for its AI systems" for m in members if m not in units and m not in ancestors
            }
            others.update({node: reason for node, reason in later.items() if node not in units and node not in ancestors})
            return units | ancestors, others
        return set(members), {}

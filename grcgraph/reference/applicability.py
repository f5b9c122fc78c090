"""Dates of application of EU AI Act provisions, resolved from the rules in the reference graph.

A rule names provisions (with everything under them), optionally an AI-system category and a part
narrower than any catalogued provision. For a provision, a category and a part, the deciding rule is
the one not superseded whose provision is nearest the asked provision, a category-specific rule
winning over a general one at the same distance. The data is checked to give exactly one answer.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from rdflib import URIRef

from grcgraph.model import ApplicationDate, Rule
from grcgraph.reference.catalog import PREFIXES
from grcgraph.store.base import GraphStore
from grcgraph.vocab import iris
from grcgraph.vocab.namespace import GRC
from grcgraph.vocab.terms import AI_CATEGORIES

CATEGORY_NOTATIONS = AI_CATEGORIES


class AmbiguousApplicationError(ValueError):
    pass


class Applicability:
    def __init__(self, store: GraphStore) -> None:
        self.store = store

    @cached_property
    def rules(self) -> dict[str, Rule]:
        graph = f"<{iris.REFERENCE_GRAPH}>"
        rules: dict[str, Rule] = {}
        for rule, rule_id, date, source, category, part, note in self.store.query(
            PREFIXES
            + f"""SELECT ?rule ?id ?date ?source ?cat ?part ?note WHERE {{ GRAPH {graph} {{
                ?rule a grc:ApplicationRule ; dcterms:identifier ?id ; grc:appliesFrom ?date ; dcterms:source/dcterms:title ?source .
                OPTIONAL {{ ?rule grc:forCategory ?cat }} OPTIONAL {{ ?rule grc:part ?part }} OPTIONAL {{ ?rule skos:note ?note }} }} }}"""
        ):
            rules[str(rule)] = Rule(
                iri=str(rule),
                rule_id=str(rule_id),
                applies_from=dt.date.fromisoformat(str(date)),
                source=str(source),
                category=str(category) if category is not None else None,
                part=str(part) if part is not None else None,
                note=str(note) if note is not None else None,
            )
        for prop, attribute in ((GRC.provision, "provisions"), (GRC.exceptProvision, "excepts"), (GRC.supersedes, "supersedes")):
            for rule, target, _p in self.store.query(
                f"SELECT ?rule ?target ?p WHERE {{ GRAPH {graph} {{ ?rule ?p ?target }} }}", {"p": prop}
            ):
                if str(rule) in rules:  # obligations use grc:provision too
                    getattr(rules[str(rule)], attribute).add(str(target))
        return rules

    @cached_property
    def _chains(self) -> dict[str, list[str]]:
        """Each EU AI Act requirement with its ancestors, nearest first."""
        graph = f"<{iris.REFERENCE_GRAPH}>"
        parent: dict[str, str] = {}
        members: set[str] = set()
        for child, up, _scheme in self.store.query(
            PREFIXES
            + f"""SELECT ?c ?p ?scheme WHERE {{ GRAPH {graph} {{ ?c skos:inScheme ?scheme . OPTIONAL {{ ?c skos:broader ?p }} }} }}""",
            {"scheme": iris.scheme("eu-ai-act")},
        ):
            members.add(str(child))
            if up is not None:
                parent[str(child)] = str(up)
        chains: dict[str, list[str]] = {}
        for member in members:
            chain = [member]
            while chain[-1] in parent:
                chain.append(parent[chain[-1]])
            chains[member] = chain
        return chains

    def provisions(self) -> list[str]:
        return sorted(self._chains)

    def parts(self, provision: str) -> list[str | None]:
        chain = set(self._chains.get(provision, []))
        found = {rule.part for rule in self.rules.values() if rule.part and rule.provisions & chain}
        return [None, *sorted(p for p in found if p)]

    def resolve(self, provision: str, category: str | None = None, part: str | None = None) -> ApplicationDate | None:
        """The date from which `provision` applies to AI systems of `category` (None: no category)."""
        chain = self._chains.get(provision)
        if chain is None:
            return None
        superseded = {old for rule in self.rules.values() for old in rule.supersedes}
        best: list[tuple[tuple[int, int], Rule]] = []
        for rule in self.rules.values():
            if rule.iri in superseded or rule.part != part:
                continue
            if rule.category is not None and rule.category != category:
                continue
            if rule.excepts & set(chain):
                continue
            depths = [index for index, node in enumerate(chain) if node in rule.provisions]
            if not depths:
                continue
            best.append(((-min(depths), 1 if rule.category else 0), rule))
        if not best:
            return None
        best.sort(key=lambda item: item[0], reverse=True)
        if len(best) > 1 and best[0][0] == best[1][0] and best[0][1].applies_from != best[1][1].applies_from:
            raise AmbiguousApplicationError(f"{provision}: rules {best[0][1].rule_id} and {best[1][1].rule_id} disagree")
        winner = best[0][1]
        history: list[Rule] = []
        pending = list(winner.supersedes)
        while pending:
            old = self.rules[pending.pop()]
            history.append(old)
            pending.extend(old.supersedes)
        return ApplicationDate(provision, category, part, winner.applies_from, winner, tuple(history))

    def dates(self, provision: str) -> list[ApplicationDate]:
        """Every answer for a provision: without a category, per category where a rule differs, per part."""
        answers: list[ApplicationDate] = []
        for part in self.parts(provision):
            general = self.resolve(provision, None, part)
            if general is not None:
                answers.append(general)
            for category in CATEGORY_NOTATIONS.values():
                specific = self.resolve(provision, str(category), part)
                if specific is not None and (general is None or specific.rule.iri != general.rule.iri):
                    answers.append(specific)
        return answers

    def applies_on(self, provision: str, day: dt.date, category: str | None = None) -> bool:
        answer = self.resolve(provision, category)
        return answer is not None and answer.applies_from <= day


def category_iri(notation: str) -> URIRef:
    if notation not in CATEGORY_NOTATIONS:
        raise ValueError(f"unknown AI system category {notation!r}; known: {', '.join(CATEGORY_NOTATIONS)}")
    return CATEGORY_NOTATIONS[notation]

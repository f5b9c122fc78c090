"""What a SPARQL text asks for before it is evaluated: its form (a query, or an update sent where only
queries are read) and the graphs it names in FROM, FROM NAMED and GRAPH, so that a query naming a
graph its caller cannot see is refused rather than silently answered over another dataset.

The text is read by one tokenizer whose every pattern is linear (possessive quantifiers, and a string
or IRI left open runs to the end of its line or of the text), so a hostile text of any length costs
one pass. It reads what the SPARQL 1.1 grammar allows before and between those keywords (prologue,
strings, comments, IRIs, prefixed names, variables); anything it does not understand is left to the
store's own parser, which refuses what is not SPARQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""
    (?P<space>\s++)
  | (?P<comment>\#[^\n]*+)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*+(?:\"\"\"|\Z)
             | '''(?:[^'\\]|\\.|'(?!''))*+(?:'''|\Z)
             | "(?:[^"\\\n]|\\.)*+(?:"|(?=\n)|\Z)
             | '(?:[^'\\\n]|\\.)*+(?:'|(?=\n)|\Z))
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*+>)
  | (?P<var>[?$][\w]++)
  | (?P<pname>(?:[A-Za-z][\w.-]*+)?:[\w.:%\\-]*+)
  | (?P<word>[A-Za-z_][\w-]*+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_FORMS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


@dataclass(frozen=True)
class SparqlShape:
    form: str | None  # the first keyword after the prologue, upper-case: SELECT, ASK, INSERT...; None if there is none
    graphs: tuple[str, ...]  # every graph IRI named by FROM, FROM NAMED or GRAPH, in order, as far as it could be resolved

    @property
    def update(self) -> bool:
        return self.form in UPDATE_FORMS


def shape(text: str) -> SparqlShape:
    """The form and named graphs of a SPARQL text, in one linear pass holding a few tokens at a time."""
    base, prefixes, form, graphs = "", dict[str, str](), None, list[str]()
    prologue: list[tuple[str | None, str]] = []  # BASE <iri> or PREFIX p: <iri> being read
    awaiting = ""  # "FROM", "NAMED" or "GRAPH": the next token may name a graph
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        value = match.group()
        keyword = value.upper() if kind == "word" else ""
        if form is None:
            prologue.append((kind, value))
            head = prologue[0][1].upper() if prologue[0][0] == "word" else ""
            if head == "BASE" and len(prologue) == 2 and kind == "iri":
                base, prologue = urljoin(base, value[1:-1]), []
            elif head == "PREFIX" and len(prologue) == 2 and kind == "pname":
                pass
            elif head == "PREFIX" and len(prologue) == 3 and kind == "iri":
                prefixes[prologue[1][1].split(":", 1)[0]] = urljoin(base, value[1:-1])
                prologue = []
            elif len(prologue) == 1 and head in ("BASE", "PREFIX"):
                pass
            else:
                form = head[:20] or "?"
        if awaiting == "FROM" and keyword == "NAMED":
            awaiting = "NAMED"
            continue
        if awaiting:
            named = _iri((kind, value), base, prefixes)
            if named is not None:
                graphs.append(named)
        awaiting = keyword if keyword in ("FROM", "GRAPH") else ""
    return SparqlShape(None if form in (None, "?") else form, tuple(graphs))


def _iri(token: tuple[str | None, str], base: str, prefixes: dict[str, str]) -> str | None:
    kind, value = token
    if kind == "iri":
        return urljoin(base, value[1:-1])
    if kind == "pname":
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else value  # an undeclared prefix: the store refuses the query
    return None  # a variable (GRAPH ?g) or anything else

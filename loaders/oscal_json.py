"""Reading an OSCAL 1.2 JSON document: JSON faults at their line and column, OSCAL faults (what
compliance-trestle's models refuse) at their JSON path, each with the rule it breaks."""

from __future__ import annotations

import json
import re
from typing import Any

from grcgraph.errors import DataError
from grcgraph.model import FieldPath, Problem
from grcgraph.vocab.oscal import GRC_NS

MAX_PROBLEMS = 50
MESSAGES = {
    "missing": "is required by OSCAL 1.2 and missing",
    "extra_forbidden": "is not an OSCAL 1.2 field here",
    "string_pattern_mismatch": "does not have the form OSCAL 1.2 requires here (a token, a UUID or a non-blank string)",
    "list_type": "must be a JSON array",
    "model_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "string_type": "must be a string",
    "too_short": "must not be empty",
}


def _path(root: str, loc: tuple[int | str, ...]) -> FieldPath:
    # pydantic names the alternative of a union it tried (a class name, or "list[...]"): not a field
    segments = [s for s in loc if isinstance(s, int) or not re.match(r"^[A-Z]|^list\[|^function-", str(s))]
    return FieldPath(root, *segments)


def read_oscal(text: str, name: str, root: str) -> tuple[dict[str, Any], Any]:
    """The document's `root` object as JSON and as compliance-trestle's model of it; DataError with
    every fault (nothing is read from a document that does not conform)."""
    from pydantic import ValidationError  # noqa: PLC0415  (pydantic and trestle only when an OSCAL file is read)
    from trestle.common.err import TrestleError  # noqa: PLC0415
    from trestle.oscal.catalog import Catalog  # noqa: PLC0415
    from trestle.oscal.mapping import MappingCollection  # noqa: PLC0415

    too_deep = DataError([Problem.in_file(name, 0, "", "its JSON is nested too deeply to be read")])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError([Problem.in_file(name, error.lineno, "", f"not valid JSON: {error.msg} (column {error.colno})")]) from None
    except RecursionError:
        raise too_deep from None
    if not isinstance(data, dict) or root not in data:
        found = ", ".join(sorted(data)) if isinstance(data, dict) else type(data).__name__
        raise DataError([Problem.in_file(name, 1, "", f"an OSCAL {root} document is a JSON object with the key {root!r} (found: {found})")])
    model: Any = {"catalog": Catalog, "mapping-collection": MappingCollection}[root]
    try:
        instance = model.model_validate(data[root])
    except ValidationError as error:
        problems: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        for detail in error.errors():
            path = _path(root, tuple(detail["loc"]))
            if (str(path), detail["type"]) in seen:
                continue
            seen.add((str(path), detail["type"]))
            problems.append(Problem(f"OSCAL 1.2: {MESSAGES.get(detail['type'], detail['msg'])}", path, name, None))
        raise DataError(problems[:MAX_PROBLEMS]) from None
    except RecursionError:
        raise too_deep from None
    except TrestleError as error:  # trestle's own answer when the fault is in metadata.oscal-version
        message = f"OSCAL 1.2: {error} (the OSCAL version, such as 1.2.1)"
        raise DataError([Problem(message, FieldPath(root, "metadata", "oscal-version"), name, None)]) from None
    return data[root], instance


def grc_props(entry: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """An OSCAL object's props in grcgraph's namespace, by name."""
    found: dict[str, list[dict[str, Any]]] = {}
    for prop in entry.get("props") or []:
        if prop.get("ns") == GRC_NS:
            found.setdefault(str(prop["name"]), []).append(prop)
    return found


def grc_prop(entry: dict[str, Any], name: str) -> str | None:
    values = grc_props(entry).get(name)
    return str(values[0]["value"]) if values else None

"""The reference indexes (catalog, mappings, the requirement network), kept beside the store that
holds the reference graph they were built from, so that a server starts without querying it again.

Building them runs six queries over the reference graph and makes some 30,000 objects: a quarter
of a second on a store holding only the reference graph, three quarters on one of 1,000 workspaces
(the store's indexes are larger). Read back from a file they take a hundredth of that. The file is
named by a digest of what the indexes depend on: the reference graph's source digest (every load
that changes the graph changes it) and the code that builds them (a file written by another
version is never read). A file that cannot be read is rebuilt; files of other digests are removed
when a new one is written. The file is the store's own, as trusted as the store itself.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grcgraph

if TYPE_CHECKING:
    from grcgraph.api.parts import Parts

DIRECTORY = "reference-indexes"
_BUILDERS = ("reference/catalog.py", "reference/mappings.py", "coverage/network.py", "model")
log = logging.getLogger(__name__)


def _code_digest() -> bytes:
    root = Path(grcgraph.__file__).parent
    digest = hashlib.sha256()
    for name in _BUILDERS:
        path = root / name
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.digest()


def cache_file(directory: Path, reference_digest: str) -> Path:
    key = hashlib.sha256(reference_digest.encode() + _code_digest()).hexdigest()[:32]
    return directory / DIRECTORY / f"{key}.pickle"


def _state(parts: Parts) -> dict[str, Any]:
    """What `prepare` computed: the catalog's and the mappings' cached answers, and the network."""
    return {
        "catalog": {k: v for k, v in vars(parts.catalog).items() if k != "store"},
        "mappings": {k: v for k, v in vars(parts.mapping_index).items() if k not in ("store", "catalog")},
        "network": parts.network,
    }


def restore(parts: Parts, file: Path) -> bool:
    """Give `parts` the indexes kept in `file`; False (nothing changed) when there is none to read."""
    try:
        state = pickle.loads(file.read_bytes())  # noqa: S301 (the store's own file: see the module's text)
    except FileNotFoundError:
        return False
    except Exception as error:  # cut short, or unreadable: built again and rewritten
        log.warning("the reference indexes in %s could not be read (%s): building them again", file, error)
        return False
    vars(parts.catalog).update(state["catalog"])
    vars(parts.mapping_index).update(state["mappings"])
    vars(parts)["network"] = state["network"]
    return True


def save(parts: Parts, file: Path) -> None:
    """Keep the indexes of `parts` in `file` (atomically), and remove files of other digests. A file
    that cannot be written is left out: the next start builds the indexes again."""
    staged = file.with_suffix(".new")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(pickle.dumps(_state(parts), protocol=pickle.HIGHEST_PROTOCOL))
        staged.replace(file)
        for other in file.parent.iterdir():
            if other != file:
                other.unlink(missing_ok=True)
    except OSError as error:
        log.warning("the reference indexes could not be kept in %s: %s", file.parent, error)
        staged.unlink(missing_ok=True)

"""The house stays by layer: the imports of grcgraph, its loaders and its server, read from the
source with `ast` (imports inside functions and under TYPE_CHECKING included), obey the layering:
files -> loaders (parse only) -> store -> reference and workspace -> engine -> facade -> interfaces."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from repo import ROOT

BASES = {"grcgraph": ROOT / "grcgraph", "grcgraph.loaders": ROOT / "loaders", "grcgraph.server": ROOT / "server"}
STORE_MODULES = ("grcgraph.store",)
WRITE_SIDE = ("grcgraph.store", "grcgraph.workspace", "grcgraph.api", "grcgraph.server", "grcgraph.cli")
MAX_LINES = 450
MAX_TOP_MODULES = 12


def modules() -> dict[str, Path]:
    found = {}
    for base, folder in BASES.items():
        for file in folder.rglob("*.py"):
            parts = [p for p in file.relative_to(folder).with_suffix("").parts if p != "__init__"]
            found[".".join([base, *parts])] = file
    return found


MODULES = modules()


def resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> set[str]:
    """The grcgraph modules `module` imports, by the module each import lands in."""
    file = MODULES[module]
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package
                for _ in range(node.level - 1):
                    prefix = prefix.rpartition(".")[0]
                base = f"{prefix}.{node.module}" if node.module else prefix
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            landed = resolve(target) if target.startswith("grcgraph") else None
            if landed and landed != module:
                found.add(landed)
    return found


GRAPH = {module: imports(module) for module in MODULES}


def within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_no_import_cycles() -> None:
    """A package's __init__ may import its own children (to name its public face); nothing else cycles."""

    def edges(module: str) -> set[str]:
        own_children = MODULES[module].name == "__init__.py"
        return {t for t in GRAPH[module] if not (own_children and t.startswith(module + "."))}

    visiting: list[str] = []
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        if module in done:
            return
        if module in visiting:
            cycles.append([*visiting[visiting.index(module) :], module])
            return
        visiting.append(module)
        for target in sorted(edges(module)):
            visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(MODULES):
        visit(module)
    assert not cycles, cycles


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layers(module: str) -> None:
    targets = GRAPH[module]
    interface = within(module, "grcgraph.server", "grcgraph.cli")
    if not interface:
        assert not {t for t in targets if within(t, "grcgraph.server", "grcgraph.cli")}, "below the interfaces, an interface is imported"
    if within(module, "grcgraph.loaders"):
        assert not {t for t in targets if within(t, *WRITE_SIDE)}, "a loader reaches past parsing"
    if within(module, "grcgraph.server"):
        assert not {t for t in targets if within(t, *STORE_MODULES, "grcgraph.cli")}, "the server reaches the store around the facade"
    if within(module, "grcgraph.coverage", "grcgraph.reference"):
        writes = {
            t for t in targets if within(t, "grcgraph.workspace") and t not in ("grcgraph.workspace.reads", "grcgraph.workspace.inputs")
        }
        assert not writes, "the engine imports the write side"


def test_the_cli_starts_the_server_through_one_module() -> None:
    used = {t for m in MODULES if within(m, "grcgraph.cli") for t in GRAPH[m] if within(t, "grcgraph.server")}
    assert used == {"grcgraph.server.app"}


def test_modules_stay_small_and_the_top_folder_holds_few() -> None:
    large = {m: n for m, f in MODULES.items() if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not {m: n for m, n in large.items() if not m.endswith("vocab.namespace")}, "generated namespace aside"
    top = [f for f in (ROOT / "grcgraph").glob("*.py") if f.name != "__init__.py"]
    assert len(top) <= MAX_TOP_MODULES, sorted(f.name for f in top)


def test_every_package_ships() -> None:
    """A folder of the house missing from pyproject's `packages` would be left out of the wheel."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {m for m, f in MODULES.items() if f.name == "__init__.py"}
    assert folders <= listed, sorted(folders - listed)

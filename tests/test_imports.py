"""The package's import graph: no cycle between modules, no private name imported across modules.

Reads every module of ``geo/``, ``layers/``, ``maps/`` and ``src/minusma/`` (installed as
``minusma.geo``, ``minusma.layers``, ``minusma.maps`` and ``minusma``) with :mod:`ast` (imports at
the top level and inside functions alike) and checks the rules of CONTRIBUTING.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
#: Repository folder -> installed package name (pyproject.toml's package-dir).
PACKAGES = {
    "geo": "minusma.geo",
    "layers": "minusma.layers",
    "maps": "minusma.maps",
    "src/minusma": "minusma",
}
#: Who may import whom: the spatial core imports nothing of ours, layers only the core, maps
#: both, and the application layer (``minusma``: Study, CLI) everything.
MAY_IMPORT = {
    "minusma.geo": {"minusma.geo"},
    "minusma.layers": {"minusma.geo", "minusma.layers"},
    "minusma.maps": {"minusma.geo", "minusma.layers", "minusma.maps"},
}

#: No cycle and no private import is tolerated any more (the cycles and private imports of the
#: layers assessment modules, the asset cache and the registry are gone).
KNOWN_CYCLES: list[set[str]] = []
KNOWN_PRIVATE: set[str] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            name = ".".join((package, *(parts[:-1] if parts[-1] == "__init__" else parts)))
            out[name] = path
    return out


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(modules: dict[str, Path]) -> tuple[nx.DiGraph, list[str]]:
    """Import graph between our modules, and every ``from x import _name`` across modules."""
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    private = []

    def ours(name: str) -> str | None:  # the module itself, or the package holding it
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [ours(a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(module, path, node)
                targets = []
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    if sub in modules:  # a module imported from its package
                        targets.append(sub)
                    else:
                        targets.append(ours(source))
                        if alias.name.startswith("_") and ours(source) not in (None, module):
                            private.append(f"{module}: from {source} import {alias.name}")
            else:
                continue
            for target in targets:
                if target and target != module:
                    graph.add_edge(module, target)
    return graph, private


def _cycles(graph: nx.DiGraph) -> list[set[str]]:
    # a package's __init__ importing its own modules is not a cycle of the code it organises
    def is_parent(a: str, b: str) -> bool:
        return b.startswith(a + ".")

    g = nx.DiGraph([(a, b) for a, b in graph.edges if not is_parent(a, b)])
    return [c for c in nx.strongly_connected_components(g) if len(c) > 1]


def test_the_reader_finds_imports_at_every_level():
    graph, _ = _imports(_modules())
    assert graph.has_edge("minusma.geo.network", "minusma.geo.graph")  # top level
    assert graph.has_edge("minusma.geo.exposure.access", "minusma.geo.network")
    assert len(graph) > 60 and graph.number_of_edges() > 150


def test_no_new_import_cycle():
    graph, _ = _imports(_modules())
    new = [sorted(c) for c in _cycles(graph) if c not in KNOWN_CYCLES]
    assert not new, f"import cycle(s): {new}"


def test_the_network_modules_import_the_graph_never_the_reverse():
    graph, _ = _imports(_modules())
    g = "minusma.geo."
    algorithms = tuple(g + m for m in ("graph_build", "routing", "resilience", "redundancy"))
    assert not any(graph.has_edge(g + "graph", a) for a in (*algorithms, g + "network"))
    for a in algorithms:
        assert graph.has_edge(a, g + "graph") and not graph.has_edge(a, g + "network")
    assert not set(graph.predecessors(g + "network")) & {g + "graph", *algorithms}


def test_no_private_name_imported_across_modules():
    _, private = _imports(_modules())
    assert not set(private) - KNOWN_PRIVATE, sorted(set(private) - KNOWN_PRIVATE)


def _part(module: str) -> str:
    """The part of the namespace a module belongs to (``minusma`` for the application layer)."""
    return next((p for p in MAY_IMPORT if module == p or module.startswith(p + ".")), "minusma")


def test_imports_flow_one_way_geo_layers_maps_application():
    graph, _ = _imports(_modules())
    upward = [
        f"{a} -> {b}"
        for a, b in graph.edges
        if _part(a) in MAY_IMPORT and _part(b) not in MAY_IMPORT[_part(a)]
    ]
    assert not upward, upward
    assert graph.has_edge("minusma.cli.main", "minusma.geo._errors")  # the reader sees src/minusma


def test_the_installed_names_are_the_only_ones_used():
    """No module imports the folders by their repository names (``geo``, ``layers``, ``maps``)."""
    stray = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            stray += [f"{name}: {n}" for n in names if n.split(".")[0] in {"geo", "layers", "maps"}]
    assert not stray, stray

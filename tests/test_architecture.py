"""The shape of the imports inside `model`.

`lint-imports` (run by `make test`) checks the layers declared in pyproject.toml
(`[tool.importlinter]`): a module imports only its own layer and the layers below it. This
file checks what that contract does not: that no two modules of `model` import each other,
directly or through others (a cycle), and that every sub-package of `model` is a layer of
the contract. It reads the same import graph (grimp, import-linter's own), with imports
under `if TYPE_CHECKING:` counted or not as the contract says.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGE = CONFIG["root_package"]
OUTSIDE_THE_LAYERS = {f"{PACKAGE}.__main__"}


def _graph(exclude_type_checking_imports: bool) -> grimp.ImportGraph:
    return grimp.build_graph(
        PACKAGE, exclude_type_checking_imports=exclude_type_checking_imports, cache_dir=None
    )


def _layers() -> list[str]:
    (contract,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    # A line "a | b" holds independent layers side by side (import-linter's syntax).
    return [
        f"{PACKAGE}.{name.strip()}" for layer in contract["layers"] for name in layer.split("|")
    ]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing
    itself), each as one cycle through its first module: [a, b, ..., a]."""
    modules = sorted(graph.modules)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    for start in modules:  # Tarjan's algorithm, iteratively
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            module, i = work.pop()
            if i == 0:
                index[module] = low[module] = len(index)
                stack.append(module)
                on_stack.add(module)
            if i < len(imports[module]):
                work.append((module, i + 1))
                imported = imports[module][i]
                if imported not in index:
                    work.append((imported, 0))
                elif imported in on_stack:
                    low[module] = min(low[module], index[imported])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1 or module in imports[module]:
                    components.append(sorted(component))

    cycles = []
    for component in components:
        first = component[0]
        nxt = next(m for m in imports[first] if m in component)
        chain = graph.find_shortest_chain(importer=nxt, imported=first, as_packages=False) or (
            first,
        )
        cycles.append([first, *chain])
    return cycles


def test_every_subpackage_is_a_layer():
    graph = _graph(CONFIG.get("exclude_type_checking_imports", False))
    children = graph.find_children(PACKAGE) - OUTSIDE_THE_LAYERS
    layers = _layers()
    assert len(layers) == len(set(layers)), f"a layer listed twice: {layers}"
    assert not children - set(layers), (
        f"not in the layers of [tool.importlinter] in pyproject.toml: "
        f"{sorted(children - set(layers))}; place each where it belongs"
    )
    assert not set(layers) - children, f"layers that do not exist: {set(layers) - children}"


def test_no_import_cycles():
    graph = _graph(CONFIG.get("exclude_type_checking_imports", False))
    cycles = _cycles(graph)
    assert not cycles, "import cycles in model:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph) == [["p.a", "p.b", "p.c", "p.a"]]
    graph.remove_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == []

"""The source layout holds: only the entry point imports the CLI, small modules, no import circles."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# installed as one namespace: models/, solvers/ and instances/ are optimizer.models, ...
ROOTS = {"optimizer": "optimizer", "models": "optimizer.models", "solvers": "optimizer.solvers",
         "instances": "optimizer.instances"}  # fmt: skip
LONG_BY_DESIGN = {"optimizer/evaluator/kernels.py", "instances/generate_synthetic.py"}
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for folder, package in ROOTS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = list(path.relative_to(REPO / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def _imports_at_import_time(path: Path, name: str, known: set[str]) -> set[str]:
    """Modules ``path`` imports when it is imported: module-level statements, not those inside
    functions (deferred on purpose) or under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.If | ast.Try | ast.With):
                for block in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(node, block, []):
                        visit(child.body if isinstance(child, ast.ExceptHandler) else [child])
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                # a module's own packages are imported before it anyway ("from optimizer.report
                # import labels" in a report module names its package, not a circle)
                if target in known and target != name and not name.startswith(target + "."):
                    out.add(target)

    visit(tree.body)
    return out


def test_only_the_entry_point_imports_the_cli() -> None:
    modules = _modules()
    known = set(modules)
    importers = sorted(
        name
        for name, path in modules.items()
        if "optimizer.cli" in _imports_at_import_time(path, name, known) | _deferred(path)
    )
    assert importers == ["optimizer.__main__"]


def _deferred(path: Path) -> set[str]:
    """Every module named by any import statement of the file, deferred ones included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_no_source_file_is_long() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for path in _modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(long) <= LONG_BY_DESIGN, {k: v for k, v in long.items() if k not in LONG_BY_DESIGN}


def test_no_import_circles() -> None:
    modules = _modules()
    known = set(modules)
    graph = {name: _imports_at_import_time(path, name, known) for name, path in modules.items()}
    # importing a submodule imports its packages first: a package's own imports count for it
    circles = _strongly_connected(graph)
    assert not circles, f"import circles: {circles}"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan: the components of more than one module (each one an import circle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_the_circle_check_can_fail() -> None:
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []

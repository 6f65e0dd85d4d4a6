"""The shape of the code: no import cycles, dependencies one way, small modules.

The imports are read from the source (every ``import``, at the top of a module,
inside a function or under ``TYPE_CHECKING``), so a cycle that only a lazy
import hides is found too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rag", "ingest", "prompts")
MAX_LINES = 400

# Which parts may import which. A part is a package or module under the roots;
# parts not named here may import anything below the faces.
LAYERS = {
    "rag.errors": 0,
    "rag.text": 0,
    "rag.hashing": 0,
    "prompts": 0,
    "rag.settings": 1,
    "rag.models": 2,
    "rag.index": 3,
    "ingest": 4,
    "rag.retrieval": 4,
    "rag.answer": 4,
    "rag.chain": 5,
    "rag.eval": 6,
    "rag.tune": 6,
    "rag.ui": 7,
    "rag.cli": 8,
    "rag": 9,  # the package's own __init__: the public names, lazily
}
"""Lower layers never import higher ones (equal layers: only within one part)."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (``from a.b import c``: ``a.b.c`` when it is a
    module, else ``a.b``)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {module for module in found if module in known and module != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _part(module: str) -> str:
    """The longest entry of :data:`LAYERS` that ``module`` is or lies in."""
    candidates = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return max(candidates, key=len)


def test_there_is_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target):], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_dependencies_run_one_way() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if LAYERS[_part(target)] > LAYERS[_part(module)]
        or (LAYERS[_part(target)] == LAYERS[_part(module)] and _part(target) != _part(module))
    ]
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_is_under_the_line_limit(package: str) -> None:
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_rag_keeps_few_modules_at_its_top_level() -> None:
    top = sorted(p.name for p in (ROOT / "rag").glob("*.py"))
    assert len(top) <= 8, top


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    silent = []
    for init in sorted(p for package in PACKAGES for p in (ROOT / package).rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if "may import" not in doc.lower():
            silent.append(str(init.relative_to(ROOT)))
    assert not silent, silent


def test_the_benchmarks_doc_states_todays_figures_in_at_most_400_lines() -> None:
    lines = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_LINES, len(lines)

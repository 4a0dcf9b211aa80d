"""The package layout shows the direction of dependencies:

    batch -> analyses -> report | estimators | data -> config | errors | checks | io | versions | memory

Every import counts, including imports inside functions. The three middle layers never import
each other; analyses may import each other only without a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kip_analysis import config

PACKAGE = config.ROOT / "kip_analysis"
BASE = {"config", "errors", "checks", "io", "versions", "memory"}
RANK = {"base": 0, "data": 1, "estimators": 1, "report": 1, "analyses": 2, "batch": 3}


def _module_name(path: Path) -> str:
    parts = path.relative_to(config.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str) -> set[str]:
    """Every kip_analysis module ``path`` imports (top level and inside functions)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("kip_analysis")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base
                                                                                                    else []))
            if not base.startswith("kip_analysis"):
                continue
            known = _modules()
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m != name}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    return "base" if parts[1] in BASE else parts[1]


GRAPH = {name: _imports(path, name) for name, path in _modules().items()}


def test_no_module_imports_a_layer_above_it() -> None:
    bad = [f"{m} -> {d}" for m, deps in GRAPH.items() for d in deps
           if RANK[_layer(d)] > RANK[_layer(m)]]
    assert not bad, "imports against the direction of the layers:\n" + "\n".join(bad)


def test_middle_layers_do_not_import_each_other() -> None:
    middle = {"data", "estimators", "report"}
    bad = [f"{m} -> {d}" for m, deps in GRAPH.items() for d in deps
           if _layer(m) in middle and _layer(d) in middle and _layer(m) != _layer(d)]
    assert not bad, "data, estimators and report must stay independent:\n" + "\n".join(bad)


def test_no_import_cycle() -> None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(GRAPH.get(node, ())):
            if dep == "kip_analysis" or dep not in GRAPH:
                continue
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for name in sorted(GRAPH):
        if name not in state and (cycle := visit(name)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_the_cycle_detector_finds_a_cycle() -> None:
    """The detector itself can fail: a constructed graph with a cycle is caught."""
    saved = dict(GRAPH)
    try:
        GRAPH.clear()
        GRAPH.update({"kip_analysis.a": {"kip_analysis.b"}, "kip_analysis.b": {"kip_analysis.a"}})
        with pytest.raises(pytest.fail.Exception, match="import cycle"):
            test_no_import_cycle()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


def test_modules_are_small_and_the_top_level_is_short() -> None:
    long = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in _modules().items()}
    assert not {n: k for n, k in long.items() if k > 450}, "modules over 450 lines"
    top = [p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"]
    assert len(top) <= 8, f"{len(top)} modules at the top level: {top}"
    assert set(top) == BASE


def test_every_module_says_what_it_may_import() -> None:
    missing = [n for n, p in _modules().items()
               if not p.name.startswith("__") and "May import" not in (ast.get_docstring(ast.parse(p.read_text()))
                                                                        or "")]
    assert not missing, f"module docstrings without 'May import': {missing}"


def test_each_numbered_notebook_has_an_analyses_folder() -> None:
    from kip_analysis.analyses import VALIDATORS

    notebooks = sorted(p.stem for p in config.NOTEBOOKS.glob("0[1-9]_*.ipynb"))
    assert notebooks == sorted(VALIDATORS)
    folders = {"01_programme_facts": "facts", "02_programme_effects": "effects", "03_targets": "targets",
               "04_land_relocation": "land"}
    for nb in notebooks:
        assert (PACKAGE / "analyses" / folders[nb] / "params.py").exists()
        assert (PACKAGE / "analyses" / folders[nb] / "section.py").exists()

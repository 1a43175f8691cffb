"""The import rules of docs/ARCHITECTURE.md, read from the package's own imports with ``ast``.

Every import counts, including those inside functions and under ``TYPE_CHECKING``: a
dependency hidden in a function is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "audiocast"

# The shared modules at the top: any stage may use them, they use no stage.
CORE = {"audiocast", "audiocast.model", "audiocast.errors", "audiocast.config", "audiocast.fsutil",
        "audiocast.limits", "audiocast.options", "audiocast.progress"}
# What each stage package may import besides CORE and itself (the pipeline, left to right).
STAGES = {
    "readers": set(),
    "understanding": set(),
    "audio": set(),
    "voice": {"audio"},
    "publish": {"audio"},
    "check": {"audio", "publish"},
    "jobs": {"readers", "understanding", "voice", "audio", "publish"},
}
MAX_ROOT_MODULES = 12


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> list[tuple[str, tuple[str, ...], int]]:
    """(imported module, names taken from it, line) for every audiocast import in module ``name``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, (), node.lineno) for a in node.names if a.name.split(".")[0] == "audiocast"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.split(".")[0] == "audiocast":
                found.append((target, tuple(a.name for a in node.names), node.lineno))
    return found


def dependencies(name: str) -> set[str]:
    """The audiocast modules ``name`` imports (``from pkg import module`` counts as the module)."""
    deps = set()
    for target, names, _ in imports_of(name):
        submodules = {f"{target}.{n}" for n in names} & MODULES.keys()
        deps |= submodules or ({target} & MODULES.keys())
    return deps - {name}


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else None


def test_the_module_table_is_read():
    # guards the rules below against vacuous passes (a wrong PACKAGE path, a parse that finds nothing)
    assert len(MODULES) > 40
    assert "audiocast.voice.engines.flite_engine" in MODULES
    assert "audiocast.audio.chapters" in dependencies("audiocast.audio.stitch")


def test_at_most_twelve_modules_in_the_package_root():
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, root


def test_every_stage_package_says_what_it_owns_and_may_import():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"audiocast/{stage}/__init__.py: its docstring must state its import rule"


def test_no_import_cycles():
    graph = {name: dependencies(name) for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in graph[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_names_imported_across_modules():
    leaks = []
    for name in MODULES:
        for target, names, line in imports_of(name):
            leaks += [f"{MODULES[name].relative_to(PACKAGE.parent)}:{line} takes {n} from {target}"
                      for n in names if n.startswith("_") and not n.startswith("__")]
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        aliases = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                   for a in node.names if isinstance(node, ast.ImportFrom) and f"{node.module}.{a.name}" in MODULES}
        leaks += [f"{MODULES[name].relative_to(PACKAGE.parent)}:{node.lineno} reads {node.value.id}.{node.attr}"
                  for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id in aliases and node.attr.startswith("_") and not node.attr.startswith("__")]
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_stage_imports_only_the_shared_modules_and_the_stages_it_declares(stage):
    allowed = STAGES[stage] | {stage}
    wrong = []
    for name in MODULES:
        if stage_of(name) != stage:
            continue
        for dep in dependencies(name):
            if dep in CORE or stage_of(dep) in allowed:
                continue
            wrong.append(f"{name} imports {dep}")
    assert not wrong, "\n".join(wrong)


def test_the_shared_modules_import_no_stage():
    wrong = [f"{name} imports {dep}" for name in CORE & MODULES.keys() for dep in dependencies(name) if dep not in CORE]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("library, owners", [
    ("pydub", ("audiocast.audio.",)),
    ("mutagen", ("audiocast.publish.tags",)),
    ("pyttsx3", ("audiocast.voice.engines.pyttsx3_engine",)),
    ("piper", ("audiocast.voice.engines.piper_engine",)),
    ("dask", ("audiocast.jobs.distributed",)),
])
def test_each_outside_library_has_one_owner(library, owners):
    users = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            if library in roots and not name.startswith(owners):
                users.append(f"{name}:{node.lineno}")
    assert not users, f"{library} is imported outside {owners}: {users}"

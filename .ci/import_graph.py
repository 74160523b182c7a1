"""Count what makes the code harder to change: import cycles between modules, imports that point up
the layers, pairs of apps that import each other, and imports placed inside functions.

    python .ci/import_graph.py          # figures
    python .ci/import_graph.py -v       # and every offending import

The layers (pyproject's import-linter contract): config → dashboard → accounts / audit → demands /
teams → stations → secretaries / notices → core; notices is a service any app may call, and imports
only core; the audit trail is imported by no domain app (they call core.signals.audit).
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["config", "dashboard", "accounts", "audit", "demands", "teams", "stations", "notices", "secretaries", "core"]
# Higher number = higher layer. An import may point at the same or a lower layer only.
LAYER = {
    "config": 6,
    "dashboard": 5,
    "accounts": 4,
    "audit": 4,
    "demands": 3,
    "teams": 3,
    "stations": 3,
    "notices": 2,
    "secretaries": 1,
    "core": 0,
}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve(current, node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = current.split(".")
        package = base if current_is_package[current] else base[:-1]
        package = package[: len(package) - (node.level - 1)]
        prefix = ".".join(package + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    names = []
    for alias in node.names:
        candidate = f"{prefix}.{alias.name}"
        names.append(candidate if candidate in modules else prefix)
    return names


def owning_module(name):
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


files = [
    path
    for app in APPS
    if (ROOT / app).is_dir()
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts
]
modules = {module_name(path): path for path in files}
current_is_package = {module_name(path): path.name == "__init__.py" for path in files}

edges = defaultdict(set)
inside_functions = set()
for name, path in modules.items():
    tree = ast.parse(path.read_text(encoding="utf-8"))
    function_nodes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    function_nodes.add(id(inner))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for target in resolve(name, node):
            target = owning_module(target)
            if target is None or target == name:
                continue
            edges[name].add(target)
            if id(node) in function_nodes:
                inside_functions.add((name, target, node.lineno))


def app_of(module):
    return module.split(".")[0]


# Tarjan's strongly connected components: every component of more than one module is a cycle.
index, low, on_stack, stack, components = {}, {}, set(), [], []
sys.setrecursionlimit(10000)


def connect(node):
    index[node] = low[node] = len(index)
    stack.append(node)
    on_stack.add(node)
    for target in edges[node]:
        if target not in index:
            connect(target)
            low[node] = min(low[node], low[target])
        elif target in on_stack:
            low[node] = min(low[node], index[target])
    if low[node] == index[node]:
        component = []
        while True:
            member = stack.pop()
            on_stack.discard(member)
            component.append(member)
            if member == node:
                break
        if len(component) > 1:
            components.append(sorted(component))


for module in list(modules):
    if module not in index:
        connect(module)

upward = [
    (source, target)
    for source, targets in edges.items()
    for target in targets
    if LAYER[app_of(target)] > LAYER[app_of(source)]
]
app_edges = {(app_of(s), app_of(t)) for s, targets in edges.items() for t in targets if app_of(s) != app_of(t)}
mutual = sorted({tuple(sorted(pair)) for pair in app_edges if (pair[1], pair[0]) in app_edges})

verbose = "-v" in sys.argv
print(f"modules: {len(modules)}")
print(f"import cycles between modules: {len(components)}")
if verbose:
    for component in components:
        print("   ", " ↔ ".join(component))
print(f"upward imports: {len(upward)}")
if verbose:
    for source, target in sorted(upward):
        print(f"    {source} → {target}")
print(f"pairs of apps importing each other: {len(mutual)}")
if verbose:
    for pair in mutual:
        print("    " + " ↔ ".join(pair))
print(f"imports inside functions: {len(inside_functions)}")
if verbose:
    for source, target, line in sorted(inside_functions):
        print(f"    {source}:{line} → {target}")
sys.exit(1 if components or upward else 0)

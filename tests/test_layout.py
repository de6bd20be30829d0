"""The house rules of the code's layout, checked: small modules, no import circle, no private name used
across modules, and a scope rule for every extract table."""

import ast
import re
from pathlib import Path

import pytest

from unitload.schema import SCOPE_RULES, TABLES

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("unitload", "queries", "perf")
FILES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")) + sorted(
    (ROOT / "pages").glob("*.py")
)


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


MODULES = {module_name(p): p for p in FILES if p.parts[-2] != "pages"}


def imports(path: Path) -> set[str]:
    """The project's modules `path` imports when it is imported (its top-level statements only)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m in MODULES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path):
    limit = 200 if path.parts[-2] == "pages" else 400
    assert len(path.read_text(encoding="utf-8").splitlines()) <= limit


def test_no_import_circle():
    graph = {name: imports(path) - {name} for name, path in MODULES.items()}
    for name in graph:  # importing a.b runs a's __init__ first, unless a.b is inside a
        for used in list(graph[name]):
            parent = used.rsplit(".", 1)[0]
            if "." in used and parent in MODULES and parent != name and not name.startswith(parent + "."):
                graph[name].add(parent)

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == target or (nxt not in seen and not seen.add(nxt) and reaches(nxt, target, seen)):
                return True
        return False

    circles = [name for name in graph if reaches(name, name, set())]
    assert not circles, f"modules on an import circle: {circles}"


@pytest.mark.parametrize("path", FILES + sorted((ROOT / "tests").glob("*.py")), ids=lambda p: p.name)
def test_no_private_name_is_used_across_modules(path):
    text = path.read_text(encoding="utf-8")
    imported = re.findall(r"^\s*from (?:unitload|queries|perf)[\w.]* import \(?([^)\n]*)", text, re.MULTILINE)
    private = [n.strip() for line in imported for n in line.split(",") if n.strip().startswith("_")]
    modules = "|".join(sorted({m.rsplit(".", 1)[-1] for m in MODULES}))
    used = re.findall(rf"\b(?:{modules})\._[a-z]\w*", text)
    assert not private and not used, f"{path.name} uses private names of other modules: {private + used}"


def test_every_extract_table_has_a_scope_rule():
    assert {t.scope for t in TABLES} <= set(SCOPE_RULES)
    assert [t.name for t in TABLES if t.scope == "team"] == ["officers"]

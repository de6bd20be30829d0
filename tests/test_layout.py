"""The house rules of the code's layout, checked: small modules, no import circle, no private name used
across modules, and a scope rule for every extract table."""

import ast
import re
from pathlib import Path

import pytest

from unitload.extract.schema import SCOPE_RULES, TABLES

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
    """Every project module `path` imports: at its top, inside a function, or for type checking alone."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m in MODULES}


GRAPH = {name: imports(path) - {name} for name, path in MODULES.items()}

# The floors of the code, lowest first: a module imports modules of its own floor or below, never above, so the
# folder list reads as the architecture (docs: README's layout).
LAYERS = (
    ("unitload.roles", "unitload.tomlfile", "unitload.months", "unitload.output"),  # foundations: no settings
    ("unitload.settings",),
    ("unitload.extract",),  # an extract: its folder, schema, connection and views, validation, promotion
    ("unitload.store", "queries", "unitload.generate"),  # the product's own records; named queries; made-up data
    ("unitload.access",),  # who may see what, scoped views, the audit trail
    ("unitload.charts", "unitload.planning"),
    ("unitload.review", "unitload.importing", "unitload.decisions"),
    ("unitload.notify",),
    ("unitload.app",),  # what the pages share
    ("perf",),  # measuring tools, which drive the app
    ("unitload.cli", "unitload.reference", "unitload.__main__", "unitload"),
)


def floor(module: str) -> int:
    """The floor of a module: that of the longest prefix the layers name."""
    for length in range(module.count(".") + 1, 0, -1):
        prefix = ".".join(module.split(".")[:length])
        for index, layer in enumerate(LAYERS):
            if prefix in layer:
                return index
    raise AssertionError(f"{module} is on no floor: add its package to LAYERS in tests/test_layout.py")


def test_no_import_circle():
    """No module reaches itself through what it imports, wherever the import is (a function, a type check)."""

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in GRAPH[start]:
            if nxt == target or (nxt not in seen and not seen.add(nxt) and reaches(nxt, target, seen)):
                return True
        return False

    circles = [name for name in GRAPH if reaches(name, name, set())]
    assert not circles, f"modules on an import circle: {circles}"


def test_every_import_goes_down_a_floor_or_stays_on_it():
    upward = sorted(
        f"{name} -> {used}" for name, used_all in GRAPH.items() for used in used_all if floor(used) > floor(name)
    )
    assert not upward, f"imports up a floor: {upward}"


def test_packages_on_one_floor_do_not_import_each_other_both_ways():
    def package(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2]) if parts[0] == "unitload" and len(parts) > 2 else module

    edges = {(package(a), package(b)) for a, used in GRAPH.items() for b in used if package(a) != package(b)}
    both = sorted(f"{a} <-> {b}" for a, b in edges if (b, a) in edges and a < b)
    assert not both, f"packages importing each other: {both}"


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

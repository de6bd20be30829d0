"""Documentation made from the code, or checked against it, so that neither drifts."""

import re
from pathlib import Path

import pytest

from unitload import reference

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", reference.PAGES)
def test_reference_pages_are_what_the_code_gives_now(name):
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == reference.pages()[name], f"docs/{name} is out of date: run `make docs` and commit it"


def test_the_cli_reference_names_every_command_and_option():
    page = reference.cli_reference()
    for command in ("query", "validate", "generate", "report", "promote", "bench", "load"):
        assert f"## `unitload {command}`" in page
    assert "`--as-of`" in page and "`--format`" in page


def test_the_readme_layout_names_every_module_and_package():
    """Each Python module and package of the project appears in the README's layout table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([\w/.]+)`", layout))
    missing = []
    folders = ["unitload", "queries", "perf"] + sorted(
        str(p.parent.relative_to(ROOT)) for p in (ROOT / "unitload").glob("*/__init__.py")
    )
    for folder in folders:
        for path in sorted((ROOT / folder).glob("*.py")):
            if path.name == "__init__.py":
                continue
            if not {f"{folder}/{path.name}", path.name} & named:
                missing.append(f"{folder}/{path.name}")
        if f"{folder}/" not in named:
            missing.append(f"{folder}/")
    assert not missing, f"README.md's layout table does not name {missing}"

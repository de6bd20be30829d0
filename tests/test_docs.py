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


def test_the_sample_readme_states_the_sample_s_figures(sample):
    """sample_data/README.md's figures at the as-of day are what workload_months gives on the sample."""
    from queries import run_query

    text = " ".join((ROOT / "sample_data" / "README.md").read_text(encoding="utf-8").split())
    stated = re.search(
        r"carries (\d+) % of its FTE-adjusted capacity \(weighted load ([\d.]+) points against ([\d.]+)\), "
        r"with (\d+) of its (\d+) caseholders overloaded, (\d+) open cases and (\d+) of them unprogressed",
        text,
    )
    assert stated, "sample_data/README.md no longer states the sample's figures in the sentence this test reads"
    now = run_query(sample, "workload_months", months=1).row(-1, named=True)
    load, weighted, capacity, overloaded, caseholders, open_cases, unprogressed = stated.groups()
    assert int(load) == round(now["load_pct"])
    assert (float(weighted), float(capacity)) == (now["weighted_load"], now["capacity_points"])
    assert (int(overloaded), int(caseholders)) == (now["officers_overloaded"], now["caseholders"])
    assert (int(open_cases), int(unprogressed)) == (now["open_cases"], now["unprogressed"])


def test_the_contract_page_names_every_table_and_column_the_validator_knows():
    from unitload.extract.schema import TABLES

    page = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in page.splitlines() if line.startswith("| `")}
    for table in TABLES:
        row = next((line for name, line in rows.items() if name.startswith(f"`{table.name}`")), None)
        assert row is not None, f"docs/contract.md has no row for table {table.name}"
        missing = [c.name for c in table.columns if f"`{c.name}`" not in row]
        assert not missing, f"docs/contract.md's {table.name} row does not name {missing}"


def test_the_readme_points_at_the_contract_page_not_at_a_file_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/contract.md)" in readme
    assert "`DATA_CONTRACT.md`" not in readme and "DATA_CONTRACT.md section" not in readme

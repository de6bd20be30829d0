"""Reference pages made from the code, so they cannot drift from it: `make docs` writes them,
and a test fails when a committed page differs from what the code gives now.

- docs/cli.md: every `unitload` command with its arguments and options, from the same objects that
  print `--help`;
- docs/queries.md: every named query's purpose, grain, parameters and columns, from the headers
  of queries/*.sql (the same headers the tests check against each query's output).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import typer

from queries import load_query, query_names
from unitload.cli import app

PAGES = ("cli.md", "queries.md")
NOTICE = "<!-- Made by `make docs` (unitload/reference.py) from the code: edit the code, not this page. -->"


def cli_reference() -> str:
    group = typer.main.get_command(app)
    lines = [NOTICE, "", "# The `unitload` command", "", _text(group.help), ""]
    lines += [
        "Every command error (a missing or unknown option, a value that cannot be used, a missing folder) is one"
        " line `unitload: error: ...` on stderr with exit code 2. Data that fails its checks is a result, not a"
        " command error: `validate`, `import` and a `promote` that validation rejects print their report and exit 1.",
        "",
    ]
    context = click.Context(group, info_name="unitload")
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        usage = " ".join(command.collect_usage_pieces(click.Context(command, info_name=name)))
        lines += [f"## `unitload {name}`", "", f"    unitload {name} {usage}", "", _text(command.help), ""]
        lines += ["| argument or option | meaning | default |", "|---|---|---|"]
        for param in command.params:
            if param.name == "help":
                continue
            shown = param.name if isinstance(param, click.Argument) else " / ".join(param.opts + param.secondary_opts)
            default = "" if param.required or param.default in (None, False, ()) else f"`{param.default}`"
            meaning = getattr(param, "help", None) or ""
            lines.append(f"| `{shown}`{' (required)' if param.required else ''} | {_cell(meaning)} | {default} |")
        lines.append("")
    return "\n".join(lines)


def query_catalogue() -> str:
    lines = [NOTICE, "", "# Named queries", ""]
    lines += [
        "Each is `queries/<name>.sql`, run by the app's pages, the monthly pack and "
        "`unitload query NAME --data DIR [--param KEY=VALUE ...]`. Settings parameters take their values "
        "from the settings file unless given; `$as_of` defaults to the extract's as-of day.",
        "",
    ]
    for name in query_names():
        query = load_query(name)
        lines += [f"## {name}", "", query.purpose, "", f"**Grain:** {query.grain}", ""]
        if query.uses:
            lines += ["**Uses:** " + ", ".join(f"[{u}](#{u})" for u in query.uses), ""]
        lines += ["**Parameters:** " + (", ".join(f"`${p}`" for p in query.parameters) or "none"), ""]
        lines += ["**Columns:** " + ", ".join(f"`{c}`" for c in query.columns), ""]
    return "\n".join(lines)


def pages() -> dict[str, str]:
    return {"cli.md": cli_reference(), "queries.md": query_catalogue()}


def _text(text: str | None) -> str:
    return " ".join((text or "").split())


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|")


def main(folder: str) -> None:
    for name, text in pages().items():
        (Path(folder) / name).write_text(text, encoding="utf-8")
        print(f"wrote {Path(folder) / name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")

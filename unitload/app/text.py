"""Text from the data shown inside Markdown: always literally, never as a link, a heading or a format."""

from __future__ import annotations

import re

import polars as pl

# what can make a link, an image, emphasis, code, a heading, a table, HTML or maths out of inline text
# (a hyphen, a dot or a plus only matter at the start of a line, where data text is never put)
_CHARACTERS = r"([\\`*_{}\[\]()#!|<>~$:])"
_MARKDOWN = re.compile(_CHARACTERS)


def escaped(text: object) -> str:
    """`text` (an id, a name, a code) with every Markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def escaped_column(text: pl.Expr) -> pl.Expr:
    """`escaped` for every row of a column (a null stays null)."""
    return text.cast(pl.String).str.replace_all(_CHARACTERS, r"\${1}")

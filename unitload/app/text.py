"""Text from the data shown inside Markdown: always literally, never as a link, a heading or a format.

Escaping Markdown's characters is not enough: Streamlit's Markdown (GitHub's flavour) turns a bare
`www.x.y`, `https://x.y` or `a@x.y` into a link after the escapes are read. A word joiner (U+2060: no
width, no break, ignored by screen readers) on each side of every `.`, `:` and `@` breaks those patterns
while the text reads and prints the same.
"""

from __future__ import annotations

import re

import polars as pl

# what can make a link, an image, emphasis, code, a heading, a table, HTML or maths out of inline text
# (a hyphen, a dot or a plus only matter at the start of a line, where data text is never put)
_CHARACTERS = r"([\\`*_{}\[\]()#!|<>~$:])"
_MARKDOWN = re.compile(_CHARACTERS)
_LINKING = r"([.:@])"  # what a bare link or address is made of
_JOINER = "\u2060"
# control characters (C0, DEL, C1) and Unicode's line and paragraph separators: none may break a line
_CONTROL = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"


def escaped(text: object) -> str:
    """`text` (an id, a name, a code) with every Markdown character escaped and no bare link left."""
    joined = re.sub(_LINKING, f"{_JOINER}\\1{_JOINER}", re.sub(_CONTROL, " ", str(text)))
    return _MARKDOWN.sub(r"\\\1", joined)


def escaped_column(text: pl.Expr) -> pl.Expr:
    """`escaped` for every row of a column (a null stays null)."""
    return (
        text.cast(pl.String)
        .str.replace_all(_CONTROL, " ")
        .str.replace_all(_LINKING, f"{_JOINER}${{1}}{_JOINER}")
        .str.replace_all(_CHARACTERS, r"\${1}")
    )

"""Text from the data shown inside Markdown: always literally, never as a link, a heading or a format."""

from __future__ import annotations

import re

# what can make a link, an image, emphasis, code, a heading, a table, HTML or maths out of inline text
# (a hyphen, a dot or a plus only matter at the start of a line, where data text is never put)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|<>~$:])")


def escaped(text: object) -> str:
    """`text` (an id, a name, a code) with every Markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", str(text))

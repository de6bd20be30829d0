"""Text from the data as one line: no character of it can start a line of its own in a message, a file or a log.

Control characters (C0, DEL, C1) and Unicode's line and paragraph separators become spaces, and runs of spaces
one. Validation refuses such characters in an extract (unitload.extract.checks); this is the second line of defence.
"""

from __future__ import annotations

import re

CONTROL = "[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]"  # the characters that may break a line, or hide one
_CONTROL = re.compile(CONTROL)


def one_line(text: object) -> str:
    """`text` on one line: every control character a space, runs of spaces one."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())

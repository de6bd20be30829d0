"""A validation finding: what broke, where, how often, and a few rows that show it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # characters that break or forge a line
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR blocks the extract, WARNING is shown beside it
    table: str
    column: str
    rule: str
    rows: int
    message: str
    examples: tuple[str, ...] = field(default=())
    file: str = ""

    def line(self) -> str:
        """One line naming the file, table, column, rule, row count and example rows (control characters
        from the data are escaped, so a value can never start a line of its own)."""
        where = f"{self.file}: " if self.file else ""
        column = f".{self.column}" if self.column else ""
        examples = f"; e.g. {', '.join(self.examples)}" if self.examples else ""
        count = f" ({self.rows} row{'s' if self.rows != 1 else ''})" if self.rows else ""
        text = f"{self.severity.upper()} {where}{self.table}{column} [{self.rule}]{count}: {self.message}{examples}"
        return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "table": self.table,
            "column": self.column,
            "rule": self.rule,
            "rows": self.rows,
            "message": self.message,
            "examples": list(self.examples),
        }


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)

"""Mapping expressions: a small language over source columns, parsed and checked, compiled to Polars.

An expression is parsed by Python's own `ast` (mode "eval") and only these forms are accepted: string and
number literals, calls of the functions in FUNCTIONS, `and`, `or`, `not`, `==` and `!=`. Nothing from the
mapping file is ever run or spliced into SQL: each function is a fixed Polars expression. A call that can
fail on a value (a date that does not parse, a value with no entry in its map) carries a check, which the
converter turns into one line per failing row naming the file, row, column and value.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from unitload.importing.errors import MappingError, cut, did_you_mean

MAX_EXPRESSION = 2_000  # characters of one expression: a real one is a line
TEXT, DATE, NUMBER, BOOL = "text", "date", "number", "yes/no"
# Date formats a mapping may name, as strptime patterns; "excel" is a serial day number (1900 date system).
DATE_FORMATS = {
    "dd/mm/yyyy": "%d/%m/%Y",
    "mm/dd/yyyy": "%m/%d/%Y",
    "dd-mm-yyyy": "%d-%m-%Y",
    "dd.mm.yyyy": "%d.%m.%Y",
    "dd/mm/yy": "%d/%m/%y",
    "dd mon yyyy": "%d %b %Y",
    "yyyy-mm-dd": "%Y-%m-%d",
    "iso": "%Y-%m-%d",
    "excel": "",
}
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 after Excel's 1900 leap-year bug
HOURS_TEXT = r"(?i)^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:h|hr|hrs|hour|hours)\s*$"  # "24 hrs", "37.5 hours"
PERCENT_TEXT = r"^\s*([0-9]*\.?[0-9]+)\s*%\s*$"  # "50%", "50 %", "12.5%"
SCALES = (1, 100)  # percent()'s scale of a plain number: 0.5 of 1, or 50 of 100


@dataclass(frozen=True)
class Check:
    """Rows where `failed` holds are errors: `problem` and the text of `value` from source `column`. A
    `warning` check is about the column as a whole: the rows it holds for are counted in one warning line."""

    failed: pl.Expr
    problem: str
    column: str
    value: pl.Expr
    warning: bool = False


@dataclass
class Compiled:
    expr: pl.Expr
    kind: str
    checks: list[Check] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the source columns read, in order


class Compiler:
    """Compiles the expressions of one table: `header` is its source columns, `maps` the file's value maps."""

    def __init__(self, where: str, header: list[str], maps: Mapping[str, Mapping[str, str]]):
        self.where, self.header, self.maps = where, header, maps

    def compile(self, text: str, place: str) -> Compiled:
        if len(text) > MAX_EXPRESSION:
            raise self._fail(place, f"{len(text):,} characters, over the {MAX_EXPRESSION:,} an expression may have")
        try:
            tree = ast.parse(text.strip(), mode="eval")
            return self._node(tree.body, place)
        except SyntaxError as exc:
            raise MappingError(f"{self.where}: {place}: {cut(text)!r} is not an expression ({exc.msg})") from None
        except (RecursionError, MemoryError):  # nesting deeper than a parser follows
            raise self._fail(place, f"{cut(text)!r} is nested too deeply") from None

    def _fail(self, place: str, why: str) -> MappingError:
        return MappingError(f"{self.where}: {place}: {why}")

    def _node(self, node: ast.AST, place: str) -> Compiled:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return Compiled(pl.lit(node.value, dtype=pl.String), TEXT)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return Compiled(pl.lit(float(node.value)), NUMBER)
        if isinstance(node, ast.BoolOp):
            parts = [self._want(v, BOOL, place) for v in node.values]
            joined = parts[0].expr
            for part in parts[1:]:
                joined = (joined & part.expr) if isinstance(node.op, ast.And) else (joined | part.expr)
            return _merged(joined, BOOL, parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._want(node.operand, BOOL, place)
            return _merged(~inner.expr, BOOL, [inner])
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq | ast.NotEq):
            left, right = self._node(node.left, place), self._node(node.comparators[0], place)
            if left.kind != right.kind:
                raise self._fail(place, f"{ast.unparse(node)!r} compares {left.kind} with {right.kind}")
            same = left.expr.eq_missing(right.expr)
            return _merged(same if isinstance(node.ops[0], ast.Eq) else ~same, BOOL, [left, right])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            function = FUNCTIONS.get(node.func.id)
            if function is None:
                known = ", ".join(sorted(FUNCTIONS))
                guess = did_you_mean(node.func.id, FUNCTIONS)
                raise self._fail(place, f"unknown function {node.func.id!r}{guess} (known: {known})")
            return function(self, node.args, place)
        raise self._fail(place, f"{ast.unparse(node)!r} is not allowed: use literals, functions, and/or/not, == and !=")

    def _want(self, node: ast.AST, kind: str, place: str) -> Compiled:
        got = self._node(node, place)
        if got.kind != kind:
            raise self._fail(place, f"{ast.unparse(node)!r} gives {got.kind}, where {kind} is needed")
        return got

    def _literal(self, node: ast.AST, place: str, what: str) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        raise self._fail(place, f"{what} must be a quoted text, not {ast.unparse(node)!r}")

    def _arity(self, args: list, low: int, high: int | None, name: str, place: str) -> None:
        if len(args) < low or (high is not None and len(args) > high):
            count = f"{low}" if high == low else f"{low} or more" if high is None else f"{low} to {high}"
            raise self._fail(place, f"{name}() takes {count} argument(s), not {len(args)}")


def _merged(expr: pl.Expr, kind: str, parts: list[Compiled]) -> Compiled:
    return Compiled(
        expr, kind, [c for p in parts for c in p.checks], list(dict.fromkeys(c for p in parts for c in p.columns))
    )


def _column(self: Compiler, args, place) -> Compiled:
    self._arity(args, 1, 1, "col", place)
    name = self._literal(args[0], place, "col()'s column name")
    if name not in self.header:
        guess = did_you_mean(name, self.header)
        shown = ", ".join(cut(h) for h in self.header[:40]) + (" ..." if len(self.header) > 40 else "")
        raise self._fail(
            place, f"no column {cut(name)!r} in the source{guess} (names are case-sensitive; its columns: {shown})"
        )
    text = pl.col(name).str.strip_chars()
    return Compiled(pl.when(text == "").then(None).otherwise(text), TEXT, [], [name])


def _source(compiled: Compiled) -> str:
    return compiled.columns[0] if compiled.columns else ""


def _text_of(compiled: Compiled) -> pl.Expr:
    return compiled.expr.cast(pl.String)


def _date(self: Compiler, args, place) -> Compiled:
    self._arity(args, 2, None, "date", place)
    value = self._want(args[0], TEXT, place)
    names = [self._literal(a, place, "a date format") for a in args[1:]]
    for name in names:
        if name not in DATE_FORMATS:
            guess = did_you_mean(name, DATE_FORMATS)
            raise self._fail(place, f"unknown date format {name!r}{guess} (known: {', '.join(DATE_FORMATS)})")
    text = value.expr
    # A date as ISO text is always accepted (a spreadsheet's real date cells are read as ISO text); a time
    # after the date (ISO date-time) is dropped, as the contract truncates timestamps to their date.
    iso = text.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    iso = pl.when(text.str.contains(r"^\d{4}-\d{2}-\d{2}(?:[T ].*)?$")).then(iso)
    parsed = {"iso": iso}
    for name in names:
        if name == "excel":
            serial = text.cast(pl.Float64, strict=False)
            days = pl.when((serial >= 1) & (serial < 2_958_466)).then(serial.floor().cast(pl.Int64))
            parsed[name] = pl.lit(EXCEL_EPOCH) + pl.duration(days=days)
        elif DATE_FORMATS[name] != "%Y-%m-%d":
            parsed[name] = text.str.strptime(pl.Date, DATE_FORMATS[name], strict=False)
    readings = list(parsed.values())
    result = pl.coalesce(readings)
    shown = " or ".join(names)
    unread = text.is_not_null() & result.is_null()
    checks = list(value.checks)
    if len(readings) > 1:
        differ = pl.any_horizontal([r.is_not_null() & (r != result) for r in readings[1:]])
        checks.append(Check(differ, f"is ambiguous: it reads as two different dates ({shown})", _source(value), text))
    swapped = next(((n, s) for n in names if (s := SWAPPED.get(n)) and s not in names), None)
    if swapped:  # day and month the other way round: a value only it reads, or every value both read
        name, other = swapped
        turned = text.str.strptime(pl.Date, _SWAPPED_PATTERNS[other], strict=False)
        order = "day-first" if other.startswith("dd") else "month-first"
        turned_only = unread & turned.is_not_null()
        problem = f'is not a date ({shown}); this column looks {order}: use "{other}"'
        checks.append(Check(turned_only, problem, _source(value), text))
        unread = unread & turned.is_null()
        mine = parsed[name]
        both = mine.is_not_null() & turned.is_not_null()
        doubtful = (mine.is_not_null() & turned.is_null()).sum().eq(0) & (both & (mine != turned)).any()
        problem = f'reads as a date both as "{name}" and as "{other}" in every row; read as "{name}": check a few'
        checks.append(Check(doubtful & both & (mine != turned), problem, _source(value), text, warning=True))
    checks.insert(len(value.checks), Check(unread, f"is not a date ({shown})", _source(value), text))
    return Compiled(result, DATE, checks, value.columns)


# day-first and month-first formats read the other way round (a format named here and its counterpart)
SWAPPED = {"dd/mm/yyyy": "mm/dd/yyyy", "mm/dd/yyyy": "dd/mm/yyyy", "dd/mm/yy": "mm/dd/yy"}
_SWAPPED_PATTERNS = {"mm/dd/yyyy": "%m/%d/%Y", "dd/mm/yyyy": "%d/%m/%Y", "mm/dd/yy": "%m/%d/%y"}


def _shift(days: int):
    def shift(self: Compiler, args, place) -> Compiled:
        self._arity(args, 1, 1, "day_after" if days > 0 else "day_before", place)
        value = self._want(args[0], DATE, place)
        return Compiled(value.expr + pl.duration(days=days), DATE, value.checks, value.columns)

    return shift


def _number(dtype):
    def number(self: Compiler, args, place) -> Compiled:
        self._arity(args, 1, 1, "number" if dtype == pl.Float64 else "integer", place)
        value = self._node(args[0], place)
        if value.kind == NUMBER:
            return value
        if value.kind != TEXT:
            raise self._fail(place, f"{ast.unparse(args[0])!r} gives {value.kind}, not text or a number")
        text = value.expr.str.replace_all(",", "")
        result = text.cast(dtype, strict=False)
        if dtype == pl.Int64:  # "2.0" from a spreadsheet's number cell is the whole number 2
            whole = text.cast(pl.Float64, strict=False)
            result = pl.when(whole == whole.floor()).then(whole.cast(pl.Int64))
        what = "a number" if dtype == pl.Float64 else "a whole number"
        check = Check(text.is_not_null() & result.is_null(), f"is not {what}", _source(value), value.expr)
        return Compiled(result.cast(pl.Float64), NUMBER, value.checks + [check], value.columns)

    return number


def _hours(self: Compiler, args, place) -> Compiled:
    """Weekly hours from "24 hrs" (hours) or "0.6" (a share of `full_time` hours); "22.5" alone is hours."""
    self._arity(args, 2, 2, "hours", place)
    value = self._want(args[0], TEXT, place)
    full = self._want(args[1], NUMBER, place)
    text = value.expr
    stated = text.str.extract(HOURS_TEXT, 1).cast(pl.Float64, strict=False)
    plain = text.cast(pl.Float64, strict=False)
    result = pl.coalesce(stated, pl.when(plain <= 1.5).then(plain * full.expr).otherwise(plain))
    check = Check(text.is_not_null() & result.is_null(), "is not hours (24 hrs) or a share (0.6)", _source(value), text)
    return Compiled(result, NUMBER, value.checks + full.checks + [check], value.columns)


def _percent(self: Compiler, args, place) -> Compiled:
    """A fraction from "50%" or "50 %" (always hundredths), or from a plain number on the stated scale:
    percent(x, 100) reads "50" as 0.5, percent(x, 1) reads "0.5" as 0.5. Outside 0-100 % is a row error."""
    self._arity(args, 1, 2, "percent", place)
    scale = None
    if len(args) == 2:
        if not (isinstance(args[1], ast.Constant) and type(args[1].value) in (int, float) and args[1].value in SCALES):
            raise self._fail(place, f"percent()'s scale must be 1 or 100, not {ast.unparse(args[1])!r}")
        scale = float(args[1].value)
    value = self._node(args[0], place)
    if value.kind not in (TEXT, NUMBER):
        raise self._fail(place, f"{ast.unparse(args[0])!r} gives {value.kind}, not text or a number")
    if value.kind == NUMBER and scale is None:
        raise self._fail(place, f"percent() of a number needs its scale: percent({ast.unparse(args[0])}, 100) or 1")
    if value.kind == NUMBER:
        plain, signed, text = value.expr, pl.lit(None, dtype=pl.Float64), _text_of(value)
    else:
        text = value.expr
        signed = text.str.extract(PERCENT_TEXT, 1).cast(pl.Float64, strict=False) / 100
        plain = text.cast(pl.Float64, strict=False)
    result = pl.coalesce(signed, plain / scale) if scale else signed
    given = value.expr.is_not_null()
    checks = list(value.checks)
    if scale is None and value.kind == TEXT:
        unsigned = given & signed.is_null() & plain.is_not_null()
        problem = "has no % sign: say how to read plain numbers, percent(x, 100) for 50 or percent(x, 1) for 0.5"
        checks.append(Check(unsigned, problem, _source(value), text))
        given = given & ~unsigned
    checks.append(Check(given & result.is_null(), "is not a percentage (50%, 50 %)", _source(value), text))
    outside = result.is_not_null() & ((result < 0) | (result > 1))
    checks.append(Check(outside, "is outside 0-100 %", _source(value), text))
    return Compiled(result, NUMBER, checks, value.columns)


def _map(self: Compiler, args, place) -> Compiled:
    self._arity(args, 2, 2, "map", place)
    value = self._want(args[0], TEXT, place)
    name = self._literal(args[1], place, "map()'s map name")
    table = self.maps.get(name)
    if table is None:
        guess = did_you_mean(name, self.maps)
        raise self._fail(place, f"no [maps.{name}] in the mapping{guess} (its maps: {', '.join(self.maps) or 'none'})")
    keys = {_key(k): v for k, v in table.items()}
    folded = value.expr.str.strip_chars().str.to_lowercase()
    mapped = folded.replace_strict(list(keys), [v or None for v in keys.values()], default=None, return_dtype=pl.String)
    check = Check(
        value.expr.is_not_null() & ~folded.is_in(list(keys)),
        f"has no entry in [maps.{name}]",
        _source(value),
        value.expr,
    )
    return Compiled(mapped, TEXT, value.checks + [check], value.columns)


def _key(text: str) -> str:
    return text.strip().lower()


def _concat(self: Compiler, args, place) -> Compiled:
    self._arity(args, 1, None, "concat", place)
    parts = [self._want(a, TEXT, place) for a in args]
    return _merged(pl.concat_str([p.expr for p in parts], ignore_nulls=True), TEXT, parts)


def _text_function(name: str, apply):
    def function(self: Compiler, args, place) -> Compiled:
        self._arity(args, 1, 1, name, place)
        value = self._node(args[0], place)
        if value.kind == NUMBER:  # a number as text: 2.0 -> "2"
            whole = value.expr == value.expr.floor()
            shown = pl.when(whole).then(value.expr.cast(pl.Int64).cast(pl.String)).otherwise(_text_of(value))
            value = Compiled(shown, TEXT, value.checks, value.columns)
        elif value.kind != TEXT:
            raise self._fail(place, f"{name}() needs text, not {value.kind}")
        return Compiled(apply(value.expr), TEXT, value.checks, value.columns)

    return function


def _first(self: Compiler, args, place) -> Compiled:
    self._arity(args, 2, None, "first", place)
    parts = [self._node(a, place) for a in args]
    kinds = {p.kind for p in parts}
    if len(kinds) > 1:
        raise self._fail(place, f"first()'s values must be of one kind, not {', '.join(sorted(kinds))}")
    return _merged(pl.coalesce([p.expr for p in parts]), parts[0].kind, parts)


def _blank(self: Compiler, args, place) -> Compiled:
    self._arity(args, 1, 1, "blank", place)
    value = self._node(args[0], place)
    return Compiled(value.expr.is_null(), BOOL, value.checks, value.columns)


def _starts_with(self: Compiler, args, place) -> Compiled:
    self._arity(args, 2, 2, "starts_with", place)
    value = self._want(args[0], TEXT, place)
    prefix = self._literal(args[1], place, "starts_with()'s prefix").lower()
    return Compiled(value.expr.str.to_lowercase().str.starts_with(prefix).fill_null(False), BOOL, value.checks)


def _row_key(self: Compiler, args, place) -> Compiled:
    """A stable id for a source with none: the prefix, the file's number among the table's files, the row."""
    self._arity(args, 1, 1, "row_key", place)
    prefix = self._literal(args[0], place, "row_key()'s prefix")
    parts = [pl.lit(prefix), pl.col("_file_no").cast(pl.String), pl.lit("-"), pl.col("_row").cast(pl.String)]
    return Compiled(pl.concat_str(parts), TEXT)


FUNCTIONS = {
    "col": _column,
    "date": _date,
    "day_after": _shift(1),
    "day_before": _shift(-1),
    "number": _number(pl.Float64),
    "integer": _number(pl.Int64),
    "hours": _hours,
    "percent": _percent,
    "map": _map,
    "concat": _concat,
    "upper": _text_function("upper", lambda e: e.str.to_uppercase()),
    "lower": _text_function("lower", lambda e: e.str.to_lowercase()),
    "text": _text_function("text", lambda e: e),
    "first": _first,
    "blank": _blank,
    "starts_with": _starts_with,
    "row_key": _row_key,
}

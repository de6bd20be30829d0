"""Text from the data inside a Plotly figure: always shown as text, never as Plotly's markup.

Plotly draws a subset of HTML in every string of a figure (tick labels, hover text, bar text, legend
names, annotations): `<a href>` becomes a link, `<b>` and `<span style>` change the text. A name or an
offence from an export is therefore escaped before it reaches a figure (`&`, `<` and `>` as entities,
which Plotly shows as the characters), while a chart's own markup (`<br>` between hover lines) is added
after and still works. `chart_text` reads the figure back as the text a person sees.
"""

from __future__ import annotations

import functools
import html

import polars as pl


def plain(text: object) -> str:
    """`text` as Plotly shows it literally."""
    return html.escape(str(text), quote=False)


def plain_frame(frame: pl.DataFrame, reads: frozenset[str] | None = None) -> pl.DataFrame:
    """`frame` with every text column escaped for a figure (nulls stay null); with `reads`, only those of them.

    Ids, codes and dates almost never hold `&`, `<` or `>`: the columns are searched once, together, and only
    a column holding one is rewritten, in one pass (a region's forensic queue, 120,000 items, was rewritten
    three times over for each of its charts)."""
    texts = [c for c, kind in frame.schema.items() if kind == pl.String and (reads is None or c in reads)]
    if not texts or frame.is_empty():
        return frame
    held = frame.select(pl.col(c).str.contains(r"[&<>]").any() for c in texts).row(0)
    marked = [c for c, has in zip(texts, held, strict=True) if has]
    return frame.with_columns(pl.col(c).str.replace_many(_MARKUP, _ENTITIES) for c in marked) if marked else frame


_MARKUP, _ENTITIES = ["&", "<", ">"], ["&amp;", "&lt;", "&gt;"]  # replaced together: "&lt;" is never escaped twice


def shown(text: str) -> str:
    """What Plotly shows for a string of a figure: its entities as characters."""
    return html.unescape(text)


def data_text(build=None, *, reads: tuple[str, ...] | None = None):
    """A figure builder whose frames' text columns are escaped (`plain_frame`) before it reads them.

    `@data_text(reads=(...))` names the only text columns the builder draws: the others reach it as they are,
    unsearched (a force's forensic queue has ten text columns; its charts draw two to five of them)."""
    if build is None:
        return functools.partial(data_text, reads=reads)
    only = frozenset(reads) if reads is not None else None

    @functools.wraps(build)
    def built(*args, **kwargs):
        args = [plain_frame(a, only) if isinstance(a, pl.DataFrame) else a for a in args]
        kwargs = {k: plain_frame(v, only) if isinstance(v, pl.DataFrame) else v for k, v in kwargs.items()}
        return build(*args, **kwargs)

    return built

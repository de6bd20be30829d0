"""How an officer is labelled wherever one is shown: by id, or "Name (id)" when names may be shown."""

from __future__ import annotations

import polars as pl


def labelled(
    frame: pl.DataFrame, names: dict[str, str], column: str = "officer_id", label: str = "officer"
) -> pl.DataFrame:
    """Add a `label` column to `frame`: `column`'s officer id, or "Name (id)" for the ids in `names`.

    `names` is empty when names are not to be shown; an id it lacks (an officer outside the user's
    scope) stays an id, and a null id stays null.
    """
    ids = pl.col(column)
    if not names:
        return frame.with_columns(ids.alias(label))
    name = ids.replace_strict(names, default=None, return_dtype=pl.String)
    return frame.with_columns(pl.when(name.is_null()).then(ids).otherwise(pl.format("{} ({})", name, ids)).alias(label))

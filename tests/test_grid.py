"""What a page's table sends to the browser's grid: the same cells, repeated text sent once per value."""

import polars as pl
from polars.testing import assert_frame_equal

from unitload.app.exports import SENT_ONCE_FROM, for_the_grid


def _rows(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "case_id": [f"C{i:06d}" for i in range(n)],
            "team": [("CID-A", "CID-B", "PVP-A")[i % 3] for i in range(n)],
            "officer": [None if i % 5 == 0 else f"P{i % 7}" for i in range(n)],
            "days": list(range(n)),
        }
    )


def test_a_long_list_sends_its_repeating_text_as_categories_and_keeps_every_cell():
    rows = _rows(SENT_ONCE_FROM)
    sent = for_the_grid(rows)
    assert sent.schema["team"] == pl.Categorical and sent.schema["officer"] == pl.Categorical
    assert sent.schema["case_id"] == pl.String and sent.schema["days"] == pl.Int64  # unique ids: text as they are
    expected = rows.with_columns(pl.col("officer").fill_null(""))  # an empty cell is empty, not "None"
    assert_frame_equal(sent.with_columns(pl.col(pl.Categorical).cast(pl.String)), expected)
    assert str(sent.to_arrow().schema.field("team").type).startswith("dictionary")  # each team crosses once


def test_a_column_the_page_gives_a_type_of_its_own_is_sent_as_text():
    sent = for_the_grid(_rows(SENT_ONCE_FROM), keep={"team"})
    assert sent.schema["team"] == pl.String and sent.schema["officer"] == pl.Categorical


def test_a_short_table_is_sent_as_it_is():
    rows = _rows(SENT_ONCE_FROM - 1)
    sent = for_the_grid(rows)
    assert sent.schema == rows.schema
    assert_frame_equal(sent, rows.with_columns(pl.col("officer").fill_null("")))


def test_the_grid_is_sent_an_arrow_table_of_the_same_cells_with_plain_text_and_dates():
    import datetime as dt

    import pyarrow as pa

    from unitload.app.exports import grid_arrow

    rows = _rows(SENT_ONCE_FROM).with_columns(
        on=pl.when(pl.col("days") % 4 == 0)
        .then(None)
        .otherwise(pl.lit(dt.date(2026, 10, 31)) - pl.duration(days="days")),
        gap=pl.when(pl.col("days") % 3 == 0).then(None).otherwise(pl.col("days")),  # a number's null stays a null
    )
    sent = grid_arrow(for_the_grid(rows))
    types = {f.name: f.type for f in sent.schema}
    assert types == {
        "case_id": pa.string(),  # not large_string: half the offsets' bytes, as the pandas route sent
        "team": pa.dictionary(pa.uint32(), pa.string()),
        "officer": pa.dictionary(pa.uint32(), pa.string()),
        "days": pa.int64(),
        "on": pa.date32(),  # a day, not a timestamp
        "gap": pa.int64(),  # not a float for its nulls
    }
    assert not any(f.metadata for f in sent.schema)  # no Polars notes to the browser
    back = pl.from_arrow(sent).with_columns(pl.col(pl.Categorical).cast(pl.String))
    assert_frame_equal(back, rows.with_columns(pl.col("officer").fill_null("")))

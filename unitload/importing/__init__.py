"""`unitload import`: a force's own exports to a contract extract, with a mapping file per source system.

errors (what a person is told), mapping (the TOML file), expressions (its small language, compiled to Polars),
readers (CSV, TSV, XLSX, Parquet to text with row numbers), convert (one table and its checks), run (the
whole import, written only when everything converts and validates), exports (the generator's extract as two
made-up systems' exports, for the round trip), command (the command line).
"""

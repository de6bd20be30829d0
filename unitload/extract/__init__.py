"""An extract (DATA_CONTRACT.md section 1), from its folder to the views every query reads:

- `folder`: an extract folder, its manifest and where each table's files are; `files`: opening a file that must
  be a regular file of its own;
- `schema`: the table of tables (columns, types, accepted values, scope rules); `columns`: column headings in
  words;
- `db`: the hardened DuckDB connection and an extract's views (`Source`);
- `checks`, `validate`, `findings`: the validation rules, running them, and what they found;
- `tables`: writing contract tables (the generator, import, tests); `promote`: putting a validated extract
  behind the running dashboard.
"""

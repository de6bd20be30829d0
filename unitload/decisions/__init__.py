"""Decisions on attention items (DATA_CONTRACT.md section 6): what a line manager decided, who must do it, by when,
and whether it was done, taken from the data.

- `actions`: the actions, the kind of item each is for, and how each is done;
- `ledger`: recording a decision (append-only) and reading them back for the queries;
- `checks`: the refusals, each naming its field: the extract on the day decided is what a decision is checked against.

The status on a day is the named query `decision_status`; the attention list reads it.
"""

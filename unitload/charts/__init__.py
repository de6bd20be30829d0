"""Plotly figures from query results (no Streamlit, no data access), one module per page:

- `workload`: load per officer, the heat strip, the trend, an officer's timeline, and the parts of the ageing
  charts (points per column, boxes past a few thousand, at most 60 officers);
- `cases`, `forensics`, `planner`: the Case progression, Forensic backlog and Staffing planner pages' figures;
- `text`: every chart's text alternatives, read from the figure; `markup`: data text kept out of Plotly's markup;
- `palette`: the colour-blind-safe colours.
"""

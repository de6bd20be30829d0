"""Staffing scenarios and what they change (DATA_CONTRACT.md section 5):

- `scenario`: the contract's JSON form of a scenario; `edits`: its edits of the extract's tables;
- `planner`: measuring a scenario beside the baseline, the rebalancing proposal;
- `projection`: the 12-month projection, each team's intake and closures carried forward;
- `forecast`: the forensic backlog forecasts (Little's law, Monte Carlo); `capacity`: why capacity is reduced.
"""

-- How a team scope reads its extract's snapshot tables (queries/snapshots.py, scope_snapshots): the
-- rows that the named queries would compute on the scope's own views (unitload/scopes.py). Run in the
-- scope's schema, where `officers` and `cases` are the scope's views and `base_snap_<name>` the
-- extract's snapshot tables. tests/test_queries.py checks every view against the live queries.
--
-- workload_groups has no view here: its totals per unit and team are not a filter of the extract's
-- (queries/snapshots.py, WHOLE_EXTRACT_ONLY), so a team scope computes it from the views below.
--
-- A case held on D by an officer outside the scope shows that officer by id only: no team, not absent,
-- not long-term absent, not left (the scope's views hold none of that officer's rows).
create or replace view snap_case_progress as
select * replace (
    case when officer_id in (select officer_id from officers) then oic_team end as oic_team,
    oic_absent and officer_id in (select officer_id from officers) as oic_absent,
    oic_long_term_absent and officer_id in (select officer_id from officers) as oic_long_term_absent,
    oic_left and officer_id in (select officer_id from officers) as oic_left,
    case when officer_id in (select officer_id from officers) then oic_absence_kind end as oic_absence_kind,
    case when officer_id in (select officer_id from officers) then oic_absent_since end as oic_absent_since,
    case when officer_id in (select officer_id from officers) then oic_absent_until end as oic_absent_until
)
from base_snap_case_progress
where case_id in (select case_id from cases);

create or replace view snap_officer_load as
select * from base_snap_officer_load
where officer_id in (select officer_id from officers);

-- the live query joins the scope's officers: an officer of another team is no holder at all
create or replace view snap_forensic_queue as
select * replace (
    case when officer_id in (select officer_id from officers) then officer_id end as officer_id,
    case when officer_id in (select officer_id from officers) then oic_team end as oic_team
)
from base_snap_forensic_queue
where case_id in (select case_id from cases);

create or replace view snap_first_action as
select * replace (case when first_officer_id in (select officer_id from officers) then team end as team)
from base_snap_first_action
where case_id in (select case_id from cases);

create or replace view snap_exhibit_dates as
select * from base_snap_exhibit_dates
where case_id in (select case_id from cases);

-- the live query joins the scope's officers for the line manager's own manager: one of another team is none
create or replace view snap_officer_supervision as
select * replace (case when supervisor_id in (select officer_id from officers) then inspector_id end as inspector_id)
from base_snap_officer_supervision
where officer_id in (select officer_id from officers);

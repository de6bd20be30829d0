-- purpose: The headline figures of the monthly workload review at every day D of the calendar, per
--   team, so that a month, its change on the month before and a 24-month trend come from one query.
-- grain: one row per day D of the calendar per unit and team; team is null for unallocated cases and
--   for forensic items whose case has no officer in charge on D
-- uses: workload_groups
-- parameters:
--   $units  VARCHAR[]  units to include; null for every unit
--   $teams  VARCHAR[]  teams to include; null for every team
-- columns:
--   as_of                         the day D
--   month_index                   0 for $as_of, 1 for the month end before it, and so on
--   unit                          unit
--   team                          team (of the officer, or of the case's officer in charge)
--   caseholders                   officers in post who are investigators or hold at least one case
--   capacity_points               their capacity_points, summed
--   weighted_load                 their weighted_load, summed
--   officers_overloaded           caseholders with overloaded
--   officers_sustained_overload   caseholders with sustained_overload
--   part_time_full_load           caseholders with part_time_full_load
--   open_cases                    cases open on D
--   unprogressed                  open cases with unprogressed
--   unprogressed_over_90          unprogressed cases with days_since_progress > 90
--   unprogressed_over_180         unprogressed cases with days_since_progress > 180
--   unprogressed_over_365         unprogressed cases with days_since_progress > 365
--   review_overdue                open cases with review_overdue
--   oic_long_term_absent_or_left  open cases whose officer in charge is long-term absent on D or has left
--   long_term_absent_holding_cases  officers long-term absent on D and holding at least one open case
--   long_term_absent_officers     caseholders long-term absent on D, holding cases or not
--   unallocated                   open cases with no officer in charge
--   forensic_items                exhibits in the forensic queue on D
--   forensic_oldest_days          age_days of the oldest of them
with
final as (
    select as_of, month_index, * exclude (as_of, month_index)  -- a snapshot read gives month_index last
    from workload_groups
    where in_scope(unit, team, cast($units as varchar[]), cast($teams as varchar[]))
)

select * from final
order by as_of, unit, team nulls last

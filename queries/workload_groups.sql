-- purpose: The headline figures of the monthly workload review at every day D of the calendar, per
--   unit and team, for every unit and team: a snapshot made once per extract (workload_trend picks
--   the units and teams asked for).
-- grain: one row per day D of the calendar per unit and team; team is null for unallocated cases and
--   for forensic items whose case has no officer in charge on D
-- uses: officer_load, case_progress, forensic_queue
-- parameters:
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
officer_figures as (
    select
        as_of,
        month_index,
        unit,
        team,
        count(*) as caseholders,
        sum(capacity_points) as capacity_points,
        sum(weighted_load) as weighted_load,
        count(*) filter (where overloaded) as officers_overloaded,
        count(*) filter (where sustained_overload) as officers_sustained_overload,
        count(*) filter (where part_time_full_load) as part_time_full_load,
        count(*) filter (where long_term_absent and open_cases > 0) as long_term_absent_holding_cases,
        count(*) filter (where long_term_absent) as long_term_absent_officers
    from officer_load
    where caseholder
    group by as_of, month_index, unit, team
),

case_figures as (
    select
        as_of,
        month_index,
        unit,
        oic_team as team,
        count(*) as open_cases,
        count(*) filter (where unprogressed) as unprogressed,
        count(*) filter (where unprogressed and days_since_progress > 90) as unprogressed_over_90,
        count(*) filter (where unprogressed and days_since_progress > 180) as unprogressed_over_180,
        count(*) filter (where unprogressed and days_since_progress > 365) as unprogressed_over_365,
        count(*) filter (where review_overdue) as review_overdue,
        count(*) filter (where oic_long_term_absent or oic_left) as oic_long_term_absent_or_left,
        count(*) filter (where unallocated) as unallocated
    from case_progress
    group by as_of, month_index, unit, oic_team
),

forensic_figures as (
    -- the item's case's unit (forensic_queue carries it), and the team of its officer in charge when the case is
    -- open on D (case_progress); a closed case's items count under its unit and no team
    select
        q.as_of,
        q.month_index,
        q.unit,
        p.oic_team as team,
        count(*) as forensic_items,
        max(q.age_days) as forensic_oldest_days
    from forensic_queue as q
    left join case_progress as p on p.case_id = q.case_id and p.as_of = q.as_of
    group by q.as_of, q.month_index, q.unit, p.oic_team
),

combined as (
    select * from officer_figures
    union all by name
    select * from case_figures
    union all by name
    select * from forensic_figures
),

final as (
    select
        as_of,
        month_index,
        unit,
        team,
        cast(coalesce(sum(caseholders), 0) as bigint) as caseholders,
        coalesce(sum(capacity_points), 0.0) as capacity_points,
        coalesce(sum(weighted_load), 0.0) as weighted_load,
        cast(coalesce(sum(officers_overloaded), 0) as bigint) as officers_overloaded,
        cast(coalesce(sum(officers_sustained_overload), 0) as bigint) as officers_sustained_overload,
        cast(coalesce(sum(part_time_full_load), 0) as bigint) as part_time_full_load,
        cast(coalesce(sum(open_cases), 0) as bigint) as open_cases,
        cast(coalesce(sum(unprogressed), 0) as bigint) as unprogressed,
        cast(coalesce(sum(unprogressed_over_90), 0) as bigint) as unprogressed_over_90,
        cast(coalesce(sum(unprogressed_over_180), 0) as bigint) as unprogressed_over_180,
        cast(coalesce(sum(unprogressed_over_365), 0) as bigint) as unprogressed_over_365,
        cast(coalesce(sum(review_overdue), 0) as bigint) as review_overdue,
        cast(coalesce(sum(oic_long_term_absent_or_left), 0) as bigint) as oic_long_term_absent_or_left,
        cast(coalesce(sum(long_term_absent_holding_cases), 0) as bigint) as long_term_absent_holding_cases,
        cast(coalesce(sum(long_term_absent_officers), 0) as bigint) as long_term_absent_officers,
        cast(coalesce(sum(unallocated), 0) as bigint) as unallocated,
        cast(coalesce(sum(forensic_items), 0) as bigint) as forensic_items,
        max(forensic_oldest_days) as forensic_oldest_days
    from combined
    group by as_of, month_index, unit, team
)

select * from final
order by as_of, unit, team nulls last

-- purpose: The headline figures of the monthly workload review for the chosen units and teams, one
--   row per day D of the calendar: workload_trend summed over teams, with the unit's load percentage.
-- grain: one row per day D of the calendar ($as_of and the $months - 1 month ends before it)
-- uses: workload_trend
-- parameters:
-- columns:
--   as_of                         the day D
--   month_index                   0 for $as_of, 1 for the month end before it, and so on
--   caseholders                   officers in post who are investigators or hold at least one case
--   capacity_points               their capacity_points, summed
--   weighted_load                 their weighted_load, summed
--   load_pct                      100 x weighted_load / capacity_points, the unit's load (null: no capacity)
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
summed as (
    select
        as_of,
        month_index,
        cast(sum(caseholders) as bigint) as caseholders,
        sum(capacity_points) as capacity_points,
        sum(weighted_load) as weighted_load,
        cast(sum(officers_overloaded) as bigint) as officers_overloaded,
        cast(sum(officers_sustained_overload) as bigint) as officers_sustained_overload,
        cast(sum(part_time_full_load) as bigint) as part_time_full_load,
        cast(sum(open_cases) as bigint) as open_cases,
        cast(sum(unprogressed) as bigint) as unprogressed,
        cast(sum(unprogressed_over_90) as bigint) as unprogressed_over_90,
        cast(sum(unprogressed_over_180) as bigint) as unprogressed_over_180,
        cast(sum(unprogressed_over_365) as bigint) as unprogressed_over_365,
        cast(sum(review_overdue) as bigint) as review_overdue,
        cast(sum(oic_long_term_absent_or_left) as bigint) as oic_long_term_absent_or_left,
        cast(sum(long_term_absent_holding_cases) as bigint) as long_term_absent_holding_cases,
        cast(sum(long_term_absent_officers) as bigint) as long_term_absent_officers,
        cast(sum(unallocated) as bigint) as unallocated,
        cast(sum(forensic_items) as bigint) as forensic_items,
        max(forensic_oldest_days) as forensic_oldest_days
    from workload_trend
    group by as_of, month_index
),

final as (
    select
        as_of,
        month_index,
        caseholders,
        capacity_points,
        weighted_load,
        case when capacity_points > 0 then 100.0 * weighted_load / capacity_points end as load_pct,
        officers_overloaded,
        officers_sustained_overload,
        part_time_full_load,
        open_cases,
        unprogressed,
        unprogressed_over_90,
        unprogressed_over_180,
        unprogressed_over_365,
        review_overdue,
        oic_long_term_absent_or_left,
        long_term_absent_holding_cases,
        long_term_absent_officers,
        unallocated,
        forensic_items,
        forensic_oldest_days
    from summed
)

select * from final
order by as_of

-- purpose: officer_load for the chosen units and teams, at the as-of day and the month ends before it:
--   the rows the Officer workload page draws (its bars, table and heat strip).
-- grain: one row per officer in post on D, in the chosen units and teams, per day D of the calendar
-- uses: officer_load
-- parameters:
--   $units  VARCHAR[]  units to include; null for every unit
--   $teams  VARCHAR[]  teams to include; null for every team
-- columns:
--   officer_id           as officer_load
--   team                 as officer_load
--   fte                  as officer_load
--   availability         as officer_load
--   capacity_points      as officer_load
--   open_cases           as officer_load
--   weighted_load        as officer_load
--   load_pct             as officer_load
--   overloaded           as officer_load
--   part_time_full_load  as officer_load
--   absent               as officer_load
--   long_term_absent     as officer_load
--   absent_since         as officer_load
--   absence_kind         as officer_load
--   unit                 as officer_load
--   role                 as officer_load
--   caseholder           as officer_load
--   contracted_hours     as officer_load
--   sustained_overload   as officer_load
--   reduced_by           as officer_load
--   absence_from         as officer_load
--   absence_to           as officer_load
--   absence_days         as officer_load
--   long_term_spell      as officer_load
--   as_of                as officer_load
--   month_index          as officer_load
with
final as (
    select
        officer_id,
        team,
        fte,
        availability,
        capacity_points,
        open_cases,
        weighted_load,
        load_pct,
        overloaded,
        part_time_full_load,
        absent,
        long_term_absent,
        absent_since,
        absence_kind,
        unit,
        role,
        caseholder,
        contracted_hours,
        sustained_overload,
        reduced_by,
        absence_from,
        absence_to,
        absence_days,
        long_term_spell,
        as_of,
        month_index
    from officer_load
    where in_scope(unit, team, cast($units as varchar[]), cast($teams as varchar[]))
)

select * from final
order by officer_id, as_of

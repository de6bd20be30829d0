-- purpose: Each officer's run of consecutive overloaded snapshots, telling sustained overload (at
--   sustained_months consecutive month ends) from one bad month.
-- grain: one row per officer in post per day D of the calendar, as officer_load
-- uses: officer_load
-- parameters:
--   $sustained_months  INTEGER  overload at this many consecutive month ends is sustained
-- columns:
--   officer_id          officer key
--   as_of               the day D of this row
--   month_index         0 for $as_of, 1 for the month end before it, and so on
--   unit                the officer's unit
--   team                the officer's team
--   role                the officer's role
--   caseholder          as officer_load
--   fte                 as officer_load
--   capacity_points     as officer_load
--   open_cases          as officer_load
--   weighted_load       as officer_load
--   load_pct            as officer_load
--   overloaded          as officer_load
--   part_time_full_load as officer_load
--   absent              as officer_load
--   overload_streak     consecutive snapshots up to D at which the officer was overloaded (0 when not)
--   sustained_overload  overload_streak >= sustained_months
with
runs as (
    -- consecutive overloaded snapshots share a run id: month_index falls by one as run_position rises by one
    select
        *,
        -month_index - row_number() over (partition by officer_id, overloaded order by as_of) as run_id
    from officer_load
),

streaks as (
    select
        *,
        case when overloaded
            then row_number() over (partition by officer_id, overloaded, run_id order by as_of)
            else 0 end as overload_streak
    from runs
),

final as (
    select
        officer_id,
        as_of,
        month_index,
        unit,
        team,
        role,
        caseholder,
        fte,
        capacity_points,
        open_cases,
        weighted_load,
        load_pct,
        overloaded,
        part_time_full_load,
        absent,
        overload_streak,
        overload_streak >= $sustained_months as sustained_overload
    from streaks
)

select * from final
order by officer_id, as_of

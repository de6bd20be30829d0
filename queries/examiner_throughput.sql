-- purpose: Throughput of each forensic examiner over the trailing window, adjusted for their hours
--   and absences as for investigators: downloads completed and examinations reported per available
--   full-time week.
-- grain: one row per officer with role forensic_examiner in post on $as_of, or who examined or
--   downloaded an item in the window
-- uses: officer_load, exhibit_dates
-- parameters:
--   $as_of  DATE  the as-of day
--   $throughput_weeks  INTEGER  the trailing window, in weeks
-- columns:
--   examiner_id            officer key
--   team                   the examiner's team
--   downloads_completed    downloads they completed in the window (by examiner_id)
--   examined               examinations they reported in the window
--   available_fte          fte x availability (point-in-time) averaged over the month-end snapshots whose
--                          month overlaps the window
--   fte_weeks              available_fte x weeks in the window
--   examined_per_fte_week  examined / fte_weeks (null when fte_weeks is 0)
--   downloads_per_fte_week downloads_completed / fte_weeks (null when fte_weeks is 0)
with
window_days as (
    select
        cast($as_of as date) - cast(7 * $throughput_weeks as integer) as starts_after,
        cast($as_of as date) as ends_on
),

work as (
    select
        e.examiner_id,
        count(*) filter (where e.download_completed_on > w.starts_after and e.download_completed_on <= w.ends_on)
            as downloads_completed,
        count(*) filter (where e.examined_on > w.starts_after and e.examined_on <= w.ends_on) as examined
    from exhibit_dates as e, window_days as w
    where e.examiner_id is not null
        -- implied by the condition below (last_event_on is the latest date); it skips the stored blocks of
        -- older items
        and e.last_event_on > cast($as_of as date) - cast(7 * $throughput_weeks as integer)
        and (
            e.download_completed_on > w.starts_after and e.download_completed_on <= w.ends_on
            or e.examined_on > w.starts_after and e.examined_on <= w.ends_on
        )
    group by e.examiner_id
),

capacity as (
    -- the officer_load snapshots whose period overlaps the window
    select
        l.officer_id,
        any_value(l.team) as team,
        bool_or(l.role = 'forensic_examiner' and l.month_index = 0) as examiner_now,
        avg(l.fte * l.availability) as available_fte
    from officer_load as l, window_days as w
    where l.as_of > w.starts_after - 31
    group by l.officer_id
),

final as (
    select
        c.officer_id as examiner_id,
        c.team,
        coalesce(k.downloads_completed, 0) as downloads_completed,
        coalesce(k.examined, 0) as examined,
        coalesce(c.available_fte, 0.0) as available_fte,
        coalesce(c.available_fte, 0.0) * $throughput_weeks as fte_weeks,
        case when fte_weeks > 0 then examined / fte_weeks end as examined_per_fte_week,
        case when fte_weeks > 0 then downloads_completed / fte_weeks end as downloads_per_fte_week
    from capacity as c
    left join work as k on k.examiner_id = c.officer_id
    where c.examiner_now or k.examiner_id is not null
)

select * from final
order by examiner_id

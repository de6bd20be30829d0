-- purpose: Forensic turnaround: days from submission to download completed and from submission to
--   examined, for the items that reached that point in the trailing window, overall and by priority.
-- grain: one row per measure (to_downloaded, to_examined) per priority, plus priority 'all'
-- uses: turnaround_points
-- parameters:
--   $as_of             DATE       the as-of day
--   $throughput_weeks  INTEGER    the trailing window, in weeks
--   $units             VARCHAR[]  units to include (of the case); null for every unit
--   $device_types      VARCHAR[]  device types to include; null for all
-- columns:
--   measure    to_downloaded (submission to download completed) or to_examined (submission to examined)
--   priority   urgent, high, standard, low, or all
--   items      items that reached the end point in the window
--   p50        50th percentile of the days (continuous)
--   p85        85th percentile
--   p95        95th percentile
with
in_window as (
    select measure, priority, done_on - submitted_on as days
    from turnaround_points
    where last_event_on > cast($as_of as date) - cast(7 * $throughput_weeks as integer)
        and done_on > cast($as_of as date) - cast(7 * $throughput_weeks as integer)
        and done_on <= cast($as_of as date)
        and in_exhibit_scope(
            unit, priority, device_type,
            cast($units as varchar[]), null, cast($device_types as varchar[])
        )
),

grouped as (
    select
        measure,
        coalesce(priority, 'all') as priority,
        count(*) as items,
        quantile_cont(days, [0.50, 0.85, 0.95]) as q  -- the three from one sort
    from in_window
    group by grouping sets ((measure, priority), (measure))
),

final as (
    select measure, priority, items, q[1] as p50, q[2] as p85, q[3] as p95
    from grouped
)

select * from final
order by measure, list_position(['all', 'urgent', 'high', 'standard', 'low'], priority)

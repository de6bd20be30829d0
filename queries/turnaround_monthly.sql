-- purpose: The month-by-month trend of forensic turnaround: percentiles of days from submission for
--   the items that reached download completed, or examined, in each calendar month.
-- grain: one row per measure per month, for the $months months up to the month of $as_of (the last
--   one only up to $as_of), a month in which no item reached the end point included (items 0)
-- uses: turnaround_points
-- parameters:
--   $as_of         DATE       the as-of day
--   $months        INTEGER    months in the trend
--   $units         VARCHAR[]  units to include (of the case); null for every unit
--   $priorities    VARCHAR[]  priorities to include; null for all
--   $device_types  VARCHAR[]  device types to include; null for all
-- columns:
--   measure    to_downloaded or to_examined
--   month      first day of the month the items reached the end point
--   items      items that reached it in the month
--   p50        50th percentile of days from submission (continuous); null when items is 0
--   p85        85th percentile
--   p95        95th percentile
with
months_asked as (
    select
        m.measure,
        cast(date_trunc('month', cast($as_of as date)) as date) - to_months(cast(t.k as integer)) as month
    from range(cast($months as bigint)) as t(k)
    cross join (select unnest(['to_downloaded', 'to_examined']) as measure) as m
),

grouped as (
    select
        measure,
        cast(date_trunc('month', done_on) as date) as month,
        count(*) as items,
        quantile_cont(done_on - submitted_on, [0.50, 0.85, 0.95]) as q  -- the three from one sort
    from turnaround_points
    where done_on <= cast($as_of as date)
        and done_on >= cast(date_trunc('month', cast($as_of as date)) as date) - to_months(cast($months as integer) - 1)
        -- implied by the line above (last_event_on >= done_on); it skips the stored blocks of older items
        and last_event_on
            >= cast(date_trunc('month', cast($as_of as date)) as date) - to_months(cast($months as integer) - 1)
        and in_exhibit_scope(
            unit, priority, device_type,
            cast($units as varchar[]), cast($priorities as varchar[]), cast($device_types as varchar[])
        )
    group by measure, month
),

final as (
    select
        a.measure,
        cast(a.month as date) as month,
        coalesce(g.items, 0) as items,
        g.q[1] as p50,
        g.q[2] as p85,
        g.q[3] as p95
    from months_asked as a
    left join grouped as g on g.measure = a.measure and g.month = a.month
)

select * from final
order by measure, month

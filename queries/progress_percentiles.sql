-- purpose: Reference lines for the ageing chart: the 50th, 85th and 95th percentiles of days since
--   progress over every case open at every month end of the calendar, the unit's usual pace.
-- grain: one row: the percentiles over the $months snapshots ending at $as_of
-- uses: case_progress
-- parameters:
--   $units  VARCHAR[]  units to include; null for every unit
-- columns:
--   snapshots  month ends the percentiles are taken over
--   cases      case-snapshots counted (a case open at three month ends counts three times)
--   p50        50th percentile of days_since_progress (continuous)
--   p85        85th percentile
--   p95        95th percentile
with
grouped as (
    select
        count(distinct as_of) as snapshots,
        count(*) as cases,
        quantile_cont(days_since_progress, [0.50, 0.85, 0.95]) as q  -- the three from one sort
    from case_progress
    where cast($units as varchar[]) is null or list_contains(cast($units as varchar[]), unit)
),

final as (
    select snapshots, cases, q[1] as p50, q[2] as p85, q[3] as p95
    from grouped
)

select * from final
